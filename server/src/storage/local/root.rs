//! Where a key of the local driver lives on disk: key validation, the spellings of the root an
//! absolute key may use, and symlink-safe resolution and creation of parent folders.

use std::{
    io,
    path::{Path, PathBuf},
    sync::OnceLock,
};

use super::RESERVED_PREFIX;
use crate::storage::StorageError;

/// The root folder of a local driver, in the spellings keys may use.
pub(super) struct Root {
    /// The root as configured.
    pub(super) given: PathBuf,
    /// `given` made absolute (lexically).
    pub(super) absolute: PathBuf,
    /// `given` with symlinks resolved; computed (creating the folder) on first use.
    canonical: OnceLock<PathBuf>,
    pub(super) pre_allocate: bool,
}

/// A key split into its display base (how an absolute key spelled the root, `""` for relative
/// keys) and its validated components below the root.
pub(super) struct ParsedKey {
    pub(super) base: String,
    pub(super) parts: Vec<String>,
}

impl Root {
    pub(super) fn new(given: PathBuf, pre_allocate: bool) -> Self {
        let absolute = std::path::absolute(&given).unwrap_or_else(|_| given.clone());
        Self {
            given,
            absolute,
            canonical: OnceLock::new(),
            pre_allocate,
        }
    }

    /// The root with symlinks resolved, created on first use.
    pub(super) fn canonical(&self) -> io::Result<&Path> {
        if let Some(path) = self.canonical.get() {
            return Ok(path);
        }
        std::fs::create_dir_all(&self.absolute)?;
        let path = std::fs::canonicalize(&self.absolute)?;
        Ok(self.canonical.get_or_init(|| path))
    }

    /// Validates `key` (or a list prefix when `prefix`) and splits it below the root.
    pub(super) fn parse(&self, key: &str, prefix: bool) -> Result<ParsedKey, StorageError> {
        let invalid = |why: &str| StorageError::InvalidKey(format!("{why}: {key:?}"));
        if key.is_empty() && !prefix {
            return Err(invalid("empty key"));
        }
        if key.contains('\0') {
            return Err(invalid("NUL in key"));
        }
        if key.contains('\\') {
            return Err(invalid("backslash in key"));
        }
        if key.ends_with('/') && !prefix {
            return Err(invalid("key ends with `/`"));
        }
        let (base, rest) = if key.starts_with('/') {
            self.strip_root(key)?
                .ok_or_else(|| invalid("absolute key outside the storage root"))?
        } else {
            (String::new(), key.to_owned())
        };
        let mut parts = Vec::new();
        for part in rest.split('/') {
            match part {
                "" | "." => {}
                ".." => return Err(invalid("`..` in key")),
                p if p.starts_with(RESERVED_PREFIX) => return Err(invalid("reserved name")),
                p => parts.push(p.to_owned()),
            }
        }
        if prefix && (rest.ends_with('/') || rest.is_empty()) {
            // A trailing `/` means "everything in this folder": an empty last component.
            parts.push(String::new());
        }
        if parts.is_empty() {
            return Err(invalid("key names the storage root"));
        }
        Ok(ParsedKey { base, parts })
    }

    /// Splits an absolute key into (the root as the key spelled it + `/`, the rest).
    fn strip_root(&self, key: &str) -> Result<Option<(String, String)>, StorageError> {
        let path = Path::new(key);
        let canonical = self.canonical()?.to_path_buf();
        for root in [&self.given, &self.absolute, &canonical] {
            if !root.is_absolute() {
                continue;
            }
            if let Ok(rest) = path.strip_prefix(root) {
                let mut rest = rest.to_str().unwrap_or_default().to_owned();
                // `Path` forgets a trailing `/`, which means "this folder" in a list prefix.
                if key.ends_with('/') {
                    rest.push('/');
                }
                let base = format!("{}/", root.to_string_lossy().trim_end_matches('/'));
                return Ok(Some((base, rest)));
            }
        }
        Ok(None)
    }

    /// The canonical path of an existing object; symlinks must resolve inside the root.
    pub(super) fn existing(&self, parts: &[String]) -> Result<PathBuf, StorageError> {
        let root = self.canonical()?;
        let path = std::fs::canonicalize(join(root, parts))?;
        if !path.starts_with(root) {
            return Err(StorageError::InvalidKey(
                "key leads outside the storage root through a symlink".into(),
            ));
        }
        if !std::fs::metadata(&path)?.is_file() {
            return Err(StorageError::NotFound);
        }
        Ok(path)
    }

