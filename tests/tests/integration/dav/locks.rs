//! WebDAV locks live in the database lock table: they hold against the API, and API locks
//! (upload sessions) hold against WebDAV.

use reqwest::Method;
use serde_json::json;
use stratus_server::ids::IdKind;

use super::{dav, password, setup};

const ANN: &str = "ann@example.com";

const LOCKINFO: &str = r#"<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>tester</D:owner></D:lockinfo>"#;

fn upload_body(server: &stratus_tests::TestServer, uri: &str) -> serde_json::Value {
    json!({"uri": uri, "size": 3, "policy_id": server.state.ids.encode(1, IdKind::Policy)})
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
    let up = server
        .send_as(
            Method::PUT,
            "/file/upload",
            t,
            &upload_body(&server, "cloudreve://my/dir/new.txt"),
        )
        .await;
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
    let up = server
        .send_as(
            Method::PUT,
            "/file/upload",
            t,
            &upload_body(&server, "cloudreve://my/dir/new.txt"),
        )
        .await;
    assert_eq!(up["code"], 0, "{up}");
}

#[tokio::test]
async fn an_api_upload_blocks_webdav_writes_to_its_path() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let up = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &upload_body(&server, "cloudreve://my/up.txt"),
        )
        .await;
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
