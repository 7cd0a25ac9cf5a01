//! The S3 driver against a real S3-compatible server (s3s-fs, which verifies signatures): the
//! shared conformance suite, presigned URLs, and the settings that change what it does.

use chrono::Utc;
use serde_json::{Value, json};
use stratus_entity::storage_policy;
use stratus_server::storage::{
    ByteStream, Bytes, PresignHeaders, S3Config, S3Driver, StorageDriver, StorageError,
    conformance, s3::PART_SIZE, stream_once,
};
use stratus_tests::s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};

/// An `s3` policy row for the bucket of `s3` (not stored anywhere).
pub fn policy(s3: &S3Server, settings: Value) -> storage_policy::Model {
    storage_policy::Model {
        id: 7,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        deleted_at: None,
        name: "bucket".into(),
        r#type: storage_policy::kind::S3.into(),
        server: s3.endpoint.clone(),
        bucket_name: BUCKET.into(),
        is_private: true,
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        max_size: 0,
        dir_name_rule: "uploads/{uid}/{path}".into(),
        file_name_rule: "{uid}_{randomkey8}_{originname}".into(),
        settings: s3.policy_settings(settings),
        node_id: None,
    }
}

fn driver(s3: &S3Server, staging: &std::path::Path, settings: Value) -> S3Driver {
    let config = S3Config::from_policy(&policy(s3, settings)).unwrap();
    S3Driver::new(&config, staging.to_path_buf()).unwrap()
}

#[tokio::test]
async fn s3_driver_passes_the_conformance_suite() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    let driver = driver(&s3, staging.path(), json!({}));
    conformance::run_all(&driver, "conformance").await;
    // Staged chunks were sent on and removed.
    assert_staging_empty(staging.path());
}

#[tokio::test]
async fn presigned_urls_reach_the_object_and_nothing_else() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    let driver = driver(&s3, staging.path(), json!({}));
    driver
        .put("docs/report.txt", stream_once("quarterly"), Some(9))
        .await
        .unwrap();
    let url = driver
        .presign_get(
            "docs/report.txt",
            std::time::Duration::from_secs(60),
            PresignHeaders {
                disposition: Some("attachment; filename=\"report.txt\""),
                content_type: Some("text/plain"),
            },
        )
        .await
        .unwrap()
        .expect("a presigned URL");
    assert!(url.starts_with(&s3.endpoint), "{url}");
    let client = reqwest::Client::new();
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=\"report.txt\""
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"quarterly");

    // The signature covers the key and the disposition: changing either is refused.
    let other_key = url.replace("report.txt?", "other.txt?");
    assert_eq!(client.get(&other_key).send().await.unwrap().status(), 403);
    let other_disposition = url.replace("attachment", "inline");
    assert_ne!(other_disposition, url);
    assert_eq!(
        client
            .get(&other_disposition)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Without the credentials, the bucket answers nothing.
    let bare = url.split('?').next().unwrap();
    assert_eq!(client.get(bare).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn internal_proxy_and_wrong_credentials() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    // `internal_proxy` keeps downloads on Stratus: no presigned URL.
    let proxied = driver(&s3, staging.path(), json!({"internal_proxy": true}));
    assert!(!proxied.capabilities().presign);
    proxied.put("a", stream_once("x"), Some(1)).await.unwrap();
    assert_eq!(
        proxied
            .presign_get(
                "a",
                std::time::Duration::from_secs(60),
                PresignHeaders::default()
            )
            .await
            .unwrap(),
        None
    );
    // A wrong secret fails the health check instead of storing anything.
    let mut row = policy(&s3, json!({}));
    row.secret_key = "wrong".into();
    let wrong = S3Driver::new(
        &S3Config::from_policy(&row).unwrap(),
        staging.path().to_path_buf(),
    )
    .unwrap();
    assert!(wrong.health_check().await.is_err());
    assert!(wrong.put("b", stream_once("y"), Some(1)).await.is_err());
    assert!(!s3.bucket_dir.join("b").exists());
}

/// A chunked upload whose sending to the bucket fails keeps its staged file: completing again
/// sends it, and aborting removes it.
#[tokio::test]
async fn a_failed_send_to_the_bucket_can_be_retried_or_aborted() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    let good = driver(&s3, staging.path(), json!({}));
    // The same staging folder, and a bucket endpoint nothing listens on.
    let mut row = policy(&s3, json!({}));
    row.server = "http://127.0.0.1:1".into();
    let dead = S3Driver::new(
        &S3Config::from_policy(&row).unwrap(),
        staging.path().to_path_buf(),
    )
    .unwrap();
    for (key, retry) in [("up/retried.bin", true), ("up/aborted.bin", false)] {
        let data: Vec<u8> = (0..3000u32).map(|i| (i % 253) as u8).collect();
        good.begin_upload(key, 3000, 1000).await.unwrap();
        for i in 0..3u64 {
            let part = data[(i * 1000) as usize..((i + 1) * 1000) as usize].to_vec();
            good.put_chunk(key, i, i * 1000, stream_once(part), 1000)
                .await
                .unwrap();
        }
        assert!(dead.complete_upload(key, 3000).await.is_err());
        assert!(matches!(good.head(key).await, Err(StorageError::NotFound)));
        if retry {
            good.complete_upload(key, 3000).await.unwrap();
            let got = good.get(key, None).await.unwrap();
            assert_eq!(
                stratus_server::storage::collect(got.stream).await.unwrap(),
                data
            );
        } else {
            good.abort_upload(key).await.unwrap();
            assert!(matches!(
                good.complete_upload(key, 3000).await,
                Err(StorageError::NotFound)
            ));
        }
    }
    assert_staging_empty(staging.path());
}

