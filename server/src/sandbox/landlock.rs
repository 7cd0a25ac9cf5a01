//! Confinement without namespaces, for a host where bubblewrap cannot start (a container
//! without user namespaces, the default under Docker): Landlock decides what a tool may open,
//! a seccomp filter what sockets it may make, and the run's resource limits stay as in every
//! mode.
//!
//! - **files**: the system's programs and libraries (`/usr`, the `/lib*` and `/bin` links), the
//!   files of `/etc` that bubblewrap binds too ([`super::confine::ETC`]), the program itself
//!   when it lies outside `/usr`, a few devices and the CPU description, all read-only; the
//!   run's private folder (where the caller put the input) read and write. Everything else,
//!   the server's data folder, database, configuration and `/proc` (another process's
//!   environment), is refused by the kernel, so a format that names another file finds
//!   nothing it may read.
//! - **network**: TCP bind and connect are refused (Landlock ABI 4), and the seccomp filter
//!   refuses every socket but a Unix one (UDP, raw, netlink) and `io_uring`, whose operations
//!   would pass it by.
//! - **processes**: no new privileges; Landlock scopes signals and abstract Unix sockets to the
//!   tool's own domain (ABI 6) and forbids tracing a process outside it.
//!
//! The rules are made in the server before the fork (they open paths and allocate); the child
//! only calls `prctl` and `landlock_restrict_self` between `fork` and `exec`.

use std::{
    os::fd::{AsRawFd, OwnedFd},
    path::Path,
};

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd,
    Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, RulesetError, Scope,
};
use tokio::process::Command;

use super::confine::{ETC, ROOT_LINKS};

/// The newest ABI whose rights are asked for; an older kernel enforces what it knows.
const ABI_WANTED: ABI = ABI::V6;

/// Devices and system descriptions a tool may read besides the libraries.
const READABLE: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/urandom",
    "/dev/random",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/sys/devices/system/cpu",
];

/// Whether this kernel enforces Landlock's file rules: a ruleset that must be fully honoured
/// is made and thrown away.
pub fn probe() -> Result<(), String> {
    Ruleset::default()
        .set_compatibility(CompatLevel::HardRequirement)
        .handle_access(AccessFs::from_all(ABI::V1))
        .and_then(Ruleset::create)
        .map(drop)
        .map_err(|e| format!("this kernel does not enforce Landlock ({e})"))
}

/// The rules of one run: `program` with its run folder `dir` (both canonical paths).
pub fn rules(dir: &Path, program: &Path) -> Result<OwnedFd, String> {
    build(dir, program)
        .map_err(|e| format!("the Landlock rules could not be made: {e}"))
        .and_then(|ruleset| {
            Option::<OwnedFd>::from(ruleset)
                .ok_or_else(|| "this kernel does not enforce Landlock".to_owned())
        })
}

fn build(dir: &Path, program: &Path) -> Result<RulesetCreated, RulesetError> {
    let read = AccessFs::from_read(ABI_WANTED);
    let mut ruleset = Ruleset::default()
        .handle_access(AccessFs::from_all(ABI_WANTED))?
        .handle_access(AccessNet::from_all(ABI_WANTED))?
        .scope(Scope::from_all(ABI_WANTED))?
        .create()?;
    let system = std::iter::once("/usr")
        .chain(ROOT_LINKS.iter().copied())
        .chain(ETC.iter().copied())
        .chain(READABLE.iter().copied());
    for path in system {
        ruleset = allow(ruleset, Path::new(path), read)?;
    }
    if !program.starts_with("/usr") {
        ruleset = allow(ruleset, program, read)?;
    }
    ruleset = allow(
        ruleset,
        Path::new("/dev/null"),
        AccessFs::from_all(ABI_WANTED),
    )?;
    // The folder: everything but running what the tool wrote there.
    let folder = AccessFs::from_all(ABI_WANTED) & !AccessFs::Execute;
    allow(ruleset, dir, folder)
}

/// `ruleset` with `access` beneath `path`; a path this system lacks is skipped.
fn allow(
    ruleset: RulesetCreated,
    path: &Path,
    access: BitFlags<AccessFs>,
) -> Result<RulesetCreated, RulesetError> {
    match PathFd::new(path) {
        Ok(fd) => ruleset.add_rule(PathBeneath::new(fd, access)),
        Err(_) => Ok(ruleset),
    }
}

/// Makes the child of `cmd` enter `rules` and the socket filter before `exec`. The file
/// descriptor is kept by the command until it is dropped; the child's copy closes at `exec`.
pub fn apply(cmd: &mut Command, rules: OwnedFd) {
    child::apply(cmd, rules);
}

#[allow(unsafe_code)]
mod child {
    use std::{io, os::fd::OwnedFd};

    use super::AsRawFd;
    use tokio::process::Command;

    const LOAD: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const JGE: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
    const RET: u16 = 0x06; // BPF_RET | BPF_K
    const ALLOW: u32 = 0x7fff_0000;
    const KILL: u32 = 0x8000_0000;
    const DENY: u32 = 0x0005_0000 | libc::EACCES as u32;
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xc000_003e;
    #[cfg(target_arch = "aarch64")]
    const ARCH: u32 = 0xc000_00b7;

    const fn op(code: u16, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
        libc::sock_filter { code, jt, jf, k }
    }

