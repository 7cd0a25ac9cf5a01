//! Request paths: what may reach the file system, and how a `/dav` path maps to a URI.
//!
//! dav-server decodes and normalizes paths itself and would resolve `a/%2e%2e/b` to `b`; the
//! raw path is checked first so that no encoded dot segment, separator or NUL is ever
//! reinterpreted. The mapping then joins each decoded segment to the account root with
//! [`FileUri::join`], which refuses any segment that is not a plain name, so the result is
//! always the root or below it.

use dav_server::{davpath::DavPath, fs::FsError};

use crate::fs::uri::FileUri;

/// True when every segment of the raw (still percent-encoded) request path decodes to a plain
/// name: UTF-8, no `.` or `..`, no `/`, `\`, NUL or other control character.
pub fn raw_path_is_safe(raw: &str) -> bool {
    raw.split('/').all(|segment| {
        let Ok(decoded) = percent_encoding::percent_decode_str(segment).decode_utf8() else {
            return false;
        };
        decoded != "."
            && decoded != ".."
            && !decoded
                .chars()
                .any(|c| c == '/' || c == '\\' || c.is_control())
    })
}

/// Names that desktop systems scatter on network drives.
pub fn is_junk(name: &str) -> bool {
    name == ".DS_Store"
        || name.starts_with("._")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// The decoded segments of a path below the mount point.
pub fn segments(path: &DavPath) -> Result<Vec<String>, FsError> {
    path.as_bytes()
        .split(|&b| b == b'/')
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).map_err(|_| FsError::NotFound))
        .collect()
}

/// `root` joined with the segments of `path`.
pub fn join(root: &FileUri, path: &DavPath) -> Result<FileUri, FsError> {
    let mut uri = root.clone();
    for segment in segments(path)? {
        uri = uri.join(&segment).map_err(|_| FsError::Forbidden)?;
    }
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_traversal_is_refused() {
        assert!(raw_path_is_safe("/dav/a/b%20c/"));
        assert!(raw_path_is_safe("/dav/res-%e2%82%ac"));
        for bad in [
            "/dav/../x",
            "/dav/%2e%2e/x",
            "/dav/%2E%2e",
            "/dav/./x",
            "/dav/a%2fb",
            "/dav/a%5cb",
            "/dav/a\\b",
            "/dav/a%00",
            "/dav/%ff",
        ] {
            assert!(!raw_path_is_safe(bad), "{bad}");
        }
    }

    #[test]
    fn paths_stay_below_the_root() {
        let root = FileUri::parse("cloudreve://my/Docs").unwrap();
        let mut p = DavPath::new("/dav/a/b").unwrap();
        p.set_prefix("/dav").unwrap();
        assert_eq!(
            join(&root, &p).unwrap().to_string(),
            "cloudreve://my/Docs/a/b"
        );
        let mut p = DavPath::new("/dav/").unwrap();
        p.set_prefix("/dav").unwrap();
        assert_eq!(join(&root, &p).unwrap(), root);
    }

    #[test]
    fn junk_names() {
        for n in [
            ".DS_Store",
            "._a.txt",
            "Thumbs.db",
            "desktop.ini",
            "Desktop.ini",
        ] {
            assert!(is_junk(n), "{n}");
        }
        assert!(!is_junk("a.DS_Store.txt"));
    }
}
