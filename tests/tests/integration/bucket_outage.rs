//! A bucket that becomes unreachable under a running server (its S3 server stopped, its port
//! closed): uploads and downloads on it answer an error envelope instead of hanging or a bare
//! 5xx, nothing is half-written in the database, users of the local policy go on working,
//! and once the bucket is back everything works again without a restart.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};
use stratus_entity::{group, upload_session};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, s3::S3Server};

const PW: &str = "password123";
const MIB: usize = 1 << 20;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed))
        .collect()
}

/// The User group stores on `s3` (chunks relayed through the server, downloads proxied by
/// it, so that both meet the bucket on the server's side); returns the policy's id.
pub(crate) async fn use_bucket(server: &TestServer, s3: &S3Server) -> i64 {
    let settings = json!({"relay": true, "internal_proxy": true});
    crate::dav::bucket::use_bucket(server, s3, settings).await
}

/// A user of a group of its own on the local policy (1).
async fn local_user(server: &TestServer, email: &str) -> Session {
    let user_group = group::Entity::find_by_id(crate::archive::USER_GROUP)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let local = group::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        name: sea_orm::ActiveValue::Set("Local".into()),
        storage_policy_id: sea_orm::ActiveValue::Set(Some(1)),
        ..user_group.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let user = server.create_user(email, PW).await;
    let mut active = user.into_active_model();
    active.group_id = sea_orm::ActiveValue::Set(local.id);
    active.update(&server.state.db).await.unwrap();
    server.login(email, PW).await
}

/// Opens an upload session for `bytes` at `uri`; returns its id and chunk size.
async fn open(
    server: &TestServer,
    s: &Session,
    policy: i64,
    uri: &str,
    len: usize,
) -> (String, usize) {
    let created = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &s.access_token,
            &json!({"uri": uri, "size": len,
                    "policy_id": server.state.ids.encode(policy, IdKind::Policy)}),
        )
        .await;
    assert_eq!(created["code"], 0, "{uri}: {created}");
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    (
        sid,
        created["data"]["chunk_size"].as_u64().unwrap() as usize,
    )
}

/// Sends the chunks of `bytes` from index `from` on; the index and envelope of the first
/// that is refused, or `None` when every one was taken.
async fn send(
    server: &TestServer,
    s: &Session,
    (sid, chunk): &(String, usize),
    bytes: &[u8],
    from: usize,
) -> Option<(usize, Value)> {
    for (i, part) in bytes.chunks(*chunk).enumerate().skip(from) {
        let resp = server
            .request_as(
                Method::POST,
                &format!("/file/upload/{sid}/{i}"),
                &s.access_token,
            )
            .header("content-type", "application/octet-stream")
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "chunk {i}");
        let answer = stratus_tests::envelope(resp).await;
        if answer["code"] != 0 {
            return Some((i, answer));
        }
    }
    None
}

/// Uploads `bytes` to `uri` whole.
async fn upload(server: &TestServer, s: &Session, policy: i64, uri: &str, bytes: &[u8]) {
    let session = open(server, s, policy, uri, bytes.len()).await;
    assert_eq!(send(server, s, &session, bytes, 0).await, None, "{uri}");
}

/// The entity (blob) rows of the database.
async fn entities(server: &TestServer) -> u64 {
    stratus_entity::entity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap()
}

/// The entity rows that are not the blob of an upload in progress: those a download can be
/// served from.
async fn blobs(server: &TestServer) -> u64 {
    use sea_orm::{ColumnTrait, QueryFilter};
    stratus_entity::entity::Entity::find()
        .filter(stratus_entity::entity::Column::UploadSessionId.is_null())
        .count(&server.state.db)
        .await
        .unwrap()
}

/// The download URL of `uri` for `s`.
async fn content_url(server: &TestServer, s: &Session, uri: &str) -> String {
    let urls = server
        .send_as(
            Method::POST,
            "/file/url",
            &s.access_token,
            &json!({"uris": [uri], "download": true}),
        )
        .await;
    assert_eq!(urls["code"], 0, "{uri}: {urls}");
    urls["data"]["urls"][0]["url"].as_str().unwrap().to_owned()
}