/// Keys carry user file names (the default rule ends in `{originname}`): spaces, non-ASCII
/// letters and URL metacharacters round-trip through put, get, list and presigned URLs.
#[tokio::test]
async fn keys_with_file_name_characters() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    let driver = driver(&s3, staging.path(), json!({}));
    let names = [
        "uploads/1/résumé final (2).pdf",
        "uploads/1/a+b=c&d?e#f.txt",
        "uploads/1/100% 日本語 ~[x]{y}.md",
    ];
    for (i, key) in names.iter().enumerate() {
        let body = format!("body {i}");
        driver
            .put(key, stream_once(body.clone()), Some(body.len() as u64))
            .await
            .unwrap_or_else(|e| panic!("put {key}: {e}"));
        let got = driver.get(key, None).await.unwrap();
        let got = stratus_server::storage::collect(got.stream).await.unwrap();
        assert_eq!(got, body.as_bytes(), "{key}");
        let url = driver
            .presign_get(
                key,
                std::time::Duration::from_secs(60),
                PresignHeaders::default(),
            )
            .await
            .unwrap()
            .unwrap();
        let fetched = reqwest::get(&url).await.unwrap();
        assert_eq!(fetched.status(), 200, "{key}: {url}");
        assert_eq!(fetched.text().await.unwrap(), body, "{key}");
    }
    let mut listed: Vec<String> = driver
        .list("uploads/1/")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.key)
        .collect();
    listed.sort();
    let mut want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(listed, want);
}

/// Bodies longer than one request go up as multipart uploads: whole when they end right, not
/// at all when they fail or have the wrong length.
#[tokio::test]
async fn long_bodies_go_up_in_parts() {
    let s3 = S3Server::start();
    let staging = tempfile::tempdir().unwrap();
    let driver = driver(&s3, staging.path(), json!({}));
    let len = 2 * PART_SIZE + 12_345;
    let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    let pieces = |data: Vec<u8>, fail_at: Option<usize>| -> ByteStream {
        let data = Bytes::from(data);
        let mut parts: Vec<std::io::Result<Bytes>> = (0..data.len())
            .step_by(1 << 20)
            .map(|at| Ok(data.slice(at..(at + (1 << 20)).min(data.len()))))
            .collect();
        if let Some(at) = fail_at {
            parts.truncate(at);
            parts.push(Err(std::io::Error::other("client went away")));
        }
        Box::pin(futures_util::stream::iter(parts))
    };
    driver
        .put("big/one", pieces(data.clone(), None), None)
        .await
        .unwrap();
    let got = driver.get("big/one", None).await.unwrap();
    assert_eq!(got.size, len as u64);
    let body = stratus_server::storage::collect(got.stream).await.unwrap();
    assert!(body == data, "multipart content differs");

    // A body failing after more than one part, or longer than announced, stores nothing and
    // keeps what was there.
    driver
        .put("big/two", stream_once("before"), Some(6))
        .await
        .unwrap();
    assert!(
        driver
            .put("big/two", pieces(data.clone(), Some(20)), None)
            .await
            .is_err()
    );
    assert!(matches!(
        driver
            .put("big/two", pieces(data.clone(), None), Some(len as u64 - 1))
            .await,
        Err(StorageError::LengthMismatch { .. })
    ));
    assert!(matches!(
        driver
            .put("big/two", pieces(data, None), Some(len as u64 + 1))
            .await,
        Err(StorageError::LengthMismatch { .. })
    ));
    let kept = driver.get("big/two", None).await.unwrap();
    assert_eq!(
        stratus_server::storage::collect(kept.stream).await.unwrap(),
        b"before"
    );
}

/// No staged upload is left behind.
fn assert_staging_empty(dir: &std::path::Path) {
    let left: Vec<_> = walk(dir).into_iter().filter(|p| p.is_file()).collect();
    assert!(left.is_empty(), "staging kept {left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            }
            out.push(path);
        }
    }
    out
}
