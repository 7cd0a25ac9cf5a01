//! What an external tool may see: the confinement every run of [`super::run`] gets.
//!
//! A tool that reads a user's file (thumbnail generators, ffprobe, the text extractor) is
//! run under bubblewrap, in namespaces of its own:
//! - **files**: the system's programs and libraries (`/usr`, the `/lib*` and `/bin` links) and
//!   the few files of `/etc` that dynamic linking, fonts and user lookup read, all read-only;
//!   its private folder, the one place it may write; an empty `/tmp`, a fresh `/proc` and a
//!   minimal `/dev`. Nothing of the server's (data folder, database, configuration, blobs)
//!   exists in there, so a format that names another file (an HDF5 external dataset, an HLS
//!   segment, an SVG `<image>`) finds nothing to read;
//! - **network**: a namespace with loopback only, not the host's;
//! - **processes**: its own PID, IPC and UTS namespaces, a new session, every capability
//!   dropped, and killed with its parent.
//!
//! Where bubblewrap cannot start (a container without user namespaces), a tool is confined
//! by Landlock instead ([`super::landlock`]): the same files, no network, no signals out.
//!
//! The mode is decided once per process ([`mode`]) from `STRATUS_SANDBOX`: unset or `auto`
//! (the default) uses bubblewrap when a trial run succeeds, else Landlock when the kernel
//! enforces it, and refuses every tool when neither works; `bwrap` and `landlock` force one
//! (refusing tools where it does not work); `none` runs tools unconfined, an admin's explicit
//! choice (the tools are then only bounded by time, memory and output size).

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Stdio,
    sync::OnceLock,
};

/// How tools are run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Under bubblewrap, the program at this path.
    Bubblewrap(PathBuf),
    /// Under Landlock and a seccomp filter, without namespaces.
    Landlock,
    /// Unconfined, as the admin asked with `STRATUS_SANDBOX=none`.
    Unconfined,
}

/// Why tools cannot run here: bubblewrap is missing or cannot make namespaces.
pub type Unavailable = String;

static MODE: OnceLock<Result<Mode, Unavailable>> = OnceLock::new();

/// The mode of this process, decided by the first call (a trial run of bubblewrap, a few
/// milliseconds).
pub fn mode() -> Result<&'static Mode, &'static str> {
    MODE.get_or_init(decide).as_ref().map_err(String::as_str)
}

fn decide() -> Result<Mode, Unavailable> {
    let wanted = std::env::var("STRATUS_SANDBOX").unwrap_or_default();
    match wanted.trim() {
        "none" => {
            tracing::warn!(
                "STRATUS_SANDBOX=none: external tools (thumbnails, media metadata, text \
                 extraction) run unconfined and can read every file the server can"
            );
            Ok(Mode::Unconfined)
        }
        "bwrap" => bubblewrap(),
        "landlock" => super::landlock::probe().map(|()| Mode::Landlock),
        "" | "auto" => bubblewrap().or_else(|no_bwrap| {
            super::landlock::probe()
                .map(|()| {
                    tracing::info!(
                        "external tools run under Landlock, as bubblewrap cannot confine \
                         them here: {no_bwrap}"
                    );
                    Mode::Landlock
                })
                .map_err(|no_landlock| format!("{no_bwrap}; Landlock cannot either: {no_landlock}"))
        }),
        other => Err(format!(
            "STRATUS_SANDBOX={other} is not a sandbox mode (auto, bwrap, landlock or none)"
        )),
    }
}

/// Bubblewrap, when it is installed and a trial run succeeds.
fn bubblewrap() -> Result<Mode, Unavailable> {
    let bwrap = find_program("bwrap").ok_or_else(|| {
        "bubblewrap (bwrap) is not installed; external tools need it to run confined \
         (install the bubblewrap package, or set STRATUS_SANDBOX=none to run them \
         unconfined)"
            .to_owned()
    })?;
    trial(&bwrap)?;
    Ok(Mode::Bubblewrap(bwrap))
}

/// Runs `true` confined in a throwaway folder: bubblewrap fails here when the host does
/// not allow the namespaces it needs (a container without user namespaces, say).
fn trial(bwrap: &Path) -> Result<(), Unavailable> {
    let dir = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let truth = find_program("true").ok_or("no `true` program on PATH")?;
    let args = arguments(dir.path(), &truth, &[]);
    let out = std::process::Command::new(bwrap)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("bubblewrap could not be started: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let why = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "bubblewrap cannot confine tools on this host ({}); external tools are off \
             (set STRATUS_SANDBOX=none to run them unconfined)",
            why.trim()
        ))
    }
}

/// The program `name` resolves to: itself when it names a path, else the first match on
/// `PATH`. `None` when there is no such executable file.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let is_exec = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    };
    if name.contains('/') {
        let path = PathBuf::from(name);
        return is_exec(&path).then_some(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_exec(p))
}

