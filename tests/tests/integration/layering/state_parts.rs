//! `AppState` lists what it holds: every file of `server/src` that makes a process-wide part
//! (`state.part(…)` or `state.provide(…)`) is named in the table of `state.rs`'s header, and
//! every file named there still makes one.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files named in the first column of the table in `state.rs`'s `//!` header.
fn listed(state: &str) -> BTreeSet<String> {
    state
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .filter_map(|l| l.strip_prefix("//! | `"))
        .filter_map(|l| l.split_once('`').map(|(file, _)| file.to_owned()))
        .filter(|f| f.ends_with(".rs"))
        .collect()
}

#[test]
fn every_part_of_the_state_is_listed_in_state_rs() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../server/src"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut making = BTreeSet::new();
    for path in files {
        let relative = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "state.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("state.part(") || text.contains("state.provide(") {
            making.insert(relative);
        }
    }
    let listed = listed(&std::fs::read_to_string(src.join("state.rs")).unwrap());
    assert!(making.len() >= 10, "only {making:?}: is the search broken?");
    let missing: Vec<_> = making.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&making).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "state.rs's table of parts is out of date: not listed {missing:?}, listed but making none {stale:?}"
    );
}
