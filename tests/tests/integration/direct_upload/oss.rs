//! `oss` policies, with s3s-fs standing in for OSS's S3-compatible interface (path-style, as
//! virtual-hosted bucket names do not resolve locally): direct uploads finished through
//! `/callback/oss`, by the client or by the bucket calling back, presigned downloads, and OSS's endpoint conventions.

use std::time::Duration;

use base64::{Engine, prelude::BASE64_STANDARD};

use serde_json::{Value, json};
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
    // The client's own call finishes the upload too.
    let (_, answer) = callback(&server, "oss", &created, secret).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert!(download(&server, &ann, "cloudreve://my/o.bin").await == data);
}

/// The completion URL carries OSS's callback policy, signed with the rest of the URL (s3s-fs
/// checks the signature); OSS then POSTs the filled-in body to the callback URL, which
/// publishes the file, and the client's call after it finds the session done.
#[tokio::test]
async fn the_completion_url_has_oss_call_stratus_back() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::OSS, json!({})).await;
    server
        .state
        .settings
        .set(&[("siteURL", server.base.as_str())])
        .await
        .unwrap();
    let data = pattern(100_000, 3);
    let created = open(&server, &ann, policy, "cloudreve://my/cb.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap();
    let secret = created["data"]["callback_secret"].as_str().unwrap();

    let complete_url =
        reqwest::Url::parse(created["data"]["completeURL"].as_str().unwrap()).unwrap();
    let param = complete_url
        .query_pairs()
        .find(|(k, _)| k == "callback")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no callback parameter in {complete_url}"));
    let policy: Value = serde_json::from_slice(&BASE64_STANDARD.decode(param).unwrap()).unwrap();
    let callback_url = format!("{}/api/v4/callback/oss/{sid}/{secret}", server.base);
    assert_eq!(policy["callbackUrl"], callback_url.as_str(), "{policy}");
    assert_eq!(policy["callbackBodyType"], "application/json", "{policy}");
    let body = policy["callbackBody"].as_str().unwrap();
    assert!(
        body.contains("${object}") && body.contains("${size}"),
        "{body}"
    );

    let etags = send_parts(&created, &data, &[1]).await;
    complete(&created, &etags).await;
    // Nothing is published before the bucket calls back.
    assert!(session_row(&server, &created).await.is_some());

    // OSS's call: the body with its variables filled in, as JSON.
    let row = session_row(&server, &created).await.unwrap();
    let key = row.props["key"].as_str().unwrap().to_owned();
    let filled = body
        .replace("${object}", &serde_json::to_string(&key).unwrap())
        .replace("${size}", &data.len().to_string());
    let resp = server
        .client
        .post(&callback_url)
        .header("content-type", "application/json")
        .body(filled)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer = stratus_tests::envelope(resp).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert!(
        listing(&server, &ann)
            .await
            .contains(&("cb.bin".to_owned(), data.len() as i64))
    );
    assert!(download(&server, &ann, "cloudreve://my/cb.bin").await == data);
    // The client calls too once the completion returned: the session is done (40011).
    let (_, answer) = callback(&server, "oss", &created, secret).await;
    assert_eq!(answer["code"], 40011, "{answer}");
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