/// Read-only files and folders of `/etc` that tools need when they exist: the dynamic
/// linker's cache, fonts (poppler, LibreOffice), the alternatives links some programs are
/// reached through, the user and group names (LibreOffice looks its user up) and the time
/// zone. No secret lives in any of them.
pub(super) const ETC: &[&str] = &[
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/fonts",
    "/etc/alternatives",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/localtime",
    "/etc/libreoffice",
];

/// The top-level links or folders of a merged or split `/usr` system.
pub(super) const ROOT_LINKS: &[&str] = &["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/// bubblewrap's arguments to run `program` with `args` confined to `dir`.
pub fn arguments(dir: &Path, program: &Path, args: &[OsString]) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut push = |items: &[&str]| out.extend(items.iter().map(OsString::from));
    push(&[
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/usr",
        "/usr",
    ]);
    for link in ROOT_LINKS {
        let path = Path::new(link);
        match std::fs::read_link(path) {
            Ok(target) => {
                out.extend(["--symlink".into(), target.into(), path.into()]);
            }
            Err(_) if path.is_dir() => {
                out.extend(["--ro-bind".into(), path.into(), path.into()]);
            }
            Err(_) => {}
        }
    }
    for etc in ETC {
        let path = Path::new(etc);
        if path.exists() {
            out.extend(["--ro-bind".into(), path.into(), path.into()]);
        }
    }
    out.extend(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"].map(OsString::from));
    // A program outside /usr (a path an admin configured, or the server's own binary for
    // text extraction) is made visible by itself, read-only; after the empty /tmp, which
    // would hide one there.
    if !program.starts_with("/usr") {
        out.extend(["--ro-bind".into(), program.into(), program.into()]);
    }
    out.extend(["--bind".into(), dir.into(), dir.into()]);
    out.extend(["--chdir".into(), dir.into(), "--".into()]);
    out.push(program.into());
    out.extend(args.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use std::{ffi::OsString, time::Duration};

    use super::super::{Limits, run};

    fn limits() -> Limits {
        Limits {
            timeout: Duration::from_secs(20),
            memory: 0,
            file_size: 1 << 20,
        }
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    /// Runs a bash script as the tool; its exit status and output.
    async fn bash(dir: &std::path::Path, script: &str) -> (bool, String) {
        let out = run("bash", &args(&["-c", script]), dir, &limits())
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    #[tokio::test]
    async fn a_tool_reads_and_writes_its_folder_and_nothing_else_of_the_host() {
        assert!(
            matches!(super::mode(), Ok(super::Mode::Bubblewrap(_))),
            "tools must run confined here: {:?}",
            super::mode()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.txt"), "mine").unwrap();
        // A file beside the folder stands for the server's database and blobs.
        let other = tempfile::tempdir().unwrap();
        let secret = other.path().join("secret.db");
        std::fs::write(&secret, "secret_key=abc").unwrap();
        let (ok, text) = bash(dir.path(), "cat ./mine.txt").await;
        assert!(ok && text == "mine", "{text}");
        for path in [
            secret.display().to_string(),
            std::env::current_exe().unwrap().display().to_string(),
            "/etc/shadow".to_owned(),
            "/root/.bashrc".to_owned(),
        ] {
            let (ok, text) = bash(dir.path(), &format!("cat '{path}'")).await;
            assert!(
                !ok && !text.contains("secret_key"),
                "{path} was read: {text}"
            );
        }
        // Writes land in the folder; anywhere else they stay inside the sandbox or fail.
        let outside = other.path().join("planted");
        let script = format!(
            "echo x > ./made; echo x > /tmp/planted; echo x > '{}' 2>/dev/null; true",
            outside.display()
        );
        let (ok, text) = bash(dir.path(), &script).await;
        assert!(ok, "{text}");
        assert!(dir.path().join("made").exists());
        assert!(!outside.exists() && !std::path::Path::new("/tmp/planted").exists());
    }

    #[tokio::test]
    async fn a_tool_reaches_no_network_not_even_the_hosts_loopback() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let (ok, text) = bash(
            dir.path(),
            &format!("exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected"),
        )
        .await;
        assert!(!ok && !text.contains("connected"), "{text}");
        assert!(listener.accept().is_err(), "the listener was reached");
    }

    #[test]
    fn a_program_outside_usr_is_bound_by_itself_read_only() {
        let dir = std::path::Path::new("/tmp/run");
        let own = std::path::Path::new("/opt/stratus/stratus");
        let list = super::arguments(dir, own, &args(&["extract-text"]));
        let text: Vec<String> = list
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let bound = text
            .windows(3)
            .any(|w| w[0] == "--ro-bind" && w[1] == own.to_str().unwrap() && w[2] == w[1]);
        assert!(bound, "{text:?}");
        // The command comes last, after `--`, its arguments untouched.
        let sep = text.iter().position(|a| a == "--").unwrap();
        assert_eq!(&text[sep + 1..], ["/opt/stratus/stratus", "extract-text"]);
        assert!(text.contains(&"--unshare-all".to_owned()));
    }
}
