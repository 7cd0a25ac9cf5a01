//! Every section the code and the docs cite in the API contract exists in `docs/api/`: a
//! comment saying `spec §6.2` is only useful while `docs/api/v4.md` has a `6.2` heading.
//!
//! Three forms are read: `spec §N.M` (`docs/api/v4.md`), `spec 4.18 §N.M`
//! (`docs/api/v4-18.md`) and `deviations §N` (`docs/api/deviations.md`). A range
//! (`spec §5.1–5.2`) checks both ends; a list (`spec §2.9, §14`, `spec §11 and §13`) checks
//! every number against the same file.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

/// A contract file of `docs/api/` and the words that cite it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    V4,
    V418,
    Deviations,
}

impl Doc {
    fn file(self) -> &'static str {
        match self {
            Doc::V4 => "v4.md",
            Doc::V418 => "v4-18.md",
            Doc::Deviations => "deviations.md",
        }
    }
}

/// How a citation starts, longest first so that `spec 4.18 §` is not read as `spec §`.
const MARKERS: &[(&str, Doc)] = &[
    ("spec 4.18 §", Doc::V418),
    ("spec §", Doc::V4),
    ("deviations §", Doc::Deviations),
];

/// Where citations are looked for, from the repository root.
const ROOTS: &[&str] = &[
    "server/src",
    "entity/src",
    "migration",
    "tests/src",
    "tests/tests",
    "frontend/src",
    "frontend/e2e",
    "docs",
    "bench",
    "README.md",
];

/// Folders never read: generated or installed files.
const SKIPPED: &[&str] = &["node_modules", "generated", "dist", "target"];

const EXTENSIONS: &[&str] = &["rs", "ts", "tsx", "mjs", "md", "sh"];

/// One cited section.
#[derive(Debug, PartialEq, Eq)]
struct Citation {
    doc: Doc,
    section: String,
}

/// A section number at the start of `text` (`6.2`, `14`), without a sentence's final dot.
fn number(text: &str) -> Option<(String, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let found = text[..end].trim_end_matches('.');
    if found.is_empty() || !found.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((found.to_owned(), &text[found.len()..]))
}

/// The end of a range written short (`5.1–2` is `5.1` to `5.2`).
fn range_end(start: &str, end: String) -> String {
    match start.rsplit_once('.') {
        Some((major, _)) if !end.contains('.') => format!("{major}.{end}"),
        _ => end,
    }
}

/// A number or a range at the start of `text`: the sections it names and the rest.
fn item(text: &str) -> Option<(Vec<String>, &str)> {
    let (first, rest) = number(text)?;
    for dash in ["–", "-"] {
        if let Some(after) = rest.strip_prefix(dash)
            && let Some((last, rest)) = number(after)
        {
            let last = range_end(&first, last);
            return Some((vec![first, last], rest));
        }
    }
    Some((vec![first], rest))
}

/// Every citation on one line.
fn citations(line: &str) -> Vec<Citation> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some((at, marker, doc)) = MARKERS
        .iter()
        .filter_map(|(marker, doc)| rest.find(marker).map(|at| (at, *marker, *doc)))
        .min_by_key(|(at, marker, _)| (*at, std::cmp::Reverse(marker.len())))
    {
        rest = &rest[at + marker.len()..];
        let Some((sections, mut after)) = item(rest) else {
            continue;
        };
        found.extend(
            sections
                .into_iter()
                .map(|section| Citation { doc, section }),
        );
        // `, §14`, ` and §13`, ` or §4.2` go on citing the same file.
        loop {
            let next = [", §", " and §", " or §", "; §"]
                .iter()
                .find_map(|sep| after.strip_prefix(sep));
            let Some((sections, tail)) = next.and_then(item) else {
                break;
            };
            found.extend(
                sections
                    .into_iter()
                    .map(|section| Citation { doc, section }),
            );
            after = tail;
        }
        rest = after;
    }
    found
}

/// The section numbers a contract file's headings start with (`### 6.2 Sending chunks` → `6.2`).
fn sections(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter(|line| line.starts_with('#'))
        .filter_map(|line| number(line.trim_start_matches('#').trim_start()))
        .map(|(n, _)| n)
        .collect()
}

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_owned());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !SKIPPED.contains(&name) && !name.starts_with('.') {
                files(&path, out);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
}

#[test]
fn spec_references_name_existing_sections() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let api = root.join("docs/api");
    let known = |doc: Doc| {
        let path = api.join(doc.file());
        sections(&std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("read {}: {e}", path.display());
        }))
    };
    let known = [
        (Doc::V4, known(Doc::V4)),
        (Doc::V418, known(Doc::V418)),
        (Doc::Deviations, known(Doc::Deviations)),
    ];
    let mut paths = Vec::new();
    for dir in ROOTS {
        files(&root.join(dir), &mut paths);
    }
    paths.sort();
    let (mut checked, mut missing) = (0, Vec::new());
    for path in paths {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            for citation in citations(line) {
                checked += 1;
                let (_, sections) = known
                    .iter()
                    .find(|(doc, _)| *doc == citation.doc)
                    .expect("every doc is read");
                if !sections.contains(&citation.section) {
                    missing.push(format!(
                        "{shown}:{}: §{} is not a section of docs/api/{}",
                        n + 1,
                        citation.section,
                        citation.doc.file()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} citations found: is the scan looking in the right place?"
    );
    assert!(
        missing.is_empty(),
        "citations of sections docs/api/ does not have (add the section, or fix the number):\n{}",
        missing.join("\n")
    );
}

#[test]
fn citations_are_read_with_ranges_and_lists() {
    let cited = |line: &str| {
        citations(line)
            .into_iter()
            .map(|c| format!("{}:{}", c.doc.file(), c.section))
            .collect::<Vec<_>>()
    };
    assert_eq!(cited("// (spec §6.2)."), ["v4.md:6.2"]);
    assert_eq!(cited("spec §5.1–5.2"), ["v4.md:5.1", "v4.md:5.2"]);
    assert_eq!(cited("spec §2.6–9"), ["v4.md:2.6", "v4.md:2.9"]);
    assert_eq!(cited("(spec §2.9, §14; audit)"), ["v4.md:2.9", "v4.md:14"]);
    assert_eq!(cited("spec §11 and §13"), ["v4.md:11", "v4.md:13"]);
    assert_eq!(
        cited("spec 4.18 §2.5–2.13, deviations §1"),
        ["v4-18.md:2.5", "v4-18.md:2.13", "deviations.md:1"]
    );
    assert_eq!(cited("spec §N.M and a spec § alone"), Vec::<String>::new());
    assert_eq!(
        sections("## 1. Envelope\n### 14.3 Group bits — see §4.4.\n## Appendix A\n"),
        ["1".to_owned(), "14.3".to_owned()].into_iter().collect()
    );
}
