//! The node checks every request against its key: a wrong key, a tampered body, a request
//! replayed after its TTL, or a signature made to last longer than the TTL are refused, and
//! a client's upload credential is good for its session's chunks only.

use chrono::Utc;
use stratus_server::storage::remote::protocol;

use super::*;

/// POSTs `body` to slave route `path`, signed with `key` until `expires`.
async fn signed_post(
    slave: &SlaveNode,
    path: &str,
    key: &str,
    body: &str,
    expires: i64,
) -> (u16, Value) {
    let full = format!("{}{path}", protocol::PREFIX);
    let auth = protocol::authorization(key.as_bytes(), &full, &[], body, expires);
    let resp = reqwest::Client::new()
        .post(format!("{}{full}", slave.base))
        .header("authorization", auth)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, stratus_tests::envelope(resp).await)
}

#[tokio::test]
async fn the_node_refuses_requests_not_signed_with_its_key_or_past_their_ttl() {
    let slave = SlaveNode::start().await;
    let body = r#"{"key":""}"#;
    let soon = Utc::now().timestamp() + 30;
    let (status, ok) = signed_post(&slave, "/file/list", &slave.secret, body, soon).await;
    assert_eq!((status, &ok["code"]), (200, &json!(0)), "{ok}");

    let wrong = "w".repeat(64);
    let (status, refused) = signed_post(&slave, "/file/list", &wrong, body, soon).await;
    assert_eq!(
        (status, &refused["code"]),
        (403, &json!(40071)),
        "{refused}"
    );

    // A request captured and replayed once its TTL has passed.
    let past = Utc::now().timestamp() - 1;
    let (status, refused) = signed_post(&slave, "/file/list", &slave.secret, body, past).await;
    assert_eq!(
        (status, &refused["code"]),
        (403, &json!(40005)),
        "{refused}"
    );
    // A signature made to outlive the TTL (to be replayed later) is refused as well.
    let far = Utc::now().timestamp() + 3600;
    let (status, refused) = signed_post(&slave, "/file/list", &slave.secret, body, far).await;
    assert_eq!(
        (status, &refused["code"]),
        (403, &json!(40005)),
        "{refused}"
    );

    // The signature covers the body and the path.
    let full = format!("{}/file/list", protocol::PREFIX);
    let auth = protocol::authorization(slave.secret.as_bytes(), &full, &[], body, soon);
    let tampered = reqwest::Client::new()
        .post(format!("{}{full}", slave.base))
        .header("authorization", &auth)
        .body(r#"{"key":"uploads"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status(), 403);
    let moved = reqwest::Client::new()
        .post(format!("{}{}/file/head", slave.base, protocol::PREFIX))
        .header("authorization", &auth)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 403);
    let unsigned = reqwest::Client::new()
        .post(format!("{}{full}", slave.base))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
}

#[tokio::test]
async fn an_upload_credential_is_good_for_its_own_chunks_only() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    let data = pattern(2 * CHUNK, 9);
    let created = open(&server, &ann, policy, "cloudreve://my/a.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let credential = created["data"]["credential"].as_str().unwrap();
    let url = created["data"]["upload_urls"][0].as_str().unwrap();
    let client = reqwest::Client::new();
    // Not for cancelling the session at the node, nor for another session.
    let cancel = client
        .delete(url)
        .header("authorization", credential)
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 403);
    let other = client
        .post(format!(
            "{}{}?chunk=0",
            slave.base,
            protocol::upload_path("other")
        ))
        .header("authorization", credential)
        .body(data[..CHUNK].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403);
    // A chunk of the wrong length is refused and the upload goes on.
    let short = client
        .post(format!("{url}?chunk=0"))
        .header("authorization", credential)
        .body(data[..10].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 400);
    // A callback to the master not signed with the node's key changes nothing.
    let sid = created["data"]["session_id"].as_str().unwrap();
    let secret = created["data"]["callback_secret"].as_str().unwrap();
    let forged = client
        .post(server.api(&format!("/callback/remote/{sid}/{secret}")))
        .send()
        .await
        .unwrap();
    let forged = stratus_tests::envelope(forged).await;
    assert_eq!(forged["code"], 40020, "{forged}");
    let session = stratus_entity::upload_session::Entity::find()
        .filter(stratus_entity::upload_session::Column::SessionId.eq(sid))
        .one(&server.state.db)
        .await
        .unwrap();
    assert!(session.is_some(), "the session is still open");
    for i in 0..2 {
        let (status, sent) = send_chunk(&created, &data, i).await.unwrap();
        assert_eq!(
            (status, &sent["code"]),
            (200, &json!(0)),
            "chunk {i}: {sent}"
        );
    }
    assert_eq!(listing(&server, &ann).await, vec!["a.bin"]);
}