/// The download of `uri` as `s` gets it: `(HTTP status, body)`.
async fn fetch(server: &TestServer, s: &Session, uri: &str) -> (u16, Vec<u8>) {
    let url = content_url(server, s, uri).await;
    let resp = server.client.get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn an_unreachable_bucket_answers_clear_errors_and_works_again_once_back() {
    let server = TestServer::start().await;
    let mut s3 = S3Server::start();
    let policy = use_bucket(&server, &s3).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = local_user(&server, "bob@example.com").await;

    let before = pattern(MIB + MIB / 2, 1);
    upload(&server, &ann, policy, "cloudreve://my/before.bin", &before).await;
    assert_eq!(
        fetch(&server, &ann, "cloudreve://my/before.bin").await,
        (200, before.clone())
    );
    let before_rows = entities(&server).await;
    assert_eq!(blobs(&server).await, before_rows);

    s3.stop();
    // An upload on the bucket: the chunk that has to reach it is refused with code 50010
    // (the storage cannot be reached), and nothing of the file is recorded: no blob row, the
    // placeholder stays empty; the session stays, for the chunk to be sent again.
    let during = pattern(MIB + MIB / 2, 2);
    let session = open(
        &server,
        &ann,
        policy,
        "cloudreve://my/during.bin",
        during.len(),
    )
    .await;
    let (failed, answer) = send(&server, &ann, &session, &during, 0)
        .await
        .expect("a chunk reached the stopped bucket");
    assert_eq!(answer["code"], 50010, "{answer}");
    // The one row more is the session's own entity, made with the placeholder when the
    // session opened (spec: one entity whose `upload_session_id` is set): still empty and
    // still the session's, and no blob row.
    let row = upload_session::Entity::find()
        .one(&server.state.db)
        .await
        .unwrap()
        .expect("the session stays");
    let uploading = stratus_entity::entity::Entity::find_by_id(row.entity_id.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        uploading.upload_session_id.as_deref(),
        Some(session.0.as_str())
    );
    assert_eq!(uploading.size, 0);
    assert_eq!(entities(&server).await, before_rows + 1);
    assert_eq!(blobs(&server).await, before_rows);
    let info = server
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2Fduring.bin",
            &ann.access_token,
        )
        .await;
    assert_eq!(info["data"]["size"], 0, "{info}");
    assert_eq!(
        upload_session::Entity::find()
            .count(&server.state.db)
            .await
            .unwrap(),
        1
    );
    // A download from it: the error envelope, not the bytes and not a hang.
    let (status, body) = fetch(&server, &ann, "cloudreve://my/before.bin").await;
    assert_ne!(status, 200);
    let answer: Value = serde_json::from_slice(&body).expect("an envelope");
    assert_eq!(answer["code"], 50010, "{status} {answer}");
    // A HEAD of it (a size asked of the bucket, not a read) and a ranged read (a size, then
    // a read): 502, the status of a storage that cannot be reached.
    let url = content_url(&server, &ann, "cloudreve://my/before.bin").await;
    let head = server.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), 502);
    let ranged = server.client.get(&url).header("range", "bytes=10-20");
    let ranged = ranged.send().await.unwrap();
    assert_eq!(ranged.status(), 502);
    assert_eq!(stratus_tests::envelope(ranged).await["code"], 50010);
    // The local policy's users do not notice.
    let local = pattern(MIB + MIB / 2, 3);
    upload(&server, &bob, 1, "cloudreve://my/local.bin", &local).await;
    assert_eq!(
        fetch(&server, &bob, "cloudreve://my/local.bin").await,
        (200, local)
    );

    s3.start_again();
    assert_eq!(
        fetch(&server, &ann, "cloudreve://my/before.bin").await,
        (200, before)
    );
    // The refused chunk is sent again, and the upload completes with the session's entity:
    // no row more for the chunk sent again, and that one now a blob.
    let rows = entities(&server).await;
    assert_eq!(blobs(&server).await, rows - 1);
    assert_eq!(send(&server, &ann, &session, &during, failed).await, None);
    assert_eq!(
        fetch(&server, &ann, "cloudreve://my/during.bin").await,
        (200, during)
    );
    assert_eq!(entities(&server).await, rows);
    assert_eq!(blobs(&server).await, rows);
    let done = stratus_entity::entity::Entity::find_by_id(uploading.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.upload_session_id, None);
    upload(&server, &ann, policy, "cloudreve://my/after.bin", b"after").await;
    assert_eq!(
        server.names_in(&ann, "cloudreve://my").await,
        ["after.bin", "before.bin", "during.bin"]
    );
    assert_eq!(
        upload_session::Entity::find()
            .count(&server.state.db)
            .await
            .unwrap(),
        0
    );
}

/// A backup target on the bucket of `s3`, as `PUT /admin/backup/target` takes it.
fn backup_target(s3: &S3Server) -> Value {
    use stratus_tests::s3::{ACCESS_KEY, BUCKET, SECRET_KEY};
    let mut settings = s3.policy_settings(json!({}));
    let map = settings.as_object_mut().unwrap();
    map.insert("server".into(), json!(s3.endpoint));
    map.insert("bucket_name".into(), json!(BUCKET));
    map.insert("access_key".into(), json!(ACCESS_KEY));
    map.insert("secret_key".into(), json!(SECRET_KEY));
    json!({"name": "bucket", "type": "s3", "settings": settings})
}

/// A listing of a stopped bucket (the usage of a backup target on it) answers 50010 too, not
/// an I/O error; once the bucket is back it answers again.
#[tokio::test]
async fn listing_an_unreachable_bucket_answers_unreachable() {
    let server = TestServer::start().await;
    let mut s3 = S3Server::start();
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    let made = server
        .send_as(
            Method::PUT,
            "/admin/backup/target",
            &boss.access_token,
            &backup_target(&s3),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let usage = format!("/admin/backup/target/{}/usage", made["data"]["id"]);
    assert_eq!(server.get_as(&usage, &boss.access_token).await["code"], 0);
    s3.stop();
    let refused = server.get_as(&usage, &boss.access_token).await;
    assert_eq!(refused["code"], 50010, "{refused}");
    s3.start_again();
    assert_eq!(server.get_as(&usage, &boss.access_token).await["code"], 0);
}
