//! The import rules between the modules of `server/src` (docs/ARCHITECTURE.md, "Layers"),
//! checked on the source: every `crate::`/`super::` path a file names must run down the
//! layers edges → services → `fs` → lower, never up; edges do not import each other (only the
//! assembling `lib`, `main` and `cli` do); modules import one another round no loop, of any length.

mod doc_links;
mod edges_orm;
mod loops;
mod scan;
mod signed_in;
mod sizes;
mod spec_refs;
mod state_parts;
mod widths;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use scan::Import;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Storage, the database, settings and the small parts every layer shares.
    Lower,
    /// The virtual file system.
    Fs,
    /// What the edges call: transfers, shares, accounts, administration.
    Service,
    /// Where requests and commands come in: HTTP, WebDAV, the web UI, the command line.
    Edge,
}

/// Every module of `server/src` and its layer. A nested path (`dav::account`) places that
/// part of a module apart from the rest; the longest match wins. A module missing here fails
/// the test: place it, and say so in docs/ARCHITECTURE.md.
const LAYERS: &[(&str, Layer)] = &[
    // Edges. `lib` stands for the crate root's own items (`init`, `build_app`, `run`).
    ("lib", Layer::Edge),
    ("main", Layer::Edge),
    ("cli", Layer::Edge),
    ("api", Layer::Edge),
    ("dav", Layer::Edge),
    ("web", Layer::Edge),
    ("ops", Layer::Edge),
    ("observe", Layer::Edge),
    ("cors", Layer::Edge),
    ("og", Layer::Edge),
    ("nextcloud", Layer::Edge),
    ("s3", Layer::Edge),
    // Services.
    ("admin", Layer::Service),
    ("archive", Layer::Service),
    ("auth", Layer::Service),
    // The sign-in service uses accounts (`users`), which use `auth`.
    ("auth::sign_in", Layer::Service),
    ("avatar", Layer::Service),
    ("backup", Layer::Service),
    ("bootstrap", Layer::Service),
    ("captcha", Layer::Service),
    ("captcha_ticket", Layer::Service),
    ("dav::account", Layer::Service),
    // The door lets every credential in (`door`); its `work` part, the server's own callers,
    // stands apart so that the services the guard runs use it without a loop.
    ("door", Layer::Service),
    ("door::work", Layer::Service),
    // The WebDAV vocabulary both WebDAV edges speak (`/dav` and the Nextcloud clients'
    // `nextcloud::dav`): statuses, request headers and paths, ETags, the grants' folder, and
    // the `oc:`/`nc:` properties and write headers. Below the edges, so neither imports the
    // other; the engine's tree endpoint is handed to `nextcloud::dav` by `lib`.
    ("dav::error", Layer::Service),
    ("dav::headers", Layer::Service),
    ("dav::meta", Layer::Service),
    ("dav::path", Layer::Service),
    ("dav::grants", Layer::Service),
    ("nextcloud::dav::oc", Layer::Service),
    ("download", Layer::Service),
    ("import", Layer::Service),
    ("jobs", Layer::Service),
    ("media_meta", Layer::Service),
    ("fts", Layer::Service),
    ("guard", Layer::Service),
    ("extract", Layer::Service),
    ("health", Layer::Service),
    ("notify", Layer::Service),
    ("share", Layer::Service),
    ("slave", Layer::Service),
    ("snapshot", Layer::Service),
    ("thumb", Layer::Service),
    ("queue", Layer::Service),
    ("relocate", Layer::Service),
    ("fs_events", Layer::Service),
    ("remote_download", Layer::Service),
    ("upload", Layer::Service),
    ("users", Layer::Service),
    // The file system.
    ("fs", Layer::Fs),
    // Lower. `net` is the transport (it imports only `config`): services hold its
    // `AbortHandle` to cut a connection whose streamed body failed.
    ("access_watch", Layer::Lower),
    ("address_limit", Layer::Lower),
    ("boolset", Layer::Lower),
    ("cache_stats", Layer::Lower),
    ("caller", Layer::Lower),
    ("config", Layer::Lower),
    ("db", Layer::Lower),
    ("email_address", Layer::Lower),
    ("events", Layer::Lower),
    ("ids", Layer::Lower),
    ("imaging", Layer::Lower),
    ("sandbox", Layer::Lower),
    ("kv", Layer::Lower),
    ("signature", Layer::Lower),
    ("mail", Layer::Lower),
    ("metrics", Layer::Lower),
    ("net", Layer::Lower),
    ("request_ctx", Layer::Lower),
    ("settings", Layer::Lower),
    ("state", Layer::Lower),
    ("storage", Layer::Lower),
    ("stream_places", Layer::Lower),
];

/// Edges that may import other edges: they assemble the server and the command line.
const ASSEMBLERS: &[&str] = &["lib", "main", "cli"];

