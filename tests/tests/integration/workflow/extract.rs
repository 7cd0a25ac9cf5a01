//! `POST /workflow/extract` and `GET /file/archive`: archives made by real tools (`zip`,
//! `tar`, `7z`, Python's `zipfile`) are uploaded, extracted by a task and read back through
//! the API byte for byte. The safety cases (unsafe names, links, bombs, other users) are in
//! `extract/safety.rs`.

use std::{path::Path, process::Command};

use reqwest::Method;
use serde_json::{Value, json};
use stratus_entity::task::{self, status};
use stratus_server::{boolset::Boolset, ids::IdKind};
use stratus_tests::{Session, TestServer};

use super::wait_task;
use crate::{
    admin::PW,
    archive::{create, my, pattern, update_group, upload},
};

pub mod listing;
mod options;
mod resume;
mod safety;

const ARCHIVE_TASK_BIT: usize = 5;

/// Gives the default user group the archive permission (group bit 5), or takes it away.
pub async fn allow(server: &TestServer, allowed: bool) {
    update_group(server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(ARCHIVE_TASK_BIT, allowed);
        g.permissions = bits.into_bytes();
    })
    .await;
}

/// A server with one user, allowed to extract.
async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    allow(&server, true).await;
    (server, a)
}

/// Runs `program args` in `dir`, which must succeed.
fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a Python script in `dir`.
fn python(dir: &Path, script: &str) {
    run(dir, "python3", &["-c", script]);
}

/// Asks for an extraction; the answer's envelope.
async fn ask(
    server: &TestServer,
    s: &Session,
    src: &str,
    dst: &str,
    encoding: Option<&str>,
) -> Value {
    let mut body = json!({"src": [src], "dst": dst});
    if let Some(e) = encoding {
        body["encoding"] = json!(e);
    }
    server
        .send_as(Method::POST, "/workflow/extract", &s.access_token, &body)
        .await
}

/// Extracts `src` into `dst` and waits for the task to end.
async fn extract(
    server: &TestServer,
    s: &Session,
    src: &str,
    dst: &str,
    encoding: Option<&str>,
) -> task::Model {
    let created = ask(server, s, src, dst, encoding).await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"]["type"], "extract_archive");
    let id = server
        .state
        .ids
        .decode(created["data"]["id"].as_str().unwrap(), IdKind::Task)
        .unwrap();
    wait_task(server, id, "ended", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await
}

/// The tree every format test archives: `tree/` with files at two depths, an empty
/// folder and a non-ASCII name.
fn source_tree(dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let files = vec![
        ("tree/a.txt", pattern(3000, 1)),
        ("tree/sub/b.bin", pattern(300_000, 2)),
        ("tree/sub/日本語 ñ.txt", "ünïcödé 内容".as_bytes().to_vec()),
        ("tree/zero.bin", Vec::new()),
    ];
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::create_dir_all(dir.join("tree/sub/empty")).unwrap();
    files
}

#[tokio::test]
async fn zip_tar_and_7z_archives_extract_byte_for_byte() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let files = source_tree(dir.path());
    run(dir.path(), "zip", &["-qr", "t.zip", "tree"]);
    run(dir.path(), "tar", &["cf", "t.tar", "tree"]);
    run(dir.path(), "tar", &["czf", "t.tar.gz", "tree"]);
    run(dir.path(), "tar", &["cjf", "t.tar.bz2", "tree"]);
    run(dir.path(), "tar", &["cJf", "t.tar.xz", "tree"]);
    run(dir.path(), "tar", &["--zstd", "-cf", "t.tar.zst", "tree"]);
    run(dir.path(), "7z", &["a", "-bd", "-bso0", "t.7z", "tree"]);
    for archive in [
        "t.zip",
        "t.tar",
        "t.tar.gz",
        "t.tar.bz2",
        "t.tar.xz",
        "t.tar.zst",
        "t.7z",
    ] {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let out = format!("out-{archive}");
        create(&server, &a, &my(&out), "folder").await;
        let done = extract(&server, &a, &my(archive), &my(&out), None).await;
        assert_eq!(
            done.status,
            status::COMPLETED,
            "{archive}: {}",
            done.public_state
        );
        for (name, expected) in &files {
            let got = server.download(&a, &my(&format!("{out}/{name}"))).await;
            assert!(got == *expected, "{archive}: {name} differs");
        }
        // The empty folder came along; the staging folder is gone.
        assert_eq!(server.names_in(&a, &my(&out)).await, ["tree"], "{archive}");
        let sub = server.names_in(&a, &my(&format!("{out}/tree/sub"))).await;
        assert_eq!(sub, ["b.bin", "empty", "日本語 ñ.txt"], "{archive}");
        let progress: Value = serde_json::from_str(&done.progress).unwrap();
        assert_eq!(
            progress["extract_count"]["current"], 4,
            "{archive}: {progress}"
        );
        assert_eq!(
            progress["extract_size"]["current"],
            303_000 + "ünïcödé 内容".len(),
            "{archive}"
        );
    }
}

