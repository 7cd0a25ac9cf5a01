//! A signed-in caller is made in one place: the door (`server/src/door/`) turns every
//! credential into a `SignedIn`, and its `work` part makes the server's own callers. A
//! `SignedIn { .. }` built anywhere else (in `server/src` or in the tests) is a caller no
//! admission checked: its folder, read-only flag or guard state could be forgotten.

use std::path::Path;

use syn::visit::Visit;

/// The struct literals of a `SignedIn` found in one file (their lines).
#[derive(Default)]
struct Literals(Vec<usize>);

impl<'ast> Visit<'ast> for Literals {
    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        let segments: Vec<String> = node
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        // `SignedIn`, `caller::SignedIn`, `crate::caller::SignedIn`; not an enum variant of
        // the same name (`Landing::SignedIn`).
        let caller = match segments.as_slice() {
            [.., owner, last] => last == "SignedIn" && matches!(owner.as_str(), "caller" | "door"),
            [last] => last == "SignedIn",
            [] => false,
        };
        if caller {
            self.0.push(node.path.segments[0].ident.span().start().line);
        }
        syn::visit::visit_expr_struct(self, node);
    }
}

/// Lines of `source` that build a `SignedIn`; none in a file that declares a struct of that
/// name of its own (the sign-in service's outcome is another type).
fn literals(source: &str) -> Vec<usize> {
    let file = syn::parse_file(source).expect("parse a source file");
    let own = file.items.iter().any(|item| match item {
        syn::Item::Struct(s) => s.ident == "SignedIn",
        _ => false,
    });
    if own {
        return Vec::new();
    }
    let mut found = Literals::default();
    found.visit_file(&file);
    found.0
}

/// Every `SignedIn` literal under `dir` outside the folders `allowed` (relative to `dir`).
fn found_under(dir: &Path, shown: &str, allowed: &[&str], out: &mut Vec<String>) {
    let mut files = Vec::new();
    super::rust_files(dir, &mut files);
    for path in files {
        let relative = path
            .strip_prefix(dir)
            .expect("under its folder")
            .to_string_lossy()
            .replace('\\', "/");
        if allowed.iter().any(|a| relative.starts_with(a)) || relative.contains("/target/") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read source file");
        for line in literals(&source) {
            out.push(format!("{shown}/{relative}:{line}"));
        }
    }
}

#[test]
fn signed_in_callers_are_built_only_by_the_door() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut found = Vec::new();
    found_under(
        &root.join("server/src"),
        "server/src",
        &["door/"],
        &mut found,
    );
    found_under(&root.join("tests"), "tests", &[], &mut found);
    assert!(
        found.is_empty(),
        "`SignedIn` built outside server/src/door/ (take one from `door::work` or an \
         admission):\n{}",
        found.join("\n")
    );
}

#[test]
fn literals_are_told_from_the_type_and_from_other_structs_of_the_name() {
    let source = "fn a(me: &SignedIn) -> SignedIn { SignedIn { user, ..b } }\n\
                  fn c() { let x = caller::SignedIn { user }; let SignedIn { user, .. } = x; }\n\
                  fn d() { Landing::SignedIn { code } }\n";
    assert_eq!(literals(source), vec![1, 2]);
    let own = "pub struct SignedIn { a: u8 }\nfn e() -> SignedIn { SignedIn { a: 1 } }\n";
    assert!(literals(own).is_empty());
}
