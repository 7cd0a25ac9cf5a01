//! The width of the folders, the twin of the file sizes (`sizes.rs`): no folder under
//! `server/src`, `entity/src`, `migration/src` or `tests/` holds more than [`MAX_FILES`] `.rs`
//! files side by side. A reader finds a module by its folder; past that many, a folder is a
//! list to scan, not a map. Group its files into subfolders by what they serve (a route
//! family, an area of the schema), not by count. There is no list of exceptions.

use std::path::{Path, PathBuf};

const MAX_FILES: usize = 30;

/// The workspace root.
fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).to_path_buf()
}

/// `dir` and every folder below it, with the number of `.rs` files each holds directly;
/// build output is skipped.
fn widths(dir: &Path, out: &mut Vec<(PathBuf, usize)>) {
    let mut files = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read a source directory")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            widths(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files += 1;
        }
    }
    out.push((dir.to_path_buf(), files));
}

#[test]
fn folders_hold_at_most_30_files() {
    let mut problems = Vec::new();
    for dir in ["server/src", "entity/src", "migration/src", "tests"] {
        let mut found = Vec::new();
        widths(&root().join(dir), &mut found);
        // A wrong root would find nothing and pass.
        assert!(
            found.iter().any(|(_, n)| *n > 0),
            "no .rs files under {dir}"
        );
        for (path, files) in found {
            if files > MAX_FILES {
                let shown = path.strip_prefix(root()).unwrap_or(&path).display();
                problems.push(format!("{shown}/: {files} .rs files"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "folders with more than {MAX_FILES} .rs files side by side (group them into \
         subfolders by what they serve):\n{}",
        problems.join("\n")
    );
}
