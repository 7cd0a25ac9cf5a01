//! Buckets and object keys as places in the drive: bucket `b` of a key is the folder `b` in
//! the key's folder, object key `a/b/c` the file `c` in its folder `a/b`, and a key ending in
//! `/` names the folder itself (a folder marker).

use s3s::{S3Result, s3_error};

use crate::fs::uri::FileUri;

/// The folder of bucket `bucket` below the key's folder `root`.
pub fn bucket(root: &FileUri, bucket: &str) -> S3Result<FileUri> {
    root.join(bucket)
        .map_err(|_| s3_error!(InvalidBucketName, "this bucket name is not a folder name"))
}

/// An object key's place below the bucket folder, and whether it names a folder (`a/b/`).
pub fn object(bucket: &FileUri, key: &str) -> S3Result<(FileUri, bool)> {
    let (path, folder) = match key.strip_suffix('/') {
        Some(path) => (path, true),
        None => (key, false),
    };
    if path.is_empty() {
        return Err(s3_error!(InvalidArgument, "the object key names no object"));
    }
    let mut uri = bucket.clone();
    for segment in path.split('/') {
        uri = uri.join(segment).map_err(|e| {
            s3_error!(
                InvalidArgument,
                "the object key has a part that cannot be a file name: {e}"
            )
        })?;
    }
    Ok((uri, folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_places() {
        let root = FileUri::parse("cloudreve://my/backups").unwrap();
        let b = bucket(&root, "photos").unwrap();
        let (uri, folder) = object(&b, "2024/may/a.jpg").unwrap();
        assert!(!folder);
        assert_eq!(
            uri.segments(),
            ["backups", "photos", "2024", "may", "a.jpg"]
        );
        let (uri, folder) = object(&b, "2024/").unwrap();
        assert!(folder);
        assert_eq!(uri.segments(), ["backups", "photos", "2024"]);
        for bad in ["", "/", "a//b", "a/../b"] {
            assert!(object(&b, bad).is_err(), "{bad}");
        }
    }
}
