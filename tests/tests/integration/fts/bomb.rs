//! The extraction's own process and its limits (issue 52): a PDF of a few KB whose object
//! streams inflate to gigabytes is refused as too large to index, quickly, while the server's
//! memory stays where it was, and a real PDF beside it is still indexed; an extractor that
//! cannot be run is the file's reason, not a stalled queue.

use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use flate2::{Compression, write::ZlibEncoder};
use serde_json::Value;
use stratus_tests::TestServer;

use super::{docs, found, indexed, my, setup, upload};
use crate::admin::PW;

/// Set for the child process running [`memory_probe`].
const PROBE_ENV: &str = "FTS_PDF_BOMB_PROBE";
/// Resident memory the server may gain while it indexes the bomb: less than one of its
/// streams inflated, so reading one in the server's process fails the probe.
const PROBE_BOUND_KIB: u64 = 64 << 10;

/// `bytes` deflated (zlib), `times` over.
fn deflated(mut bytes: Vec<u8>, times: usize) -> Vec<u8> {
    for _ in 0..times {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(&bytes).unwrap();
        bytes = z.finish().unwrap();
    }
    bytes
}

/// A PDF with one empty page and `streams` object streams, each `mib` MiB of zero bytes
/// deflated twice (`/Filter [/FlateDecode /FlateDecode]`): a few KB apiece.
pub fn pdf_bomb(streams: usize, mib: usize) -> Vec<u8> {
    // The inner deflate is streamed (the zeros are never all in memory) and fast: the ratio
    // of zeros is the same at any level.
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..mib {
        z.write_all(&zeros).unwrap();
    }
    let packed = deflated(z.finish().unwrap(), 1);
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec(),
    ];
    for _ in 0..streams {
        let mut o = format!(
            "<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length {} >>\nstream\n",
            packed.len()
        )
        .into_bytes();
        o.extend_from_slice(&packed);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
    }
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The reasons of the files that failed, by name (`GET /admin/fts`).
async fn failures(server: &TestServer) -> Vec<(String, String)> {
    let admin = crate::admin::admin(server, "root@example.com").await;
    let status: Value = server.get_as("/admin/fts", &admin.access_token).await;
    assert_eq!(status["code"], 0, "{status}");
    status["data"]["recent_failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (text("name"), text("reason"))
        })
        .collect()
}

#[tokio::test]
async fn a_pdf_bomb_is_refused_and_the_server_does_not_grow() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["fts::bomb::memory_probe", "--exact", "--nocapture"])
        .env(PROBE_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the PDF bomb probe did not finish within 300 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("pdf bomb probe passed"),
        "the PDF bomb probe failed:\n{stdout}\n{stderr}"
    );
}

/// Run alone in a process of its own by the test above, so that no other test's memory
/// counts: indexes a PDF, then the bomb, and compares the peak of resident memory.
#[tokio::test]
async fn memory_probe() {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    let (server, a) = setup().await;
    // The child is this checkout's build of the command line.
    assert_eq!(
        server.state.config.extractor.as_deref(),
        Some(std::path::Path::new(env!(
            "CARGO_BIN_EXE_stratus-tests-cli"
        )))
    );
    upload(
        &server,
        &a,
        &my("report.pdf"),
        &docs::pdf("Quetzal sighting"),
    )
    .await;
    indexed(&server, 1).await;
    let before = peak_kib();
    // Four streams of 128 MiB each: 512 MiB from a file of under 32 KB.
    let bomb = pdf_bomb(4, 128);
    assert!(bomb.len() < 32 << 10, "{} bytes", bomb.len());
    let started = Instant::now();
    upload(&server, &a, &my("bomb.pdf"), &bomb).await;
    indexed(&server, 2).await;
    let took = started.elapsed();
    let grown = peak_kib().saturating_sub(before);
    let failed = failures(&server).await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "bomb.pdf");
    assert!(failed[0].1.contains("too large to index"), "{failed:?}");
    assert!(took < Duration::from_secs(30), "refused after {took:?}");
    assert!(
        grown < PROBE_BOUND_KIB,
        "the server's peak memory grew by {grown} KiB while indexing the bomb"
    );
    assert_eq!(found(&server, &a, "quetzal").await, [my("report.pdf")]);
    println!("pdf bomb probe passed: peak +{grown} KiB, refused in {took:?}");
}

/// The peak resident memory of this process (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

#[tokio::test]
async fn an_extractor_that_cannot_run_is_the_files_reason() {
    let server = TestServer::start_with(|c| {
        c.extractor = Some("/nonexistent/stratus".into());
    })
    .await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "1")])
        .await
        .unwrap();
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    upload(&server, &a, &my("note.txt"), b"words of a note").await;
    indexed(&server, 1).await;
    let failed = failures(&server).await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].1.contains("cannot run the extractor"),
        "{failed:?}"
    );
}
