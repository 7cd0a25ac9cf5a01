//! Random `cloudreve://` URIs and names on the file routes: listing, creating, renaming.
//! Never a 5xx, and whatever was created has a plain name inside the caller's own tree.

use proptest::prelude::*;
use reqwest::Method;
use serde_json::json;
use stratus_tests::{TestServer, query_escape};

use super::{no_server_error, run_cases};
use crate::admin::PW;

fn uri() -> impl Strategy<Value = String> {
    let long: &'static str = "x".repeat(300).leak();
    let piece = vec![
        "cloudreve://",
        "my",
        "share",
        "trash",
        "shared_with_me",
        "snapshot",
        "/",
        "..",
        ".",
        "%2e%2e",
        "%2f",
        "%00",
        "%",
        "%ff",
        "a",
        "é",
        "?",
        "&",
        "=",
        "name=x",
        "type=file",
        "size_gte=9999999999999999999999",
        "@",
        ":",
        "#",
        "\\",
        long,
    ];
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(piece), 0..10).prop_map(|v| v.concat()),
        "\\PC{0,40}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    let piece = &[
        "..", ".", "/", "\\", "\0", "\n", "a", "é", ":", "*", "\u{202E}", " ",
    ][..];
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(piece), 0..6).prop_map(|v| v.concat()),
        "\\PC{0,300}",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_uris_and_names_never_fail_the_server() {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    let (server, a): (&TestServer, _) = (&server, &a);
    run_cases(96, (uri(), name()), |(uri, name)| async move {
        let path = format!("/file?uri={}", query_escape(&uri));
        let listed = server
            .request_as(Method::GET, &path, &a.access_token)
            .send()
            .await
            .unwrap();
        no_server_error(listed.status().as_u16(), &uri)?;
        let created = server
            .request_as(Method::POST, "/file/create", &a.access_token)
            .json(&json!({"uri": format!("cloudreve://my/{}", name), "type": "folder"}))
            .send()
            .await
            .unwrap();
        no_server_error(created.status().as_u16(), &name)?;
        let renamed = server
            .request_as(Method::POST, "/file/rename", &a.access_token)
            .json(&json!({"uri": uri, "new_name": name}))
            .send()
            .await
            .unwrap();
        no_server_error(renamed.status().as_u16(), &format!("{uri} -> {name}"))?;
        Ok(())
    });
    for name in server.names_in(a, "cloudreve://my").await {
        assert!(
            stratus_server::fs::uri::validate_name(&name).is_ok(),
            "{name:?} was created"
        );
    }
}
