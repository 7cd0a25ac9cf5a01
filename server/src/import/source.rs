//! The folder an import reads: `src` resolved inside a local policy's root (no `..`, no
//! symlink leading out), and its entries one folder at a time. Symbolic links below it are
//! skipped (a link would make two files of one blob, or reach outside the root), and so are
//! names the local driver keeps for itself and names the drive does not allow.

use std::{
    io,
    path::{Component, Path, PathBuf},
};

use super::ImportError;
use crate::{fs::uri::validate_name, storage::local::RESERVED_PREFIX};

/// `src` as a canonical folder inside the canonical `root`.
pub fn resolve(root: &Path, src: &str) -> Result<PathBuf, ImportError> {
    let src = src.trim();
    if src.is_empty() || src.contains('\0') {
        return Err(ImportError::Invalid("src: a folder path".into()));
    }
    let given = Path::new(src);
    if given
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(ImportError::OutsideRoot);
    }
    std::fs::create_dir_all(root).map_err(|e| ImportError::NotAFolder(e.to_string()))?;
    let root = std::fs::canonicalize(root).map_err(|e| ImportError::NotAFolder(e.to_string()))?;
    let path = if given.is_absolute() {
        given.to_path_buf()
    } else {
        root.join(given)
    };
    let canonical = match std::fs::canonicalize(&path) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Whether it exists says something about the disk outside the root: refuse
            // a path outside the root the same way whether it exists or not.
            if !path.starts_with(&root) {
                return Err(ImportError::OutsideRoot);
            }
            return Err(ImportError::NotAFolder(src.to_owned()));
        }
        Err(e) => return Err(ImportError::NotAFolder(e.to_string())),
    };
    if !canonical.starts_with(&root) {
        return Err(ImportError::OutsideRoot);
    }
    if !canonical.is_dir() {
        return Err(ImportError::NotAFolder(src.to_owned()));
    }
    Ok(canonical)
}

/// One entry of a folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    File {
        name: String,
        size: u64,
    },
    Folder {
        name: String,
    },
    /// Not imported, and why.
    Skipped {
        name: String,
        why: &'static str,
    },
}

/// The entries of `dir`, by name.
pub fn entries(dir: &Path) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push(Entry::Skipped {
                name,
                why: "name is not UTF-8",
            });
            continue;
        };
        let meta = std::fs::symlink_metadata(entry.path())?;
        let skip = |why| Entry::Skipped {
            name: name.clone(),
            why,
        };
        out.push(if meta.file_type().is_symlink() {
            skip("symbolic link")
        } else if name.starts_with(RESERVED_PREFIX) {
            skip("temporary file of the storage driver")
        } else if validate_name(&name).is_err() {
            skip("name not allowed in the drive")
        } else if meta.is_dir() {
            Entry::Folder { name }
        } else if meta.is_file() {
            Entry::File {
                name,
                size: meta.len(),
            }
        } else {
            skip("not a regular file")
        });
    }
    out.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    Ok(out)
}

fn name_of(e: &Entry) -> &str {
    match e {
        Entry::File { name, .. } | Entry::Folder { name } | Entry::Skipped { name, .. } => name,
    }
}
