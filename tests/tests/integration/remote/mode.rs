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
