//! The sizes of the sources, the twin of the import rules: a file is read whole and a function
//! in one sitting, so neither grows past what a reader holds at once.
//!
//! - No `.rs` file under `server/src`, `entity/src`, `migration/src`, `migration/tests` or
//!   `tests/` is over [`MAX_FILE_LINES`] lines.
//! - No function under `server/src` or `entity/src` is over [`MAX_FN_LINES`] lines, counted from
//!   its `fn` line to its closing brace. Two places are exempt from this rule, and only these:
//!   the migrations (`migration/src`), a frozen history of the schema that is never edited once
//!   released, and the tests (`tests/`), where one test function reads as one story.
//!
//! The functions are found by parsing the files (`syn`), so braces in strings, characters and
//! comments do not count.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

/// The workspace root.
fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).to_path_buf()
}

/// Every `.rs` file under `dir`, sorted; build output is skipped.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every function with a body, its name and its first and last line.
#[derive(Default)]
struct Functions {
    found: Vec<(String, usize, usize)>,
}

impl Functions {
    fn add(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let first = sig.fn_token.span.start().line;
        let last = block.brace_token.span.close().end().line;
        self.found.push((sig.ident.to_string(), first, last));
    }
}

impl<'ast> Visit<'ast> for Functions {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.add(&item.sig, &item.block);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.add(&item.sig, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.add(&item.sig, block);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }
}

#[test]
fn files_stay_under_600_lines() {
    let mut problems = Vec::new();
    for dir in [
        "server/src",
        "entity/src",
        "migration/src",
        "migration/tests",
        "tests",
    ] {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        for path in files {
            let source = std::fs::read_to_string(&path).expect("read source file");
            let lines = source.lines().count();
            if lines > MAX_FILE_LINES {
                problems.push(format!("{}: {lines} lines", shown(&path)));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "files over {MAX_FILE_LINES} lines (split them into files named for what they hold):\n{}",
        problems.join("\n")
    );
}

#[test]
fn functions_stay_under_80_lines() {
    let mut problems = Vec::new();
    for dir in ["server/src", "entity/src"] {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        for path in files {
            let source = std::fs::read_to_string(&path).expect("read source file");
            let file = match syn::parse_file(&source) {
                Ok(file) => file,
                Err(e) => {
                    problems.push(format!("{}: does not parse: {e}", shown(&path)));
                    continue;
                }
            };
            let mut functions = Functions::default();
            functions.visit_file(&file);
            for (name, first, last) in functions.found {
                let lines = last - first + 1;
                if lines > MAX_FN_LINES {
                    problems.push(format!(
                        "{}:{first}: fn {name}: {lines} lines",
                        shown(&path)
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "functions over {MAX_FN_LINES} lines (split them into named steps):\n{}",
        problems.join("\n")
    );
}
