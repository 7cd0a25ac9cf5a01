//! Edges stay thin: no file under an edge (`api/`, `dav/`, `nextcloud/`, `s3/`) reaches the
//! database through `sea_orm` itself; what a request reads or writes is a function of `fs` or of
//! a service that it calls, so a limit applied there holds on every way in. Only the files named
//! in [`ALLOWED`] may, each for the reason given there.

use std::path::Path;

/// The edges: one folder under `server/src/` each.
const EDGES: &[&str] = &["api", "dav", "nextcloud", "s3"];

/// Files (or folders, ending in `/`) under `server/src/` that may name `sea_orm`.
const ALLOWED: &[(&str, &str)] = &[
    (
        "api/envelope.rs",
        "the envelope turns a database error (`sea_orm::DbErr`) into its code",
    ),
    (
        "api/present/",
        "presenters read the rows a DTO shows (owners, parents, shares) while presenting",
    ),
];

fn allowed(relative: &str) -> bool {
    ALLOWED.iter().any(|(name, _)| {
        if name.ends_with('/') {
            relative.starts_with(name)
        } else {
            relative == *name
        }
    })
}

/// The lines of `source` that name `sea_orm` in code (comments left out).
fn orm_lines(source: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or_default();
            code.contains("use sea_orm") || code.contains("sea_orm::")
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn edges_do_not_use_the_orm() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../server/src"));
    let mut found = Vec::new();
    for edge in EDGES {
        let mut files = Vec::new();
        super::rust_files(&src.join(edge), &mut files);
        assert!(!files.is_empty(), "no files under server/src/{edge}");
        for path in files {
            let relative = path
                .strip_prefix(src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            if allowed(&relative) {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("read source file");
            for line in orm_lines(&source) {
                found.push(format!("server/src/{relative}:{line}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "edge files that use sea_orm (move the query into `fs` or the owning service):\n{}",
        found.join("\n")
    );
}

#[test]
fn orm_lines_are_found_outside_comments() {
    let source = "use sea_orm::EntityTrait;\n// sea_orm:: in a comment\nlet x = sea_orm::DbErr::Custom(s);\n";
    assert_eq!(orm_lines(source), vec![1, 3]);
}
