//! Real WebDAV clients against `/dav`: the litmus compliance suite and rclone, on local storage
//! and on an S3 bucket.

use std::{io::Write, path::Path, process::Output};

use serde_json::json;
use stratus_tests::{TestServer, s3::S3Server};

use super::{bucket::use_bucket, password, proxy_password, setup};

const ANN: &str = "ann@example.com";

async fn run(cmd: &mut tokio::process::Command) -> Output {
    let out = cmd.output().await.expect("the client runs");
    assert!(
        out.status.success(),
        "{:?} failed\nstdout:\n{}\nstderr:\n{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `(group, run, passed, failed)` of each `<- summary for `group': of N tests run: P passed,
/// F failed.` line.
fn litmus_summaries(text: &str) -> Vec<(String, u32, u32, u32)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("<- summary for `")?;
            let (group, rest) = rest.split_once("': of ")?;
            let (run, rest) = rest.split_once(" tests run: ")?;
            let (passed, rest) = rest.split_once(" passed, ")?;
            let (failed, _) = rest.split_once(" failed")?;
            Some((
                group.to_owned(),
                run.parse().ok()?,
                passed.parse().ok()?,
                failed.parse().ok()?,
            ))
        })
        .collect()
}

#[tokio::test]
async fn litmus_passes_every_test() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    litmus(&server, &pw).await;
}

/// The same suite with the files in an S3 bucket, read through Stratus (litmus does not
/// follow redirects).
#[tokio::test]
async fn litmus_passes_every_test_on_a_bucket() {
    let (server, ann) = setup().await;
    let s3 = S3Server::start();
    use_bucket(&server, &s3, json!({})).await;
    let pw = proxy_password(&server, &ann, "litmus").await;
    litmus(&server, &pw).await;
}

/// Runs litmus against `/dav` with `ANN` and `pw`: all five groups, 104 of 104.
async fn litmus(server: &TestServer, pw: &str) {
    let work = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new("litmus")
        .arg(server.url("/dav/"))
        .arg(ANN)
        .arg(pw)
        .current_dir(work.path())
        .output()
        .await
        .expect("litmus is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let summaries = litmus_summaries(&text);
    let groups: Vec<&str> = summaries.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        groups,
        ["basic", "copymove", "props", "locks", "http"],
        "{text}"
    );
    for (group, run, passed, failed) in &summaries {
        assert_eq!((failed, passed), (&0, run), "{group}:\n{text}");
    }
    let total: u32 = summaries.iter().map(|s| s.2).sum();
    assert_eq!(total, 104, "{text}");
    assert!(out.status.success(), "{text}");
}

/// A file of `len` bytes with content that differs per file.
fn make_file(dir: &Path, name: &str, len: usize, seed: u8) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join(name)).unwrap());
    let block: Vec<u8> = (0..1 << 20)
        .map(|i: u32| {
            (i as u8)
                .wrapping_mul(seed)
                .wrapping_add(i.rotate_left(7) as u8)
        })
        .collect();
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        f.write_all(&block[..n]).unwrap();
        left -= n;
    }
}

#[tokio::test]
async fn rclone_copies_checks_moves_and_purges() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    rclone_round(&server, &pw).await;
}

/// The same with the files in an S3 bucket: rclone's reads follow the redirects to presigned
/// URLs, and the 100 MiB file goes up as a multipart upload.
#[tokio::test]
async fn rclone_copies_checks_moves_and_purges_on_a_bucket() {
    let (server, ann) = setup().await;
    let s3 = S3Server::start();
    use_bucket(&server, &s3, json!({})).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    rclone_round(&server, &pw).await;
}

/// mkdir, copy (files from empty to 100 MiB), check, moveto, check, purge.
async fn rclone_round(server: &TestServer, pw: &str) {
    let local = tempfile::tempdir().unwrap();
    make_file(local.path(), "empty.bin", 0, 1);
    make_file(local.path(), "small.txt", 4096, 3);
    make_file(local.path(), "medium.bin", 5 << 20, 5);
    make_file(local.path(), "large.bin", 100 << 20, 7);
    std::fs::create_dir(local.path().join("sub")).unwrap();
    make_file(&local.path().join("sub"), "nested.bin", 70_000, 9);

    let obscured = run(tokio::process::Command::new("rclone").args(["obscure", pw])).await;
    let obscured = String::from_utf8(obscured.stdout)
        .unwrap()
        .trim()
        .to_owned();
    let rclone = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new("rclone");
        cmd.args(args)
            .env("RCLONE_CONFIG", "/dev/null")
            .env("RCLONE_CONFIG_D_TYPE", "webdav")
            .env("RCLONE_CONFIG_D_URL", server.url("/dav/"))
            .env("RCLONE_CONFIG_D_VENDOR", "other")
            .env("RCLONE_CONFIG_D_USER", ANN)
            .env("RCLONE_CONFIG_D_PASS", &obscured);
        cmd
    };
    let src = local.path().to_str().unwrap();
    run(&mut rclone(&["mkdir", "d:backup"])).await;
    run(&mut rclone(&["copy", src, "d:backup"])).await;
    // Byte for byte: webdav offers rclone no hashes, and a plain check compares sizes only.
    run(&mut rclone(&["check", "--download", src, "d:backup"])).await;
    run(&mut rclone(&[
        "moveto",
        "d:backup/small.txt",
        "d:backup/sub/renamed.txt",
    ]))
    .await;
    let listed = run(&mut rclone(&["lsf", "-R", "d:backup"])).await;
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("sub/renamed.txt") && !listed.contains("\nsmall.txt"),
        "{listed}"
    );
    std::fs::rename(
        local.path().join("small.txt"),
        local.path().join("sub/renamed.txt"),
    )
    .unwrap();
    run(&mut rclone(&["check", src, "d:backup"])).await;
    run(&mut rclone(&["purge", "d:backup"])).await;
    let gone = rclone(&["lsf", "d:backup"]).output().await.unwrap();
    assert!(!gone.status.success(), "the folder is gone after purge");
}

#[test]
fn litmus_summary_lines_are_parsed() {
    let text = "<- summary for `basic': of 16 tests run: 16 passed, 0 failed. 100.0%\n\
                <- summary for `locks': of 41 tests run: 40 passed, 1 failed. 97.6%";
    assert_eq!(
        litmus_summaries(text),
        vec![
            ("basic".to_owned(), 16, 16, 0),
            ("locks".to_owned(), 41, 40, 1)
        ]
    );
}