    /// The canonical parent folder of a key and the key's file name, without creating anything;
    /// `None` when the parent does not exist.
    pub(super) fn locate(
        &self,
        parts: &[String],
    ) -> Result<Option<(PathBuf, String)>, StorageError> {
        let (name, dirs) = parts.split_last().expect("parsed keys are not empty");
        Ok(self.folder(dirs)?.map(|dir| (dir, name.clone())))
    }

    /// The canonical path of the existing folder `dirs` below the root; `None` when missing.
    pub(super) fn folder(&self, dirs: &[String]) -> Result<Option<PathBuf>, StorageError> {
        let root = self.canonical()?;
        let dir = match std::fs::canonicalize(join(root, dirs)) {
            Ok(dir) => dir,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if !dir.starts_with(root) {
            return Err(StorageError::InvalidKey(
                "key leads outside the storage root through a symlink".into(),
            ));
        }
        Ok(Some(dir))
    }

    /// Creates the parent folders of a key one by one, refusing symlinks that leave the root,
    /// and returns the canonical parent and the file name.
    pub(super) fn prepare(&self, parts: &[String]) -> Result<(PathBuf, String), StorageError> {
        let root = self.canonical()?.to_path_buf();
        let (name, dirs) = parts.split_last().expect("parsed keys are not empty");
        let mut dir = root.clone();
        for part in dirs {
            let next = dir.join(part);
            dir = loop {
                match std::fs::symlink_metadata(&next) {
                    Ok(meta) if meta.is_dir() => break next,
                    Ok(meta) if meta.file_type().is_symlink() => {
                        let target = std::fs::canonicalize(&next)?;
                        if !target.starts_with(&root) || !target.is_dir() {
                            return Err(StorageError::InvalidKey(format!(
                                "{part:?} is a symlink leading outside the storage root"
                            )));
                        }
                        break target;
                    }
                    Ok(_) => {
                        return Err(StorageError::Io(io::Error::new(
                            io::ErrorKind::NotADirectory,
                            format!("{part:?} is a file, not a folder"),
                        )));
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        match std::fs::create_dir(&next) {
                            // Another writer may have created it meanwhile: check it again.
                            // A full file system is `NoSpace`, like any write's.
                            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                                return Err(e.into());
                            }
                            _ => continue,
                        }
                    }
                    Err(e) => return Err(StorageError::Io(e)),
                }
            };
        }
        let target = dir.join(name);
        if let Ok(meta) = std::fs::symlink_metadata(&target) {
            if meta.file_type().is_symlink() {
                return Err(StorageError::InvalidKey(format!("{name:?} is a symlink")));
            }
            if meta.is_dir() {
                return Err(StorageError::Io(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    format!("{name:?} is a folder"),
                )));
            }
        }
        Ok((dir, name.clone()))
    }
}

fn join(root: &Path, parts: &[String]) -> PathBuf {
    let mut path = root.to_path_buf();
    path.extend(parts);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(root: &Root, key: &str) -> Result<Vec<String>, StorageError> {
        root.parse(key, false).map(|p| p.parts)
    }

    #[test]
    fn keys_are_validated() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let driver = Root::new(root.clone(), false);
        assert_eq!(parts(&driver, "a/./b//c").unwrap(), ["a", "b", "c"]);
        let abs = format!("{}/uploads/1/x", root.display());
        assert_eq!(parts(&driver, &abs).unwrap(), ["uploads", "1", "x"]);
        for bad in [
            "",
            "../x",
            "a/../../x",
            "a\0b",
            "a\\b",
            "/etc/passwd",
            ".",
            "a/.stratus-tmp-x",
            "a/",
        ] {
            assert!(
                matches!(parts(&driver, bad), Err(StorageError::InvalidKey(_))),
                "{bad:?} accepted"
            );
        }
        let sibling = format!("{}-other/x", root.display());
        assert!(parts(&driver, &sibling).is_err(), "sibling folder accepted");
    }

    #[test]
    fn list_prefixes_keep_the_callers_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("r");
        let driver = Root::new(root.clone(), false);
        let parsed = driver.parse("a/b", true).unwrap();
        assert_eq!(
            (parsed.base.as_str(), parsed.parts),
            ("", vec!["a".into(), "b".into()])
        );
        let parsed = driver.parse("a/", true).unwrap();
        assert_eq!(parsed.parts, ["a", ""]);
        let parsed = driver.parse("", true).unwrap();
        assert_eq!(parsed.parts, [""]);
        let abs = format!("{}/x", root.display());
        let parsed = driver.parse(&abs, true).unwrap();
        assert_eq!(parsed.base, format!("{}/", root.display()));
        let parsed = driver.parse(&format!("{abs}/"), true).unwrap();
        assert_eq!(parsed.parts, ["x", ""]);
    }
}