/// The module (a key of [`LAYERS`]) a path from the crate root falls in.
fn unit_of(path: &[String], src: &Path) -> Result<&'static str, String> {
    let joined = path.join("::");
    let found = LAYERS
        .iter()
        .map(|(unit, _)| *unit)
        .filter(|unit| joined == *unit || joined.starts_with(&format!("{unit}::")))
        .max_by_key(|unit| unit.len());
    if let Some(unit) = found {
        return Ok(unit);
    }
    let Some(first) = path.first() else {
        return Ok("lib"); // the crate root itself
    };
    let is_module = src.join(format!("{first}.rs")).exists() || src.join(first).is_dir();
    if is_module {
        Err(format!(
            "module `{first}` has no layer: add it to LAYERS in {}",
            file!()
        ))
    } else {
        Ok("lib") // an item of the crate root
    }
}

fn layer(unit: &str) -> Layer {
    LAYERS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, l)| *l)
        .unwrap_or(Layer::Edge)
}

/// The rule an import from `from` to `to` (distinct units) breaks, if any; loops are checked
/// apart, on the whole graph.
fn broken_rule(from: &str, to: &str) -> Option<&'static str> {
    let (lf, lt) = (layer(from), layer(to));
    if from == "state" && lt > Layer::Lower {
        Some("state.rs imports no feature module")
    } else if lf < Layer::Edge && lt == Layer::Edge {
        Some("no module below the edges imports an edge")
    } else if lf == Layer::Fs && lt == Layer::Service {
        Some("fs imports no service")
    } else if lf == Layer::Lower && lt > Layer::Lower {
        Some("a lower module imports only lower modules")
    } else if lf == Layer::Edge && lt == Layer::Edge && !ASSEMBLERS.contains(&from) {
        Some("an edge imports no other edge; only lib, main and cli assemble them")
    } else {
        None
    }
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read server/src") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

/// The module path of a file from the crate root: `fs/tree.rs` → `fs::tree`, `fs/mod.rs` →
/// `fs`, `lib.rs` → the root.
fn module_of(relative: &str) -> Vec<String> {
    let mut module: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    module
}

/// One import that crosses from one unit to another.
struct Crossing {
    file: String,
    from: &'static str,
    to: &'static str,
    import: Import,
}

impl Crossing {
    /// The import from the crate root.
    fn absolute(&self) -> String {
        format!("crate::{}", self.import.path.join("::"))
    }

    /// As written, with the absolute path when it was written from `super`.
    fn shown(&self) -> String {
        let absolute = self.absolute();
        if self.import.written == absolute {
            absolute
        } else {
            format!("{} (= {absolute})", self.import.written)
        }
    }
}

/// Every import of `server/src` that leaves its own unit.
fn crossings(src: &Path) -> (Vec<Crossing>, Vec<String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for path in files {
        let relative = path
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        // `main.rs` is its own crate: its `crate::` is not the library's.
        if relative == "main.rs" {
            continue;
        }
        let module = module_of(&relative);
        let from = match unit_of(&module, src) {
            Ok(unit) => unit,
            Err(problem) => {
                problems.push(format!("{relative}: {problem}"));
                continue;
            }
        };
        let source = std::fs::read_to_string(&path).expect("read source file");
        for import in scan::imports(&source, &module) {
            match unit_of(&import.path, src) {
                Ok(to) if to != from => found.push(Crossing {
                    file: relative.clone(),
                    from,
                    to,
                    import,
                }),
                Ok(_) => {}
                Err(problem) => problems.push(format!("{relative}:{}: {problem}", import.line)),
            }
        }
    }
    (found, problems)
}

/// The rule each crossing breaks, loops of any length included.
fn violations(crossings: &[Crossing]) -> Vec<(&Crossing, String)> {
    let pairs: BTreeSet<(&str, &str)> = crossings.iter().map(|c| (c.from, c.to)).collect();
    let loops = loops::loops(&pairs);
    crossings
        .iter()
        .filter_map(|c| {
            let rule = broken_rule(c.from, c.to).map(str::to_owned).or_else(|| {
                let ring = loops
                    .iter()
                    .find(|l| l.contains(c.from) && l.contains(c.to))?;
                let names: Vec<&str> = ring.iter().copied().collect();
                Some(format!("a loop between {}", names.join(", ")))
            })?;
            Some((c, rule))
        })
        .collect()
}

#[test]
fn imports_follow_the_layers() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../server/src"));
    let (crossings, mut problems) = crossings(src);
    for (crossing, rule) in violations(&crossings) {
        problems.push(format!(
            "server/src/{}:{}: {} ({} → {}: {rule})",
            crossing.file,
            crossing.import.line,
            crossing.shown(),
            crossing.from,
            crossing.to
        ));
    }
    assert!(
        problems.is_empty(),
        "imports that break the layers:\n{}",
        problems.join("\n")
    );
}
