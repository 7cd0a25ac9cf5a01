//! Running an external tool on untrusted input (thumbnail generators, `ffprobe`, the text
//! extractor).
//!
//! Every run is confined ([`confine`]): the tool sees the system's programs and libraries
//! read-only and its private folder, nothing else of the host, and no network. No shell is
//! involved: the program gets its arguments as a list, so nothing in a file name or a
//! setting is ever parsed as shell syntax. Callers work in the private folder and name files
//! there themselves (`./src.mp4`), so a path never starts with `-`. Each run has a
//! wall-clock limit, and the child is put in a process group of its own so that, on timeout
//! or when the caller gives up, the whole group is killed (and with it the confined tree,
//! which dies with its parent). Resource limits are set in the child before `exec`: address
//! space (memory), CPU seconds (a backstop behind the wall clock) and the largest file it may
//! write. The environment is emptied but for `PATH`, `HOME` and `TMPDIR` (the private
//! folder), a plain locale and `VIPS_BLOCK_UNTRUSTED` (libvips then refuses its loaders that
//! are not fuzzed for hostile input). Standard input is closed; standard output and error are
//! kept up to [`OUTPUT_CAP`] bytes each (the rest is read and dropped, so a chatty tool never
//! blocks on a full pipe).

pub mod confine;
pub mod landlock;

use std::{
    ffi::OsString,
    io,
    path::Path,
    process::{ExitStatus, Stdio},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncReadExt},
    process::Command,
};

/// Bytes of standard output and standard error kept per run.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// What one run may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time before the process group is killed.
    pub timeout: Duration,
    /// Address space in bytes (`RLIMIT_AS`); 0 leaves it unlimited.
    pub memory: u64,
    /// Largest file the tool may write, in bytes (`RLIMIT_FSIZE`); 0 leaves it unlimited.
    pub file_size: u64,
}

/// What a finished run left.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// The last line of standard error (or output), for a short reason a run failed.
    pub fn reason(&self) -> String {
        let text = if self.stderr.iter().any(|b| !b.is_ascii_whitespace()) {
            &self.stderr
        } else {
            &self.stdout
        };
        let text = String::from_utf8_lossy(text);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let last: String = last.trim().chars().take(200).collect();
        match (last.is_empty(), self.status.code()) {
            (true, Some(code)) => format!("exited with status {code}"),
            (true, None) => "killed by a signal".to_owned(),
            (false, Some(code)) => format!("exited with status {code}: {last}"),
            (false, None) => format!("killed by a signal: {last}"),
        }
    }
}

/// Why a tool could not be run to its end.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The program does not exist (or is not executable).
    #[error("executable not found: {0}")]
    Missing(String),
    /// Tools cannot run confined on this host (and the admin did not choose to run them
    /// unconfined): why.
    #[error("{0}")]
    Unconfined(String),
    /// It ran past its time limit and was killed.
    #[error("killed after the {}s time limit", .0.as_secs())]
    TimedOut(Duration),
    /// Starting or waiting for it failed.
    #[error("running the executable failed: {0}")]
    Io(#[from] io::Error),
}

/// Runs `program` with `args` in `dir` within `limits` and waits for it.
pub async fn run(
    program: &str,
    args: &[OsString],
    dir: &Path,
    limits: &Limits,
) -> Result<Output, SandboxError> {
    let mode = confine::mode().map_err(|why| SandboxError::Unconfined(why.to_owned()))?;
    run_as(mode, program, args, dir, limits).await
}

/// Like [`run`], for Stratus's own binary (its text extractor): confined when bubblewrap
/// can confine here, else still run, within the limits only. Its parser is ours and reads
/// only the run's `src`, so a host without namespaces (a container) keeps document search
/// rather than losing it; the limits still bound what a crafted document can cost.
pub async fn run_own(
    program: &str,
    args: &[OsString],
    dir: &Path,
    limits: &Limits,
) -> Result<Output, SandboxError> {
    let mode = confine::mode().unwrap_or(&confine::Mode::Unconfined);
    run_as(mode, program, args, dir, limits).await
}

async fn run_as(
    mode: &confine::Mode,
    program: &str,
    args: &[OsString],
    dir: &Path,
    limits: &Limits,
) -> Result<Output, SandboxError> {
    let path =
        confine::find_program(program).ok_or_else(|| SandboxError::Missing(program.to_owned()))?;
    let mut cmd = match mode {
        confine::Mode::Bubblewrap(bwrap) => {
            // Both as the kernel sees them: bubblewrap binds real paths.
            let dir = dir.canonicalize()?;
            let path = path.canonicalize()?;
            let mut cmd = Command::new(bwrap);
            cmd.args(confine::arguments(&dir, &path, args));
            cmd
        }
        confine::Mode::Landlock => {
            let rules = landlock::rules(&dir.canonicalize()?, &path.canonicalize()?)
                .map_err(SandboxError::Unconfined)?;
            let mut cmd = Command::new(&path);
            cmd.args(args);
            landlock::apply(&mut cmd, rules);
            cmd
        }
        confine::Mode::Unconfined => {
            let mut cmd = Command::new(&path);
            cmd.args(args);
            cmd
        }
    };
    cmd.current_dir(dir)
        .env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("HOME", dir)
        .env("TMPDIR", dir)
        .env("LC_ALL", "C.UTF-8")
        .env("VIPS_BLOCK_UNTRUSTED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    rlimits::apply(&mut cmd, limits);
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
            SandboxError::Missing(program.to_owned())
        }
        _ => SandboxError::Io(e),
    })?;
    let group = Group(child.id());
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let finished = async {
        let (out, err, status) = tokio::join!(capped(stdout), capped(stderr), child.wait());
        Ok::<_, io::Error>(Output {
            status: status?,
            stdout: out?,
            stderr: err?,
        })
    };
    let result = tokio::time::timeout(limits.timeout, finished).await;
    // The group goes whatever happened: a tool's leftover helpers must not outlive its run.
    drop(group);
    match result {
        Ok(output) => Ok(output?),
        Err(_) => {
            let _ = child.wait().await;
            Err(SandboxError::TimedOut(limits.timeout))
        }
    }
}