#[tokio::test]
async fn a_clash_in_the_destination_gets_a_numbered_name_and_keeps_the_old_item() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let files = source_tree(dir.path());
    run(dir.path(), "zip", &["-qr", "t.zip", "tree"]);
    upload(
        &server,
        &a,
        &my("t.zip"),
        &std::fs::read(dir.path().join("t.zip")).unwrap(),
    )
    .await;
    upload(&server, &a, &my("out/tree"), b"an older file").await;
    let done = extract(&server, &a, &my("t.zip"), &my("out"), None).await;
    assert_eq!(done.status, status::COMPLETED, "{}", done.public_state);
    assert_eq!(server.names_in(&a, &my("out")).await, ["tree", "tree (1)"]);
    assert_eq!(server.download(&a, &my("out/tree")).await, b"an older file");
    let got = server.download(&a, &my("out/tree (1)/a.txt")).await;
    assert!(got == files[0].1);
}

#[tokio::test]
async fn a_missing_destination_is_an_invalid_destination() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"x").unwrap();
    run(dir.path(), "zip", &["-q", "a.zip", "f.txt"]);
    let bytes = std::fs::read(dir.path().join("a.zip")).unwrap();
    upload(&server, &a, &my("a.zip"), &bytes).await;
    // Cloudreve answers a destination it cannot open as a bad parameter, not as 404.
    let refused = ask(&server, &a, &my("a.zip"), &my("nowhere/deeper"), None).await;
    assert_eq!(refused["code"], 40001, "{refused}");
    assert_eq!(server.names_in(&a, &my("")).await, ["a.zip"]);
    let tasks = server
        .get_as("/workflow?category=general", &a.access_token)
        .await;
    assert_eq!(tasks["data"]["tasks"], json!([]), "{tasks}");
}

/// A zip whose names are GBK without the UTF-8 flag, as old Windows tools write them.
const GBK_ZIP: &str = r#"
import zipfile
class Gbk(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits
with zipfile.ZipFile("gbk.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(Gbk("中文目录/报告.txt"), "内容".encode("utf-8") * 1000)
"#;

#[tokio::test]
async fn a_gbk_named_zip_extracts_with_its_encoding_and_lists_with_it() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(dir.path(), GBK_ZIP);
    let bytes = std::fs::read(dir.path().join("gbk.zip")).unwrap();
    upload(&server, &a, &my("gbk.zip"), &bytes).await;
    create(&server, &a, &my("out"), "folder").await;

    let path = format!(
        "/file/archive?uri={}",
        stratus_tests::query_escape(&my("gbk.zip"))
    );
    let raw = server.get_as(&path, &a.access_token).await;
    assert_eq!(raw["code"], 0, "{raw}");
    assert_ne!(
        raw["data"]["files"][0]["name"], "/中文目录/报告.txt",
        "CP437 without encoding"
    );
    let listed = server
        .get_as(&format!("{path}&text_encoding=gbk"), &a.access_token)
        .await;
    assert_eq!(
        listed["data"]["files"][0]["name"], "/中文目录/报告.txt",
        "{listed}"
    );
    assert_eq!(listed["data"]["files"][0]["size"], 6000);
    assert_eq!(listed["data"]["files"][0]["is_directory"], false);

    let unknown = ask(&server, &a, &my("gbk.zip"), &my("out"), Some("klingon")).await;
    assert_eq!(unknown["code"], 40001, "{unknown}");
    let done = extract(&server, &a, &my("gbk.zip"), &my("out"), Some("gbk")).await;
    assert_eq!(done.status, status::COMPLETED, "{}", done.public_state);
    let got = server.download(&a, &my("out/中文目录/报告.txt")).await;
    assert!(got == "内容".repeat(1000).into_bytes());
}

#[tokio::test]
async fn archives_list_their_entries_without_being_extracted() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    source_tree(dir.path());
    run(dir.path(), "tar", &["czf", "t.tar.gz", "tree"]);
    run(dir.path(), "7z", &["a", "-bd", "-bso0", "t.7z", "tree"]);
    for archive in ["t.tar.gz", "t.7z"] {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let path = format!(
            "/file/archive?uri={}",
            stratus_tests::query_escape(&my(archive))
        );
        let listed = server.get_as(&path, &a.access_token).await;
        assert_eq!(listed["code"], 0, "{listed}");
        let files = listed["data"]["files"].as_array().unwrap();
        let b = files
            .iter()
            .find(|f| f["name"] == "/tree/sub/b.bin")
            .unwrap_or_else(|| panic!("{archive}: {listed}"));
        assert_eq!(b["size"], 300_000);
        assert_eq!(b["is_directory"], false);
        assert!(b["updated_at"].is_string(), "{b}");
        let empty = files
            .iter()
            .find(|f| f["name"] == "/tree/sub/empty")
            .unwrap_or_else(|| panic!("{archive}: {listed}"));
        assert_eq!(empty["is_directory"], true);
    }
    // Nothing was extracted; a file that is no archive is refused.
    assert_eq!(
        server.names_in(&a, "cloudreve://my").await,
        ["t.7z", "t.tar.gz"]
    );
    upload(&server, &a, &my("note.txt"), b"just text").await;
    let path = format!(
        "/file/archive?uri={}",
        stratus_tests::query_escape(&my("note.txt"))
    );
    let refused = server.get_as(&path, &a.access_token).await;
    assert_eq!(refused["code"], 40056, "{refused}");
}
