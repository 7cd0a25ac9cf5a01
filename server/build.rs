//! Keeps the web UI that the binary embeds (`frontend/dist`, see `src/web.rs`) current.
//!
//! - Every profile: cargo watches `frontend/dist` and rebuilds the binary when it changes. The
//!   folder is made here when missing (it is not in git), because cargo reruns a build script on
//!   every build while a watched path does not exist.
//! - Release builds also build the UI with npm when its sources are newer than `dist`, so one
//!   `cargo run --release` serves the UI on a fresh machine. `STRATUS_BUILD_UI=0` turns that
//!   off. Without npm, or when the build fails, cargo prints a warning and the binary serves its
//!   placeholder page: a missing UI never fails the Rust build.

use std::{
    env, fs,
    io::{self, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, SystemTime},
};

/// What the UI's build reads, relative to `frontend/` (`../openapi.json` feeds its API types).
const SOURCES: &[&str] = &[
    "src",
    "public",
    "scripts",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "../openapi.json",
];

fn main() {
    // Cargo compares watched files with the moment it started this script, a little earlier.
    let started = SystemTime::now() - Duration::from_secs(10);
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let frontend = manifest.join("../frontend");
    println!("cargo:rerun-if-env-changed=STRATUS_BUILD_UI");
    if !frontend.join("package.json").is_file() {
        // A checkout without the UI: nothing to watch or build.
        println!("cargo:rerun-if-changed=build.rs");
        return;
    }
    let dist = frontend.join("dist");
    if !dist.exists() {
        if let Err(e) = fs::create_dir_all(&dist) {
            println!("cargo:warning=could not create {}: {e}", dist.display());
        }
        backdate(&dist, started);
    }
    println!("cargo:rerun-if-changed={}", dist.display());

    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let wanted = env::var("STRATUS_BUILD_UI").as_deref() != Ok("0");
    if !release || !wanted {
        return;
    }
    for source in SOURCES {
        println!("cargo:rerun-if-changed={}", frontend.join(source).display());
    }
    let sources = newest_source(&frontend);
    let built = mtime(&dist.join("index.html"));
    if built.is_some() && built >= sources {
        return;
    }
    match build_ui(&frontend) {
        // Files written during this run would look changed to cargo (it compares them with the
        // moment it started this script) and cost one more build. Dated like the newest source
        // they were built from, they are neither changed for cargo nor stale here.
        Ok(()) => backdate(&dist, sources.unwrap_or(started)),
        Err(e) => {
            println!(
                "cargo:warning=the web UI was not built ({e}); the binary serves a placeholder page. \
                 Build it with `npm ci && npm run build` in frontend/, or set STRATUS_BUILD_UI=0"
            );
        }
    }
}

/// When the UI's sources last changed.
fn newest_source(frontend: &Path) -> Option<SystemTime> {
    SOURCES
        .iter()
        .filter_map(|s| newest(&frontend.join(s)))
        .max()
}

/// Installs the locked packages when `node_modules` is older than the lock file, then builds.
fn build_ui(frontend: &Path) -> io::Result<()> {
    let installed = mtime(&frontend.join("node_modules/.package-lock.json"));
    let locked = mtime(&frontend.join("package-lock.json"));
    if installed.is_none() || installed < locked {
        npm(frontend, &["ci", "--no-audit", "--no-fund"])?;
    }
    npm(frontend, &["run", "build"])
}

/// Runs npm with its output on stderr: a build script's stdout is read by cargo.
fn npm(dir: &Path, args: &[&str]) -> io::Result<()> {
    let _ = writeln!(io::stderr(), "building the web UI: npm {}", args.join(" "));
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(io::stderr()))
        .status()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => io::Error::other("npm was not found"),
            _ => e,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "npm {} failed: {status}",
            args.join(" ")
        )))
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The latest modification time of a file, or of anything in a folder.
fn newest(path: &Path) -> Option<SystemTime> {
    let own = mtime(path)?;
    let Ok(entries) = fs::read_dir(path) else {
        return Some(own);
    };
    entries
        .flatten()
        .filter_map(|e| newest(&e.path()))
        .chain([own])
        .max()
}

/// Sets the modification time of `path` and everything below it to `time`.
fn backdate(path: &Path, time: SystemTime) {
    if let Ok(entries) = fs::read_dir(path) {
        for entry in entries.flatten() {
            backdate(&entry.path(), time);
        }
    }
    if let Ok(file) = fs::File::open(path) {
        let _ = file.set_modified(time);
    }
}
