//! Every link of the README and the guides in `docs/` leads somewhere: a relative link names a
//! file or folder of the repository, and a `#fragment` into a Markdown file names one of its
//! headings (as GitHub makes heading anchors). Links to other sites are not followed.

use std::path::{Path, PathBuf};

/// The Markdown files whose links are checked: the README and everything under `docs/`.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join("README.md")];
    let mut stack = vec![root.join("docs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The targets of the inline links `[text](target)` of a Markdown text, outside code blocks
/// and code spans.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans may hold `](` that is no link.
        let prose: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            out.push(target.to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// GitHub's anchor of a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces made hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file's headings (outside code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// What is wrong with one link of `from`, if anything.
fn broken(root: &Path, from: &Path, target: &str) -> Option<String> {
    if target.is_empty()
        || target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with('<')
    {
        return None;
    }
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        from.to_path_buf()
    } else if let Some(abs) = path.strip_prefix('/') {
        root.join(abs)
    } else {
        from.parent().unwrap().join(path)
    };
    if !file.exists() {
        return Some(format!("{target}: no such file"));
    }
    let fragment = fragment.filter(|f| !f.is_empty())?;
    if file.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let text = std::fs::read_to_string(&file).unwrap();
    (!anchors(&text).iter().any(|a| a == fragment))
        .then(|| format!("{target}: no heading with this anchor"))
}

#[test]
fn every_link_of_the_readme_and_the_guides_resolves() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).to_path_buf();
    let mut bad = Vec::new();
    let mut seen = 0;
    for doc in documents(&root) {
        let text = std::fs::read_to_string(&doc).unwrap();
        for target in link_targets(&text) {
            seen += 1;
            if let Some(why) = broken(&root, &doc, &target) {
                bad.push(format!(
                    "{}: {why}",
                    doc.strip_prefix(&root).unwrap().display()
                ));
            }
        }
    }
    assert!(seen >= 20, "only {seen} links found: is the reader broken?");
    assert!(bad.is_empty(), "broken links:\n{}", bad.join("\n"));
}

/// The README is what a newcomer reads first: what Stratus is, the two commands, links.
#[test]
fn the_readme_stays_short() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let lines = std::fs::read_to_string(root.join("README.md"))
        .unwrap()
        .lines()
        .count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines: move guides to docs/"
    );
}

#[test]
fn the_link_reader_finds_links_and_anchors() {
    assert_eq!(
        link_targets("see [a](docs/a.md#x-y) and `[b](no)` [c](<d>)\n```\n[e](f)\n```"),
        vec!["docs/a.md#x-y", "<d>"]
    );
    assert_eq!(
        anchor(" Slave nodes (`remote` policies)"),
        "slave-nodes-remote-policies"
    );
    assert_eq!(
        anchor("Install, run and configure"),
        "install-run-and-configure"
    );
}
