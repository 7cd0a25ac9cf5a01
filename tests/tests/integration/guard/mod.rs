//! The guard against mass deletion and ransomware (`server/src/guard/`): a credential that
//! deletes or overwrites too much in a burst is stopped with a clear answer, its incident is
//! listed to its owner, and one undo brings everything back.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use crate::dav::{dav, password, set_group_bits};

mod access;
mod console;
mod nextcloud;
mod oauth;
mod purge;
mod s3;
mod told;
mod webdav;

const ANN: &str = "ann@example.com";
const PW: &str = "password123";
/// Requests in flight at once when a test makes many files.
const PARALLEL: usize = 8;

/// A server whose User group may use WebDAV, with the guard's threshold at `burst` changes
/// per ten minutes, and `ann` signed in.
async fn setup(burst: u32) -> (TestServer, Session) {
    let server = TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    limit(&server, burst).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    (server, ann)
}

/// Sets the guard's threshold to `burst` changes per ten minutes.
async fn limit(server: &TestServer, burst: u32) {
    server
        .state
        .settings
        .set(&[
            ("guard_burst_files", &burst.to_string()),
            ("guard_burst_seconds", "600"),
        ])
        .await
        .unwrap();
}

/// PUTs `files` (path, bytes) through WebDAV, a few at once; each answer must be `ok`.
async fn put_all(server: &TestServer, pw: &str, files: Vec<(String, Vec<u8>)>, ok: &[u16]) {
    let statuses: Vec<(String, u16)> = stream::iter(files)
        .map(|(path, bytes)| async move {
            let resp = dav(server, "PUT", &path, ANN, pw)
                .body(bytes)
                .send()
                .await
                .unwrap();
            (path, resp.status().as_u16())
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (path, status) in statuses {
        assert!(ok.contains(&status), "PUT {path}: {status}");
    }
}

/// The answers of WebDAV `method` on each path, in order, one after another.
async fn each(server: &TestServer, pw: &str, method: &str, paths: &[String]) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for path in paths {
        let resp = dav(server, method, path, ANN, pw).send().await.unwrap();
        out.push((resp.status().as_u16(), resp.text().await.unwrap()));
    }
    out
}

/// `GET /guard/incident` as `s`.
async fn incidents(server: &TestServer, s: &Session) -> Vec<Value> {
    let listed = server.get_as("/guard/incident", &s.access_token).await;
    assert_eq!(listed["code"], 0, "{listed}");
    listed["data"]["incidents"].as_array().unwrap().clone()
}

/// Asks for the undo of incident `id` as `s` and waits until it is `undone`; answers the
/// incident then.
async fn undo(server: &TestServer, s: &Session, id: i64) -> Value {
    let started = server
        .send_as(
            Method::POST,
            &format!("/guard/incident/{id}/undo"),
            &s.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(started["code"], 0, "{started}");
    assert!(started["data"]["task_id"].is_string(), "{started}");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let got = server
            .get_as(&format!("/guard/incident/{id}"), &s.access_token)
            .await;
        assert_eq!(got["code"], 0, "{got}");
        if got["data"]["state"] == "undone" {
            return got["data"].clone();
        }
        assert!(Instant::now() < deadline, "undo did not end: {got}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
