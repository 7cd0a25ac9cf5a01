//! `S3Server`: a real S3-compatible server (s3s-fs, which checks the SigV4 signatures of
//! requests and of presigned URLs) on `127.0.0.1:<free port>`, serving one bucket from a temp
//! dir.
//!
//! `.ci/run` installs `s3s-fs`; on a machine without it the test fails with the command to run.

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tempfile::TempDir;

pub const ACCESS_KEY: &str = "stratus-test-ak";
pub const SECRET_KEY: &str = "stratus-test-secret-key-0123456789";
pub const BUCKET: &str = "stratus-test";
const INSTALL: &str = "cargo install s3s-fs@0.14.1 --features binary";

/// A running s3s-fs; killed when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:<port>`
    pub endpoint: String,
    /// The folder holding the bucket's objects (s3s-fs keeps one file per object).
    pub bucket_dir: PathBuf,
    child: Child,
    _dir: TempDir,
}

impl S3Server {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let bucket_dir = dir.path().join(BUCKET);
        std::fs::create_dir_all(&bucket_dir).expect("bucket dir");
        // The port is free when picked; another process may take it before s3s-fs binds it.
        for _ in 0..5 {
            let port = free_port();
            let mut child = spawn(dir.path(), port);
            if wait_listening(&mut child, port) {
                return Self {
                    endpoint: format!("http://127.0.0.1:{port}"),
                    bucket_dir,
                    child,
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("s3s-fs did not start listening");
    }

    /// Ends the server: its port refuses connections until [`S3Server::start_again`].
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same port and folder (after [`S3Server::stop`]): the
    /// bucket comes back with the objects it held.
    pub fn start_again(&mut self) {
        let port: u16 = self.endpoint.rsplit(':').next().unwrap().parse().unwrap();
        let root = self.bucket_dir.parent().unwrap().to_owned();
        for _ in 0..50 {
            let mut child = spawn(&root, port);
            if wait_listening(&mut child, port) {
                self.child = child;
                return;
            }
            // The port may linger for a moment after the old process ended.
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("s3s-fs did not start listening again on {port}");
    }

    /// The server's process id (a test may stop and continue it to hold up its callers).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The `settings` and columns of an `s3` storage policy for this bucket (path-style, as
    /// s3s-fs serves it), for `POST /admin/policy` or a row written directly.
    pub fn policy_settings(&self, extra: Value) -> Value {
        let mut settings =
            json!({"region": "us-east-1", "s3_path_style": true, "chunk_size": 1 << 20});
        if let (Some(to), Some(from)) = (settings.as_object_mut(), extra.as_object()) {
            to.extend(from.clone());
        }
        settings
    }

    /// The multipart uploads the bucket holds, by id, sorted: s3s-fs keeps `.upload-<id>.json`
    /// beside the bucket from an upload's creation to its completion or abort, and its parts
    /// as `.upload_id-<id>.part-<n>`; an upload counts while either is there.
    pub fn open_uploads(&self) -> Vec<String> {
        let root = self.bucket_dir.parent().expect("the bucket's folder");
        let mut ids: Vec<String> = std::fs::read_dir(root)
            .expect("the bucket's folder")
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                let id = name
                    .strip_prefix(".upload_id-")
                    .or_else(|| name.strip_prefix(".upload-"))?;
                Some(id.get(..36)?.to_owned())
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(root: &Path, port: u16) -> Child {
    Command::new("s3s-fs")
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting s3s-fs ({e}); install it with: {INSTALL}"))
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().unwrap().port()
}

/// Waits until `port` accepts connections; `false` when the child exited or 20 s passed.
fn wait_listening(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