/// Kills the process group it names when dropped: after the run, on timeout, and when the
/// caller's future is dropped mid-run.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        let pid = self.0.and_then(|p| i32::try_from(p).ok());
        if let Some(pid) = pid.and_then(rustix::process::Pid::from_raw) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

/// Everything `pipe` yields, the first [`OUTPUT_CAP`] bytes kept.
async fn capped(pipe: Option<impl AsyncRead + Unpin>) -> io::Result<Vec<u8>> {
    let mut kept = Vec::new();
    let Some(mut pipe) = pipe else {
        return Ok(kept);
    };
    // On the heap: an array here would sit in every future that awaits a run.
    let mut buf = vec![0u8; 8192];
    loop {
        let n = pipe.read(&mut buf).await?;
        if n == 0 {
            return Ok(kept);
        }
        let room = OUTPUT_CAP.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

/// The name of `file` inside the run's folder as an argument: `./name`, so a tool never reads
/// it as an option whatever the name is.
pub fn local_arg(file: &str) -> OsString {
    format!("./{file}").into()
}

#[allow(unsafe_code)]
mod rlimits {
    use rustix::process::{Resource, Rlimit, setrlimit};
    use tokio::process::Command;

    use super::Limits;

    /// Sets the child's resource limits between `fork` and `exec`.
    pub fn apply(cmd: &mut Command, limits: &Limits) {
        let memory = limits.memory;
        let file_size = limits.file_size;
        // CPU seconds: a backstop for a tool that escapes the wall clock; one more second
        // than the wall-clock limit, so the timeout is normally what ends a run.
        let cpu = limits.timeout.as_secs().saturating_add(1);
        // SAFETY: the closure runs in the forked child before `exec`; it only calls
        // `setrlimit`, which is async-signal-safe, and allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                let set = |resource, value: u64| {
                    setrlimit(
                        resource,
                        Rlimit {
                            current: Some(value),
                            maximum: Some(value),
                        },
                    )
                };
                if memory > 0 {
                    set(Resource::As, memory)?;
                }
                if file_size > 0 {
                    set(Resource::Fsize, file_size)?;
                }
                set(Resource::Cpu, cpu)?;
                set(Resource::Core, 0)?;
                Ok(())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(secs: u64) -> Limits {
        Limits {
            timeout: Duration::from_secs(secs),
            memory: 512 << 20,
            file_size: 1 << 20,
        }
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[tokio::test]
    async fn arguments_reach_the_tool_unparsed_and_output_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            "printf",
            &args(&["%s|%s", "$(echo no); a b", "-x"]),
            dir.path(),
            &limits(10),
        )
        .await
        .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"$(echo no); a b|-x");
    }

    /// Whether a process whose command line holds `marker` is alive (zombies count as gone).
    fn alive_with(marker: &str) -> bool {
        std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
            .any(|e| {
                let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
                String::from_utf8_lossy(&cmdline).contains(marker) && !stat.contains(") Z ")
            })
    }

    #[tokio::test]
    async fn a_hanging_tool_and_its_children_are_killed_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        // The shell here is the tool under test: it forks a sleeping helper and waits. The
        // helper's odd duration marks it among the host's processes.
        let marker = format!("3{}.25", std::process::id() % 1000);
        let script = format!("sleep {marker} & wait");
        let err = run("sh", &args(&["-c", &script]), dir.path(), &limits(1))
            .await
            .unwrap_err();
        assert!(matches!(err, SandboxError::TimedOut(_)), "{err}");
        // The helper was killed with the run; give the kernel a moment to reap it.
        let mut alive = true;
        for _ in 0..100 {
            alive = alive_with(&format!("sleep\0{marker}"));
            if !alive {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!alive, "the forked helper outlived the run");
    }

    #[tokio::test]
    async fn limits_apply_in_the_child_and_missing_tools_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            "sh",
            &args(&["-c", "ulimit -v; ulimit -f"]),
            dir.path(),
            &limits(10),
        )
        .await
        .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // `ulimit` reports kibibytes and 512-byte blocks (dash) or kibibytes (bash).
        assert_eq!(lines[0], (512 * 1024).to_string());
        assert!(lines[1] == "2048" || lines[1] == "1024", "{text}");
        let err = run("/nonexistent/tool", &[], dir.path(), &limits(10))
            .await
            .unwrap_err();
        assert!(matches!(err, SandboxError::Missing(ref p) if p == "/nonexistent/tool"));
        // Nothing of the server's environment is passed on.
        let env = run("env", &[], dir.path(), &limits(10)).await.unwrap();
        let env = String::from_utf8(env.stdout).unwrap();
        // (bubblewrap adds `PWD`, the private folder.)
        let kept = [
            "PATH=",
            "HOME=",
            "TMPDIR=",
            "LC_ALL=",
            "VIPS_BLOCK_UNTRUSTED=",
            "PWD=",
        ];
        assert!(
            env.lines().all(|l| kept.iter().any(|k| l.starts_with(k))),
            "{env}"
        );
    }
}
