//! Bucket uploads through two instances on one database, data folder and bucket, as behind a
//! load balancer: the chunks of a relayed upload reach either instance, and the bucket sees
//! no multipart upload for them but the completion's, which ends with it.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::upload_session;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, s3::S3Server};

const PW: &str = "password123";
const MIB: usize = 1 << 20;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i / 3) as u8).wrapping_mul(41).wrapping_add(seed))
        .collect()
}

/// Two instances sharing a database and a data folder, the User group on a bucket policy with
/// `settings`, and a user signed in on the first.
async fn setup(s3: &S3Server, settings: Value) -> (TestServer, TestServer, Session, i64) {
    let a = TestServer::start().await;
    let policy = crate::dav::bucket::use_bucket(&a, s3, settings).await;
    let b = a.sibling().await;
    a.create_user("ann@example.com", PW).await;
    let ann = a.login("ann@example.com", PW).await;
    (a, b, ann, policy)
}

fn open_body(server: &TestServer, policy: i64, uri: &str, len: usize) -> Value {
    json!({"uri": uri, "size": len,
           "policy_id": server.state.ids.encode(policy, IdKind::Policy)})
}

async fn session_rows(server: &TestServer) -> Vec<upload_session::Model> {
    upload_session::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn chunks_relayed_through_two_instances_make_one_bucket_upload() {
    let s3 = S3Server::start();
    let (a, b, ann, policy) = setup(&s3, json!({"relay": true})).await;
    // Past the single-request limit (8 MiB): the completion streams it as a multipart upload.
    let data = pattern(9 * MIB, 5);
    let created = a
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &open_body(&a, policy, "cloudreve://my/big.bin", data.len()),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
    let chunks: Vec<&[u8]> = data.chunks(chunk).collect();
    assert!(chunks.len() >= 2);
    for (i, part) in chunks.iter().enumerate() {
        // Every other chunk to each instance, the first to the second one.
        let server = if i % 2 == 0 { &b } else { &a };
        let sent = server.send_chunk(&ann, &sid, i as i64, part).await;
        assert_eq!(sent["code"], 0, "chunk {i}");
        if i + 1 < chunks.len() {
            // Relayed chunks wait on the instances' shared staging: the bucket has no
            // upload for them yet.
            assert_eq!(s3.open_uploads(), Vec::<String>::new(), "after chunk {i}");
        }
    }
    assert_eq!(s3.open_uploads(), Vec::<String>::new());
    assert!(session_rows(&a).await.is_empty());
    let info = a
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2Fbig.bin",
            &ann.access_token,
        )
        .await;
    assert_eq!(info["data"]["size"], data.len(), "{info}");
}
