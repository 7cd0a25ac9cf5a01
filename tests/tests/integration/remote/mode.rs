//! `stratus serve --mode slave`: refused at start without a node secret of 64 characters or
//! more; a slave serves the slave routes and nothing of the drive.

use stratus_server::cli;

use super::*;

#[tokio::test]
async fn a_slave_will_not_start_with_a_short_or_missing_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("stratus.toml");
    let start = |config: std::path::PathBuf| {
        let data = data.clone();
        async move {
            cli::run_async([
                "stratus".to_owned(),
                "--config".to_owned(),
                config.to_string_lossy().into_owned(),
                "--data-dir".to_owned(),
                data.to_string_lossy().into_owned(),
                "--listen".to_owned(),
                "127.0.0.1:0".to_owned(),
                "serve".to_owned(),
                "--mode".to_owned(),
                "slave".to_owned(),
            ])
            .await
        }
    };
    std::fs::write(&config, format!("slave_secret = \"{}\"\n", "s".repeat(63))).unwrap();
    let err = start(config.clone()).await.unwrap_err();
    assert!(err.to_string().contains("at least 64"), "{err:#}");
    std::fs::write(&config, "mode = \"slave\"\n").unwrap();
    let err = start(config.clone()).await.unwrap_err();
    assert!(err.to_string().contains("node secret"), "{err:#}");
    assert!(!data.join("stratus.db").exists(), "a slave has no database");
}

#[tokio::test]
async fn a_slave_serves_no_drive_routes() {
    let slave = SlaveNode::start().await;
    let client = reqwest::Client::new();
    for path in [
        "/api/v4/site/ping",
        "/api/v4/file?uri=cloudreve%3A%2F%2Fmy",
        "/",
    ] {
        let resp = client
            .get(format!("{}{path}", slave.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
}

/// Opens an upload session on the node as the master does.
async fn open_on_node(slave: &SlaveNode, id: &str, key: &str, expires: i64) {
    use stratus_server::storage::remote::protocol;
    let body = json!({"session": {"id": id, "key": key, "size": 10, "chunk_size": 10,
                                  "expires": expires}, "overwrite": true})
    .to_string();
    let path = format!("{}/upload", protocol::PREFIX);
    let auth = protocol::authorization_now(slave.secret.as_bytes(), &path, &[], &body);
    let resp = reqwest::Client::new()
        .put(format!("{}{path}", slave.base))
        .header("authorization", auth)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(resp).await["code"], 0);
}

#[tokio::test]
async fn a_slave_drops_upload_sessions_past_their_expiry() {
    let slave = SlaveNode::start().await;
    let now = chrono::Utc::now().timestamp();
    open_on_node(&slave, "old", "a/old.bin", now - 1).await;
    assert_eq!(
        slave.files().len(),
        1,
        "the partial file: {:?}",
        slave.files()
    );
    open_on_node(&slave, "new", "a/new.bin", now + 600).await;
    let files = slave.files();
    assert_eq!(files.len(), 1, "only the new partial file: {files:?}");
    let sessions = slave.uploads.parent().unwrap().join("slave-sessions");
    assert!(!sessions.join("old.json").exists());
    assert!(sessions.join("new.json").exists());
}

#[tokio::test]
async fn browsers_may_send_chunks_to_the_node_from_any_site() {
    let slave = SlaveNode::start().await;
    let resp = reqwest::Client::new()
        .request(
            Method::OPTIONS,
            format!("{}/api/v4/slave/upload/abc", slave.base),
        )
        .header("origin", "https://drive.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let allowed = resp.headers()["access-control-allow-origin"]
        .to_str()
        .unwrap();
    assert!(
        allowed == "*" || allowed == "https://drive.example",
        "{allowed}"
    );
}
