//! The limits of a credential applied by the file system itself (`fs::reach`), on the routes
//! whose edge did not check them: a credential the guard against mass deletion stopped makes
//! no share link, through OCS or the API, while it still reads.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use crate::dav::{dav, password, set_group_bits};

mod stopped;

const ANN: &str = "ann@example.com";
const PW: &str = "password123";

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

/// A server whose User group may use WebDAV, the guard's threshold at 5 changes, `ann` signed
/// in with `/keep/in.txt`.
async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    limit(&server, 5).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    server
        .upload(&ann, "cloudreve://my/keep/in.txt", b"in", json!({}))
        .await;
    (server, ann)
}

/// The password of a WebDAV account of ann's over her whole drive, which the guard stopped:
/// it deleted files of `/x` until refused.
async fn stopped_device(server: &TestServer, ann: &Session) -> String {
    let pw = password(server, ann, "cloudreve://my").await;
    for i in 0..8 {
        let uri = format!("cloudreve://my/x/{i}.txt");
        server.upload(ann, &uri, b"hello", json!({})).await;
    }
    let mut codes = Vec::new();
    for i in 0..8 {
        let path = format!("/x/{i}.txt");
        let resp = dav(server, "DELETE", &path, ANN, &pw).send().await.unwrap();
        codes.push(resp.status().as_u16());
    }
    assert_eq!(codes.iter().filter(|s| **s == 204).count(), 5, "{codes:?}");
    let listed = server.get_as("/guard/incident", &ann.access_token).await;
    assert_eq!(listed["data"]["incidents"][0]["state"], "open", "{listed}");
    pw
}

/// An OCS share request as ann with `pw`: the HTTP status and the JSON body.
async fn ocs(server: &TestServer, method: Method, pw: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let mut req = server
        .client
        .request(
            method,
            server.url("/ocs/v2.php/apps/files_sharing/api/v1/shares"),
        )
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .basic_auth(ANN, Some(pw));
    if !form.is_empty() {
        req = req.form(form);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}
