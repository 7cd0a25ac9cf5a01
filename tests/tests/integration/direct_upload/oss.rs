//! `oss` policies, with s3s-fs standing in for OSS's S3-compatible interface (path-style, as
//! virtual-hosted bucket names do not resolve locally): direct uploads finished through
//! `/callback/oss`, presigned downloads, and OSS's endpoint conventions.

use std::time::Duration;

use serde_json::json;
use stratus_entity::storage_policy::kind;
use stratus_server::storage::{PresignHeaders, S3Config, S3Driver, StorageDriver};
use stratus_tests::s3::S3Server;

use super::*;

#[tokio::test]
async fn uploads_go_straight_to_an_oss_bucket_and_finish_with_its_callback() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::OSS, json!({})).await;
    let data = pattern(6 << 20, 9);
    let created = open(&server, &ann, policy, "cloudreve://my/o.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"]["storage_policy"]["type"], "oss");
    assert_eq!(created["data"]["upload_urls"].as_array().unwrap().len(), 2);
    let etags = send_parts(&created, &data, &[1, 2]).await;
    complete(&created, &etags).await;

    let secret = created["data"]["callback_secret"].as_str().unwrap();
    // The S3 callback is not this session's.
    let (_, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(answer["code"], 40006, "{answer}");
    let (status, answer) = callback(&server, "oss", &created, "wrong").await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (401, Some(40020)),
        "{answer}"
    );
    // OSS calls back with POST.
    let sid = created["data"]["session_id"].as_str().unwrap();
    let resp = server
        .client
        .post(server.api(&format!("/callback/oss/{sid}/{secret}")))
        .send()
        .await
        .unwrap();
    let answer = stratus_tests::envelope(resp).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert!(
        listing(&server, &ann)
            .await
            .contains(&("o.bin".to_owned(), data.len() as i64))
    );
    assert!(download(&server, &ann, "cloudreve://my/o.bin").await == data);
}

#[tokio::test]
async fn oss_endpoints_follow_its_conventions() {
    let s3 = S3Server::start();
    let mut row = crate::storage_s3::policy(&s3, json!({}));
    row.r#type = kind::OSS.into();
    row.bucket_name = "photos".into();
    row.server = "oss-cn-hangzhou.aliyuncs.com".into();
    row.settings = json!({"server_side_endpoint": "oss-cn-hangzhou-internal.aliyuncs.com"});
    let config = S3Config::from_policy(&row).unwrap();
    assert_eq!(
        config.public_endpoint,
        "https://oss-cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(
        config.endpoint,
        "https://oss-cn-hangzhou-internal.aliyuncs.com"
    );
    assert_eq!(config.region, "cn-hangzhou");
    assert!(!config.path_style);
    let url = presign(&config).await;
    assert!(
        url.starts_with("https://photos.oss-cn-hangzhou.aliyuncs.com/a/b.txt?"),
        "{url}"
    );

    // A CNAME: the domain is the bucket's, client URLs name no bucket.
    row.server = "https://files.example.com".into();
    row.settings = json!({"use_cname": true, "region": "cn-beijing"});
    let config = S3Config::from_policy(&row).unwrap();
    assert_eq!(config.region, "cn-beijing");
    let url = presign(&config).await;
    assert!(
        url.starts_with("https://files.example.com/a/b.txt?"),
        "{url}"
    );
}

async fn presign(config: &S3Config) -> String {
    let staging = tempfile::tempdir().unwrap();
    let driver = S3Driver::new(config, staging.path().to_path_buf()).unwrap();
    driver
        .presign_get(
            "a/b.txt",
            Duration::from_secs(60),
            PresignHeaders::default(),
        )
        .await
        .unwrap()
        .unwrap()
}
