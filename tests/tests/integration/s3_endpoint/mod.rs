//! The S3 endpoint: keys (`/devices/s3`), then boto3, rclone and restic against the endpoint,
//! and the drive's rules (confinement, quota, the other ways in) through it.

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use crate::dav::set_group_bits;

mod boto3;
mod clients;
mod drive;
mod keys;
mod listener;

const PW: &str = "password123";

/// A server with the S3 endpoint on a free loopback port, whose User group may have keys.
pub(crate) async fn start() -> TestServer {
    let server =
        TestServer::start_with(|c| c.s3.listen = Some("127.0.0.1:0".parse().unwrap())).await;
    set_group_bits(&server, 2, &[(group_perm::S3, true)]).await;
    server
}

/// The endpoint's URL.
pub(crate) fn endpoint(server: &TestServer) -> String {
    let addr = stratus_server::s3::bound_addr(&server.state).expect("the S3 endpoint listens");
    format!("http://{addr}")
}

/// A new user `email`, signed in.
pub(crate) async fn user(server: &TestServer, email: &str) -> Session {
    server.create_user(email, PW).await;
    server.login(email, PW).await
}

/// Makes the folder `uri` (and its parents).
pub(crate) async fn mkdir(server: &TestServer, s: &Session, uri: &str) {
    let made = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": "folder"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
}

/// An S3 key of `s` for the folder `uri`; answers the whole `data` of the answer.
pub(crate) async fn key(server: &TestServer, s: &Session, uri: &str, readonly: bool) -> Value {
    let body = json!({"uri": uri, "name": "test key", "readonly": readonly});
    let made = server
        .send_as(Method::PUT, "/devices/s3", &s.access_token, &body)
        .await;
    assert_eq!(made["code"], 0, "{made}");
    made["data"].clone()
}

/// `(access key id, secret)` of a key answer.
pub(crate) fn creds(key: &Value) -> (String, String) {
    (
        key["access_key_id"].as_str().unwrap().to_owned(),
        key["secret_access_key"].as_str().unwrap().to_owned(),
    )
}

/// Runs case `case` of `cases.py` with boto3 as the key `creds`; fails the test with its
/// output when an assertion of the case fails.
pub(crate) async fn boto3(endpoint: &str, creds: &(String, String), case: &str, args: &[&str]) {
    let python = std::env::var("STRATUS_BOTO3_PYTHON").unwrap_or_else(|_| "python3".into());
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/s3_endpoint/cases.py");
    let run = tokio::process::Command::new(&python)
        .arg(&script)
        .args([endpoint, &creds.0, &creds.1, case])
        .args(args)
        .env_remove("AWS_CA_BUNDLE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(180), run)
        .await
        .expect("the boto3 case ends within 3 minutes")
        .unwrap_or_else(|e| panic!("{python} runs (boto3 installed?): {e}"));
    assert!(
        out.status.success() && out.stdout.ends_with(b"ok\n"),
        "boto3 case {case} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
