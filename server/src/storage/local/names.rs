//! The driver's own files beside a key: the partial file of a chunked upload and the
//! temporary file of a put, both named after the key (hashed, so long names still fit
//! `NAME_MAX`), so that deleting the key finds them.

use std::{io, path::Path};

use rand::{Rng, distr::Alphanumeric};
use sha2::{Digest, Sha256};

use super::{RESERVED_PREFIX, durable::TempFile};

/// The partial file of an upload to `name` (hashed, so long names still fit `NAME_MAX`).
pub(super) fn partial_name(name: &str) -> String {
    let hash = hex::encode(Sha256::digest(name.as_bytes()));
    format!("{RESERVED_PREFIX}part-{}", &hash[..32])
}

/// The temporary file a put to `name` writes first is named after it (hashed, like
/// [`partial_name`]), so that deleting the key also removes one a crash cut off.
pub(super) fn temp_name(name: &str) -> String {
    let hash = hex::encode(Sha256::digest(name.as_bytes()));
    format!("{RESERVED_PREFIX}tmp-{}", &hash[..32])
}

pub(super) fn random_suffix() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Creates the temporary file of a put to `name` in `dir`. Another put to the same name at
/// the same moment (or a file a crash left) already holds [`temp_name`]: this one then takes
/// a random name after it.
pub(super) fn create_temp(dir: &Path, name: &str) -> io::Result<(TempFile, std::fs::File)> {
    let create = |path: &Path| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let named = dir.join(temp_name(name));
    match create(&named) {
        Ok(file) => Ok((TempFile(Some(named)), file)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let path = dir.join(format!("{}-{}", temp_name(name), random_suffix()));
            let file = create(&path)?;
            Ok((TempFile(Some(path)), file))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{
        StorageDriver, collect,
        local::{LocalDriver, SMALL_BODY},
        stream_once,
    };

    /// A put cut off by a crash leaves its temporary file: the next put to the key works
    /// around it, and deleting the key removes it.
    #[tokio::test]
    async fn deleting_a_key_removes_the_temporary_file_a_crash_left() {
        let dir = tempfile::tempdir().unwrap();
        let driver = LocalDriver::new(dir.path().to_owned());
        let big = vec![7u8; 3 * SMALL_BODY];
        for (key, body) in [("a/x.bin", b"small".to_vec()), ("a/y.bin", big)] {
            let folder = dir.path().join("a");
            std::fs::create_dir_all(&folder).unwrap();
            let name = key.trim_start_matches("a/");
            let left = folder.join(temp_name(name));
            std::fs::write(&left, b"cut off").unwrap();
            driver
                .put(key, stream_once(body.clone()), None)
                .await
                .unwrap();
            let got = collect(driver.get(key, None).await.unwrap().stream)
                .await
                .unwrap();
            assert_eq!(got, body);
            assert!(
                left.exists(),
                "another writer's temporary file is left alone"
            );
            let other = folder.join(temp_name("other.bin"));
            std::fs::write(&other, b"someone else's").unwrap();
            assert!(driver.delete(&[key.to_owned()]).await.unwrap().is_empty());
            assert!(!left.exists());
            assert!(other.exists());
            std::fs::remove_file(other).unwrap();
        }
        // Nothing else is left: the puts' own temporary files were renamed into place.
        assert_eq!(std::fs::read_dir(dir.path().join("a")).unwrap().count(), 0);
    }
}
