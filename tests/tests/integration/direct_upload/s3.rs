//! `s3` policies: direct uploads are the default; `relay` keeps chunks on Stratus's path.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::json;
use stratus_entity::storage_policy::kind;
use stratus_tests::s3::S3Server;

use super::*;

const MIB: usize = 1 << 20;

#[tokio::test]
async fn a_plain_client_uploads_40_mib_straight_to_the_bucket() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::S3, json!({})).await;
    let data = pattern(40 * MIB, 3);

    let created = open(&server, &ann, policy, "cloudreve://my/big.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let d = &created["data"];
    // The policy asks for 1 MiB chunks; S3 parts are at least 5 MiB.
    assert_eq!(d["chunk_size"], 5 * MIB, "{created}");
    assert_eq!(d["upload_urls"].as_array().unwrap().len(), 8, "{created}");
    assert!(d["upload_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(d["completeURL"].as_str().unwrap().starts_with(&s3.endpoint));
    assert_ne!(d["storage_policy"]["relay"], true, "{created}");

    // Chunks of a direct session do not go through Stratus.
    let sid = d["session_id"].as_str().unwrap();
    let sent = server.send_chunk(&ann, sid, 0, &data[..5 * MIB]).await;
    assert_eq!(sent["code"], 40006);

    let etags = send_parts(&created, &data, &(1..=8).collect::<Vec<_>>()).await;
    complete(&created, &etags).await;

    // A wrong key is refused and the upload stays unfinished.
    let secret = d["callback_secret"].as_str().unwrap();
    let mut wrong = secret.to_owned();
    wrong.replace_range(..1, if secret.starts_with('a') { "b" } else { "a" });
    let (status, answer) = callback(&server, "s3", &created, &wrong).await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (401, Some(40020)),
        "{answer}"
    );
    assert!(session_row(&server, &created).await.is_some());
    assert_eq!(
        files_named(&server, "big.bin").await[0].primary_entity,
        None
    );
    // So is the callback of another storage type.
    let (_, answer) = callback(&server, "oss", &created, secret).await;
    assert_eq!(answer["code"], 40006, "{answer}");

    let (status, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (200, Some(0)),
        "{answer}"
    );
    assert!(session_row(&server, &created).await.is_none());
    assert!(
        listing(&server, &ann)
            .await
            .contains(&("big.bin".to_owned(), data.len() as i64))
    );
    assert!(download(&server, &ann, "cloudreve://my/big.bin").await == data);
    // Completed once: a second callback finds no session.
    let (_, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(answer["code"], 40011, "{answer}");
    assert!(pending_parts(&s3).is_empty(), "{:?}", pending_parts(&s3));
}

/// Two instances share the database and the bucket: whichever one the load balancer picks for
/// the callback finishes the upload another one began.
#[tokio::test]
async fn a_direct_upload_begun_on_one_instance_completes_on_another() {
    let s3 = S3Server::start();
    let (first, ann, policy) = setup(&s3, kind::S3, json!({})).await;
    let second = first.sibling().await;
    let data = pattern(11 * MIB, 9);

    let created = open(&first, &ann, policy, "cloudreve://my/moved.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let etags = send_parts(&created, &data, &[1, 2, 3]).await;
    complete(&created, &etags).await;
    let secret = created["data"]["callback_secret"].as_str().unwrap();
    let (status, answer) = callback(&second, "s3", &created, secret).await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (200, Some(0)),
        "{answer}"
    );

    assert!(session_row(&first, &created).await.is_none());
    let expected = ("moved.bin".to_owned(), data.len() as i64);
    assert!(listing(&second, &ann).await.contains(&expected));
    assert!(listing(&first, &ann).await.contains(&expected));
    assert!(download(&second, &ann, "cloudreve://my/moved.bin").await == data);
    assert!(download(&first, &ann, "cloudreve://my/moved.bin").await == data);
    assert!(pending_parts(&s3).is_empty(), "{:?}", pending_parts(&s3));
}

#[tokio::test]
async fn a_part_missing_at_completion_leaves_no_file() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::S3, json!({})).await;
    let data = pattern(12 * MIB, 5);
    let created = open(
        &server,
        &ann,
        policy,
        "cloudreve://my/short.bin",
        data.len(),
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    let secret = created["data"]["callback_secret"].as_str().unwrap();

    // Before the multipart upload is completed there is no object: the session stays.
    let etags = send_parts(&created, &data, &[1, 2]).await;
    let (_, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(answer["code"], 40055, "{answer}");
    assert!(session_row(&server, &created).await.is_some());

    // Completed without its last part: 10 MiB of 12. Refused, and nothing is kept.
    complete(&created, &etags).await;
    let (_, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(answer["code"], 40055, "{answer}");
    assert!(session_row(&server, &created).await.is_none());
    assert!(files_named(&server, "short.bin").await.is_empty());
    assert!(listing(&server, &ann).await.is_empty());
    let user = server.get_as("/user/capacity", &ann.access_token).await;
    assert_eq!(user["data"]["used"], 0, "{user}");
    let left: Vec<_> = walk(&s3.bucket_dir);
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn sessions_never_completed_are_aborted_at_the_bucket() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::S3, json!({})).await;
    let data = pattern(6 * MIB, 7);
    let cancelled = open(&server, &ann, policy, "cloudreve://my/a.bin", data.len()).await;
    let expired = open(&server, &ann, policy, "cloudreve://my/b.bin", data.len()).await;
    send_parts(&cancelled, &data, &[1]).await;
    send_parts(&expired, &data, &[1, 2]).await;
    assert_eq!(pending_parts(&s3).len(), 3, "{:?}", pending_parts(&s3));

    let gone = server
        .send_as(
            reqwest::Method::DELETE,
            "/file/upload",
            &ann.access_token,
            &json!({"id": cancelled["data"]["session_id"], "uri": "cloudreve://my/a.bin"}),
        )
        .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(pending_parts(&s3).len(), 2, "{:?}", pending_parts(&s3));

    let mut row = session_row(&server, &expired)
        .await
        .unwrap()
        .into_active_model();
    row.expires_at = Set(Utc::now() - chrono::Duration::seconds(1));
    row.update(&server.state.db).await.unwrap();
    let dropped = stratus_server::upload::collect_expired_sessions(&server.state)
        .await
        .unwrap();
    assert_eq!(dropped, 1);
    assert!(pending_parts(&s3).is_empty(), "{:?}", pending_parts(&s3));
    assert!(files_named(&server, "b.bin").await.is_empty());
    assert!(listing(&server, &ann).await.is_empty());
    // The parts' URLs lead nowhere now.
    let resp = reqwest::Client::new()
        .put(expired["data"]["upload_urls"][0].as_str().unwrap())
        .body(vec![0u8; 16])
        .send()
        .await
        .unwrap();
    assert!(!resp.status().is_success());
}

#[tokio::test]
async fn relay_policies_take_chunks_through_stratus() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::S3, json!({"relay": true})).await;
    let created = open(&server, &ann, policy, "cloudreve://my/r.bin", 10).await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"]["storage_policy"]["relay"], true);
    assert!(created["data"]["upload_urls"].is_null(), "{created}");
    let secret = created["data"]["callback_secret"].as_str().unwrap();
    let (_, answer) = callback(&server, "s3", &created, secret).await;
    assert_eq!(answer["code"], 40006, "{answer}");
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A process killed after the bucket opened an upload and before its session row held the
/// id leaves a journal record: the next start aborts that upload, and leaves alone one that
/// a live session holds.
#[tokio::test]
async fn a_bucket_upload_no_session_holds_is_aborted_at_the_next_start() {
    let s3 = S3Server::start();
    let (server, ann, policy) = setup(&s3, kind::S3, json!({})).await;
    let created = open(&server, &ann, policy, "cloudreve://my/kept.bin", 10).await;
    let kept = created["data"]["upload_id"].as_str().unwrap().to_owned();
    let kept_key = session_row(&server, &created).await.unwrap().props["key"]
        .as_str()
        .unwrap()
        .to_owned();
    // Opened as a dying process would have: the bucket knows it, no row does.
    let driver = server.state.storage.driver(policy).await.unwrap();
    let lost_key = "uploads/1/lost.bin";
    let (lost, lost_part) = match driver
        .begin_direct_upload(lost_key, 10, 0, std::time::Duration::from_secs(60), None)
        .await
        .unwrap()
    {
        stratus_server::storage::UploadCredential::Presigned {
            upload_id,
            part_urls,
            ..
        } => (upload_id, part_urls[0].clone()),
        other => panic!("{other:?}"),
    };
    // One part sent to each: s3s-fs keeps an upload's parts as files.
    send_parts(&created, &[7; 10], &[1]).await;
    let sent = reqwest::Client::new()
        .put(lost_part)
        .body(vec![7; 10])
        .send();
    assert_eq!(sent.await.unwrap().status(), 200);
    let mut both = vec![kept.clone(), lost.clone()];
    both.sort();
    assert_eq!(s3.open_uploads(), both);

    let dir = server
        .data_dir
        .join(stratus_server::storage::pending::PENDING_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    let record =
        |key: &str, id: &str| format!("{policy} {} {}\n", hex::encode(key), hex::encode(id));
    let journal = dir.join("4242-dead.log");
    std::fs::write(
        &journal,
        record(lost_key, &lost) + &record(&kept_key, &kept),
    )
    .unwrap();
    stratus_server::storage::pending::recover(
        &server.data_dir,
        &server.state.db,
        &server.state.storage,
    )
    .await
    .unwrap();
    assert_eq!(s3.open_uploads(), [kept]);
    assert!(!journal.exists());
}
