//! `POST /admin/tool/thumbExecutable`: the executable's version, or a clear error.

use reqwest::Method;
use serde_json::json;

use super::{TestServer, setup};

async fn check(
    server: &TestServer,
    token: &str,
    name: &str,
    executable: &str,
) -> serde_json::Value {
    server
        .send_as(
            Method::POST,
            "/admin/tool/thumbExecutable",
            token,
            &json!({"name": name, "executable": executable}),
        )
        .await
}

#[tokio::test]
async fn the_check_answers_the_version_or_why_the_tool_cannot_run() {
    let (server, ann) = setup().await;
    stratus_server::users::create(&server.state.db, "boss@example.com", super::PW, 1)
        .await
        .unwrap();
    let boss = server.login("boss@example.com", super::PW).await;
    let t = &boss.access_token;

    let ffmpeg = check(&server, t, "ffmpeg", "ffmpeg").await;
    assert_eq!(ffmpeg["code"], 0, "{ffmpeg}");
    assert!(
        ffmpeg["data"]
            .as_str()
            .unwrap()
            .starts_with("ffmpeg version"),
        "{ffmpeg}"
    );
    let vips = check(&server, t, "vips", "vips").await;
    assert!(
        vips["data"].as_str().unwrap().starts_with("vips-"),
        "{vips}"
    );
    let poppler = check(&server, t, "poppler", "pdftoppm").await;
    assert!(
        poppler["data"].as_str().unwrap().contains("pdftoppm"),
        "{poppler}"
    );
    let ffprobe = check(&server, t, "ffprobe", "ffprobe").await;
    assert!(
        ffprobe["data"]
            .as_str()
            .unwrap()
            .starts_with("ffprobe version"),
        "{ffprobe}"
    );

    let missing = check(&server, t, "libreOffice", "/opt/none/soffice").await;
    assert_eq!(missing["code"], 40001, "{missing}");
    let msg = missing["msg"].as_str().unwrap();
    assert!(
        msg.contains("not found") && msg.contains("/opt/none/soffice"),
        "{msg}"
    );
    let unknown = check(&server, t, "sh", "/bin/sh").await;
    assert_eq!(unknown["code"], 40001, "{unknown}");
    let empty = check(&server, t, "ffmpeg", " ").await;
    assert_eq!(empty["code"], 40001, "{empty}");

    // Only administrators may run it.
    let member = check(&server, &ann.access_token, "ffmpeg", "ffmpeg").await;
    assert_ne!(member["code"], 0, "{member}");
}
