//! Real S3 clients against the endpoint: rclone's S3 backend (copy, then check sizes and
//! hashes) and restic (init, backup, restore byte-identical, check).

use std::{path::Path, process::Output};

use super::{creds, endpoint, key, mkdir, start, user};

async fn run(cmd: &mut tokio::process::Command) -> Output {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(300),
        cmd.kill_on_drop(true).output(),
    )
    .await
    .expect("the client ends within 5 minutes")
    .expect("the client runs");
    assert!(
        out.status.success(),
        "{:?} failed\nstdout:\n{}\nstderr:\n{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A small tree: a text file, 1 MiB, and 7 MiB (above the multipart cutoffs used below).
fn tree(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub/deep")).unwrap();
    std::fs::write(dir.join("a.txt"), b"hello from the tree\n").unwrap();
    let mib: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(dir.join("sub/b.bin"), &mib).unwrap();
    let big: Vec<u8> = (0..7u32 << 20)
        .map(|i| (i.wrapping_mul(40_503) >> 7) as u8)
        .collect();
    std::fs::write(dir.join("sub/deep/c.bin"), &big).unwrap();
}

fn same_tree(a: &Path, b: &Path) {
    for rel in ["a.txt", "sub/b.bin", "sub/deep/c.bin"] {
        assert!(
            std::fs::read(a.join(rel)).unwrap() == std::fs::read(b.join(rel)).unwrap(),
            "{rel} differs"
        );
    }
}

#[tokio::test]
async fn rclone_copies_and_checks_a_tree() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/rclone").await;
    let (ak, sk) = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    tree(&src);
    let remote = "S3:rclone/copied";
    let rclone = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new("rclone");
        cmd.args(args)
            .args([
                "--s3-upload-cutoff",
                "5M",
                "--s3-chunk-size",
                "5M",
                "--retries",
                "1",
            ])
            .env("RCLONE_CONFIG", work.path().join("none.conf"))
            .env("RCLONE_CONFIG_S3_TYPE", "s3")
            .env("RCLONE_CONFIG_S3_PROVIDER", "Other")
            .env("RCLONE_CONFIG_S3_ACCESS_KEY_ID", &ak)
            .env("RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", &sk)
            .env("RCLONE_CONFIG_S3_ENDPOINT", endpoint(&server))
            .env("RCLONE_CONFIG_S3_FORCE_PATH_STYLE", "true")
            .env_remove("AWS_CA_BUNDLE");
        cmd
    };
    run(&mut rclone(&["copy", src.to_str().unwrap(), remote])).await;
    run(&mut rclone(&["check", src.to_str().unwrap(), remote])).await;
    let back = work.path().join("back");
    run(&mut rclone(&["copy", remote, back.to_str().unwrap()])).await;
    same_tree(&src, &back);
    assert_eq!(
        server
            .names_in(&ann, "cloudreve://my/s3/rclone/copied/sub")
            .await,
        ["b.bin", "deep"]
    );
}

#[tokio::test]
async fn restic_backs_up_restores_and_checks() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let (ak, sk) = creds(&key(&server, &ann, "cloudreve://my", false).await);
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    tree(&src);
    let repo = format!("s3:{}/restic/laptop", endpoint(&server));
    let restic = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new("restic");
        cmd.args(args)
            .env("RESTIC_REPOSITORY", &repo)
            .env("RESTIC_PASSWORD", "correct horse battery staple")
            .env("RESTIC_CACHE_DIR", work.path().join("cache"))
            .env("AWS_ACCESS_KEY_ID", &ak)
            .env("AWS_SECRET_ACCESS_KEY", &sk)
            .env_remove("AWS_CA_BUNDLE");
        cmd
    };
    run(&mut restic(&["init"])).await;
    run(&mut restic(&[
        "backup",
        "--host",
        "test",
        src.to_str().unwrap(),
    ]))
    .await;
    let out = work.path().join("out");
    run(&mut restic(&[
        "restore",
        "latest",
        "--target",
        out.to_str().unwrap(),
    ]))
    .await;
    same_tree(&src, &out.join(src.strip_prefix("/").unwrap()));
    run(&mut restic(&["check", "--read-data"])).await;
    // The repository is a folder of the drive.
    let names = server.names_in(&ann, "cloudreve://my/restic/laptop").await;
    for want in ["config", "data", "index", "keys", "snapshots"] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }
}
