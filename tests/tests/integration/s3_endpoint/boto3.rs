//! boto3 against the endpoint: buckets, objects, ranges, conditions, checksums, copies,
//! multipart uploads, listings, presigned URLs and refused signatures (`cases.py` holds the
//! S3 side of each case).

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{event, user as account};
use stratus_server::events;

use super::{boto3, creds, endpoint, key, mkdir, start, user};

/// A server, a user with the folder `s3` and a key for it.
async fn keyed() -> (stratus_tests::TestServer, String, (String, String)) {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3").await;
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let url = endpoint(&server);
    (server, url, k)
}

#[tokio::test]
async fn buckets_are_folders() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "buckets", &[]).await;
}

#[tokio::test]
async fn objects_round_trip_with_ranges_conditions_checksums_and_copies() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "objects", &[]).await;
}

#[tokio::test]
async fn a_multipart_upload_of_12_mib_is_one_file() {
    let (_server, url, k) = keyed().await;
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("managed.bin");
    boto3(&url, &k, "multipart", &[path.to_str().unwrap()]).await;
}

#[tokio::test]
async fn listings_follow_prefix_delimiter_and_continuation() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "listing", &[]).await;
}

#[tokio::test]
async fn presigned_urls_work_and_tampered_ones_are_refused() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "presign", &[]).await;
}

/// AWS's limits on what a signature covers: a presigned URL is good for a week at most, and
/// an `x-amz-*` header the key's owner did not sign is refused, never stored.
#[tokio::test]
async fn presigned_urls_last_a_week_at_most_and_unsigned_amz_headers_are_refused() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "presign_limits", &[]).await;
}

#[tokio::test]
async fn a_wrong_secret_is_refused() {
    let (_server, url, k) = keyed().await;
    boto3(&url, &k, "wrong_secret", &[]).await;
    let unknown = ("AAAAAAAAAAAAAAAAAAAA".to_owned(), k.1.clone());
    boto3(&url, &unknown, "refused", &[]).await;
}

/// Each refused signature is in the audit log with the key's id and owner; after ten from
/// one address within the window, that address is told to slow down, right secret or not.
#[tokio::test]
async fn refused_signatures_are_recorded_and_throttle_their_address() {
    let (server, url, k) = keyed().await;
    let limit = stratus_server::auth::sign_in_throttle::MAX_FAILURES;
    boto3(&url, &k, "throttled", &[&limit.to_string()]).await;
    let rows = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::S3_LOGIN_FAILED))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, limit, "{rows:?}");
    let owner = account::Entity::find()
        .filter(account::Column::Email.eq("ann@example.com"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    for row in &rows {
        assert_eq!(row.user_id, Some(owner.id));
        assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
        let content = row.content.as_ref().unwrap();
        assert_eq!(content["access_key"], k.0.as_str());
        assert_eq!(content["code"], "SignatureDoesNotMatch");
    }
}

/// The S3 door counts in the one sign-in throttle: failures recorded elsewhere (another door,
/// another instance) against the key's owner from this address count with its own.
#[tokio::test]
async fn refused_signatures_count_with_failures_recorded_elsewhere() {
    let (server, url, k) = keyed().await;
    let owner = account::Entity::find()
        .filter(account::Column::Email.eq("ann@example.com"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let client = events::Client {
        ip: Some("127.0.0.1".into()),
        user_agent: None,
    };
    let limit = stratus_server::auth::sign_in_throttle::MAX_FAILURES;
    for _ in 1..limit {
        let content = json!({ "email": "ann@example.com" });
        events::record(
            &server.state.db,
            events::kind::WEBDAV_LOGIN_FAILED,
            Some(owner.id),
            &client,
            Some(content),
        )
        .await;
    }
    boto3(&url, &k, "throttled", &["1"]).await;
}

#[tokio::test]
async fn a_readonly_key_reads_and_refuses_writes() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    server
        .upload(&ann, "cloudreve://my/ro/bkt1/f.txt", b"hello", json!({}))
        .await;
    let k = creds(&key(&server, &ann, "cloudreve://my/ro", true).await);
    boto3(
        &endpoint(&server),
        &k,
        "readonly",
        &["bkt1", "f.txt", "hello"],
    )
    .await;
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/ro/bkt1").await,
        ["f.txt"]
    );
}

#[tokio::test]
async fn a_deleted_key_stops_at_once() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let made = key(&server, &ann, "cloudreve://my/s3", false).await;
    let k = creds(&made);
    let url = endpoint(&server);
    boto3(&url, &k, "buckets_are", &["bkt1"]).await;
    let path = format!("/devices/s3/{}", made["id"].as_str().unwrap());
    let deleted = server
        .send_as(Method::DELETE, &path, &ann.access_token, &json!({}))
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    boto3(&url, &k, "refused", &[]).await;
}

/// Behind a trusted proxy (`STRATUS_PROXY_HEADER`) the throttle counts the forwarded address:
/// a guesser locks out its own address (503 `SlowDown` with `Retry-After`), the key goes on
/// working from elsewhere, and the user sees the lock in Settings, recorded with that address.
#[tokio::test]
async fn behind_a_proxy_refused_signatures_lock_the_forwarded_address_only() {
    let server = stratus_tests::TestServer::start_with(|c| {
        c.s3.listen = Some("127.0.0.1:0".parse().unwrap());
        c.proxy_header = Some("X-Forwarded-For".into());
    })
    .await;
    crate::dav::set_group_bits(
        &server,
        2,
        &[(stratus_server::boolset::group_perm::S3, true)],
    )
    .await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3").await;
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let limit = stratus_server::auth::sign_in_throttle::MAX_FAILURES.to_string();
    let args = [limit.as_str(), "198.51.100.7", "203.0.113.5"];
    boto3(&endpoint(&server), &k, "forwarded", &args).await;

    let locks =
        server.get_as("/user/setting", &ann.access_token).await["data"]["sign_in_locks"].clone();
    assert_eq!(locks.as_array().map(Vec::len), Some(1), "{locks}");
    assert_eq!(locks[0]["ip"], "198.51.100.7");
    let started = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::SIGN_IN_LOCKED))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(!started.is_empty());
    for e in &started {
        assert_eq!(e.ip.as_deref(), Some("198.51.100.7"), "{e:?}");
        assert_eq!(e.content.as_ref().unwrap()["door"], "s3", "{e:?}");
    }
}
