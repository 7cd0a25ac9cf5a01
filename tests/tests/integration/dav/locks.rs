//! WebDAV locks live in the database lock table: they hold against the API, and API locks
//! (upload sessions) hold against WebDAV.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_server::ids::IdKind;

use super::{dav, password, setup};

const ANN: &str = "ann@example.com";

const LOCKINFO: &str = r#"<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>tester</D:owner></D:lockinfo>"#;

/// Starts an API upload of 3 bytes at `uri` as the holder of `token`; returns the envelope.
async fn start_upload(
    server: &stratus_tests::TestServer,
    token: &str,
    uri: &str,
) -> serde_json::Value {
    let body =
        json!({"uri": uri, "size": 3, "policy_id": server.state.ids.encode(1, IdKind::Policy)});
    server
        .send_as(Method::PUT, "/file/upload", token, &body)
        .await
}

#[tokio::test]
async fn a_webdav_lock_blocks_the_api_and_the_token_holder_may_write() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    dav(&server, "MKCOL", "/dir", ANN, &pw)
        .send()
        .await
        .unwrap();
    dav(&server, "PUT", "/dir/a.txt", ANN, &pw)
        .body("a")
        .send()
        .await
        .unwrap();
    let lock = dav(&server, "LOCK", "/dir", ANN, &pw)
        .header("Depth", "infinity")
        .header("Timeout", "Second-600")
        .body(LOCKINFO)
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), 200);
    let token = lock.headers()["lock-token"].to_str().unwrap().to_owned();
    assert!(token.starts_with("<opaquelocktoken:"), "{token}");

    let t = &ann.access_token;
    let up = start_upload(&server, t, "cloudreve://my/dir/new.txt").await;
    assert_eq!(up["code"], 40073, "{up}");
    let del = server
        .send_as(
            Method::DELETE,
            "/file",
            t,
            &json!({"uris": ["cloudreve://my/dir/a.txt"]}),
        )
        .await;
    assert_eq!(del["code"], 40073, "{del}");

    // Without the token WebDAV is refused too; with it the write goes through.
    let put = dav(&server, "PUT", "/dir/a.txt", ANN, &pw)
        .body("b")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 423);
    let put = dav(&server, "PUT", "/dir/a.txt", ANN, &pw)
        .header("If", format!("({token})"))
        .body("b")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);

    let unlock = dav(&server, "UNLOCK", "/dir", ANN, &pw)
        .header("Lock-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(unlock.status(), 204);
    let up = start_upload(&server, t, "cloudreve://my/dir/new.txt").await;
    assert_eq!(up["code"], 0, "{up}");
}

#[tokio::test]
async fn an_api_upload_blocks_webdav_writes_to_its_path() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let up = start_upload(&server, &ann.access_token, "cloudreve://my/up.txt").await;
    assert_eq!(up["code"], 0, "{up}");
    let put = dav(&server, "PUT", "/up.txt", ANN, &pw)
        .body("xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 423);
    let lock = dav(&server, "LOCK", "/up.txt", ANN, &pw)
        .body(LOCKINFO)
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), 423);
    let del = dav(&server, "DELETE", "/up.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 423);
}

/// Two instances on one database (scale-out): a WebDAV lock taken on one holds on the other
/// against WebDAV and the API, the token works on either, and an upload begun on one blocks
/// WebDAV writes on the other.
#[tokio::test]
async fn locks_hold_across_instances() {
    let (server, ann) = setup().await;
    let other = server.sibling().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let put = dav(&server, "PUT", "/shared.txt", ANN, &pw)
        .body("a")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let lock = dav(&server, "LOCK", "/shared.txt", ANN, &pw)
        .body(LOCKINFO)
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), 200);
    let token = lock.headers()["lock-token"].to_str().unwrap().to_owned();

    let put = dav(&other, "PUT", "/shared.txt", ANN, &pw)
        .body("b")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 423);
    let del = other
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/shared.txt"]}),
        )
        .await;
    assert_eq!(del["code"], 40073, "{del}");
    let put = dav(&other, "PUT", "/shared.txt", ANN, &pw)
        .header("If", format!("({token})"))
        .body("b")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let unlock = dav(&other, "UNLOCK", "/shared.txt", ANN, &pw)
        .header("Lock-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(unlock.status(), 204);
    let got = dav(&server, "GET", "/shared.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "b");

    let up = start_upload(&other, &ann.access_token, "cloudreve://my/up.txt").await;
    assert_eq!(up["code"], 0, "{up}");
    let put = dav(&server, "PUT", "/up.txt", ANN, &pw)
        .body("xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 423);
}

/// The publish re-checks locks in its own transaction (a lock may be taken after WebDAV's
/// early check): writes racing in one batch are refused for the locked path only, and the
/// token holder's write goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_publish_checks_locks_for_each_write_of_a_batch() {
    use stratus_server::{
        door::work::acting_as,
        fs::uri::FileUri,
        upload::stream::{StreamWrite, write},
    };

    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let lock = dav(&server, "LOCK", "/held.txt", ANN, &pw)
        .body(LOCKINFO)
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), 201);
    let token = lock.headers()["lock-token"]
        .to_str()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    let db = &server.state.db;
    let user = stratus_entity::user::Entity::find()
        .filter(stratus_entity::user::Column::Email.eq(ANN))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let group = stratus_entity::group::Entity::find_by_id(user.group_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let me = acting_as(user, group);
    let put = |path: &'static str, tokens: Vec<String>| {
        let (state, me) = (server.state.clone(), &me);
        async move {
            let uri = FileUri::parse(&format!("cloudreve://my/{path}")).unwrap();
            let body: stratus_server::storage::ByteStream =
                Box::pin(futures_util::stream::once(async {
                    Ok(stratus_server::storage::Bytes::from_static(b"data"))
                }));
            let w = StreamWrite {
                uri: &uri,
                size: Some(4),
                body,
                lock_tokens: &tokens,
                journal: true,
                modified: None,
                author: None,
            };
            write(&state, me, w).await.map(|f| f.name)
        }
    };
    let (a, b, c, d) = tokio::join!(
        put("free-1.txt", vec![]),
        put("held.txt", vec![]),
        put("free-2.txt", vec![]),
        put("held.txt", vec![token.clone()]),
    );
    assert_eq!(a.unwrap(), "free-1.txt");
    assert_eq!(c.unwrap(), "free-2.txt");
    assert_eq!(d.unwrap(), "held.txt");
    let refused = stratus_server::api::envelope::ApiError::from(b.unwrap_err());
    assert_eq!(refused.error_code().code(), 40073, "{refused:?}");
}