    /// Refuses `socket` for every family but `AF_UNIX` and `io_uring_setup`; a system call
    /// of another architecture (or x86's x32 numbers) ends the process. `seccomp_data` holds
    /// the number at 0, the architecture at 4 and the first argument's low half at 16.
    static FILTER: [libc::sock_filter; 12] = [
        op(LOAD, 4, 0, 0),
        op(JEQ, ARCH, 1, 0),
        op(RET, KILL, 0, 0),
        op(LOAD, 0, 0, 0),
        op(JGE, 0x4000_0000, 6, 0),
        op(JEQ, libc::SYS_io_uring_setup as u32, 4, 0),
        op(JEQ, libc::SYS_socket as u32, 0, 2),
        op(LOAD, 16, 0, 0),
        op(JEQ, libc::AF_UNIX as u32, 0, 1),
        op(RET, ALLOW, 0, 0),
        op(RET, DENY, 0, 0),
        op(RET, KILL, 0, 0),
    ];

    pub fn apply(cmd: &mut Command, rules: OwnedFd) {
        // SAFETY: the closure runs in the forked child before `exec`; it makes only the
        // `prctl` and `syscall` calls below, which are async-signal-safe, and allocates
        // nothing (the filter is a constant, its header lives on the stack).
        unsafe {
            cmd.pre_exec(move || {
                let check = |r: libc::c_long| {
                    if r < 0 {
                        Err(io::Error::last_os_error())
                    } else {
                        Ok(())
                    }
                };
                check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into())?;
                check(libc::syscall(
                    libc::SYS_landlock_restrict_self,
                    rules.as_raw_fd(),
                    0,
                ))?;
                let program = libc::sock_fprog {
                    len: FILTER.len() as u16,
                    filter: FILTER.as_ptr().cast_mut(),
                };
                check(
                    libc::prctl(
                        libc::PR_SET_SECCOMP,
                        libc::SECCOMP_MODE_FILTER,
                        &program as *const libc::sock_fprog,
                    )
                    .into(),
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    //! Runs under Landlock chosen explicitly, whatever mode this host would pick.

    use std::{ffi::OsString, path::Path, time::Duration};

    use super::super::{Limits, Output, confine::Mode, run_as};

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    async fn run(mode: &Mode, program: &str, list: &[&str], dir: &Path) -> Output {
        let limits = Limits {
            timeout: Duration::from_secs(30),
            memory: 0,
            file_size: 1 << 24,
        };
        run_as(mode, program, &args(list), dir, &limits)
            .await
            .unwrap()
    }

    /// Runs a bash script under Landlock: whether it succeeded, and its output.
    async fn bash(dir: &Path, script: &str) -> (bool, String) {
        let out = run(&Mode::Landlock, "bash", &["-c", script], dir).await;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    #[tokio::test]
    async fn a_tool_reads_and_writes_its_folder_and_nothing_else_of_the_host() {
        super::probe().expect("this kernel must enforce Landlock");
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
            format!("/proc/{}/environ", std::process::id()),
        ] {
            let (ok, text) = bash(dir.path(), &format!("cat '{path}'")).await;
            assert!(
                !ok && !text.contains("secret_key"),
                "{path} was read: {text}"
            );
        }
        let outside = other.path().join("planted");
        let script = format!(
            "echo x > ./made; echo x > /tmp/planted-by-a-tool; echo x > '{}'; ./made; true",
            outside.display()
        );
        let (ok, text) = bash(dir.path(), &script).await;
        assert!(ok, "{text}");
        assert!(dir.path().join("made").exists());
        assert!(!outside.exists() && !Path::new("/tmp/planted-by-a-tool").exists());
        // What it wrote it cannot run.
        assert!(text.contains("Permission denied"), "{text}");
    }

    #[tokio::test]
    async fn a_tool_reaches_no_network_and_signals_nothing_outside() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        udp.set_nonblocking(true).unwrap();
        let udp_port = udp.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "(exec 3<>/dev/tcp/127.0.0.1/{port} && echo tcp-connected); \
             (echo x > /dev/udp/127.0.0.1/{udp_port} && echo udp-sent); \
             (kill -0 {} && echo signalled); true",
            std::process::id()
        );
        let (_, text) = bash(dir.path(), &script).await;
        assert!(!text.contains("connected"), "{text}");
        assert!(!text.contains("udp-sent"), "{text}");
        assert!(!text.contains("signalled"), "{text}");
        assert!(listener.accept().is_err(), "the listener was reached");
        assert!(udp.recv(&mut [0u8; 8]).is_err(), "a datagram came through");
    }

    /// An HLS playlist whose segment lies outside the run's folder: ffmpeg renders the
    /// segment's frame when unconfined (the attack is real), and nothing under Landlock.
    #[tokio::test]
    async fn an_hls_playlist_renders_nothing_from_outside_its_folder() {
        let outside = tempfile::tempdir().unwrap();
        let segment = outside.path().join("seg.ts");
        let made = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i"])
            .args(["color=c=red:s=32x32:d=1", "-f", "mpegts", "-y"])
            .arg(&segment)
            .status()
            .expect("ffmpeg is installed");
        assert!(made.success());
        let playlist = format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n\
             #EXTINF:1.0,\n{}\n#EXT-X-ENDLIST\n",
            segment.display()
        );
        let frame = ["-hide_banner", "-loglevel", "error", "-i", "./list.m3u8"];
        let frame = [&frame[..], &["-frames:v", "1", "-y", "./frame.png"]].concat();
        for (mode, renders) in [(Mode::Unconfined, true), (Mode::Landlock, false)] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("list.m3u8"), &playlist).unwrap();
            let out = run(&mode, "ffmpeg", &frame, dir.path()).await;
            let rendered = dir.path().join("frame.png").exists();
            assert_eq!(rendered, renders, "{mode:?}: {}", out.reason());
        }
    }
}
