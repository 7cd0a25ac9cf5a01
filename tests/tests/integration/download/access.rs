//! Who may get and use a content URL: signatures (tampered, missing, for another path,
//! expired) and other users' files.

use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use stratus_server::{auth::sign, download::link};

use super::{PW, file_url, get, put_file, setup, url_of};
use stratus_tests::TestServer;
/// `url` with its `sign` query parameter replaced.
fn with_sign(url: &str, sign: &str) -> String {
    let mut url = Url::parse(url).unwrap();
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "sign")
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair("sign", sign);
    url.to_string()
}

/// What the signature of content URL `url` covers, read back from the URL.
pub(crate) fn subject_of(url: &str) -> String {
    let url = Url::parse(url).unwrap();
    let segments: Vec<String> = url
        .path_segments()
        .unwrap()
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .collect();
    let [.., id, speed, name] = segments.as_slice() else {
        panic!("not a content URL: {url}");
    };
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    link::content_subject(
        id,
        speed,
        name,
        param("share").as_deref(),
        param("once").as_deref(),
    )
}

pub(crate) fn sign_of(url: &str) -> String {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "sign")
        .unwrap()
        .1
        .into_owned()
}

async fn refused(server: &TestServer, url: &str) -> (StatusCode, Value) {
    let resp = get(server, url, &[]).await;
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn bad_missing_foreign_and_expired_signatures_are_refused() {
    let (server, ann) = setup().await;
    put_file(&server, &ann, "a.txt", b"aaa").await;
    put_file(&server, &ann, "b.txt", b"bbb").await;
    let a = url_of(&server, &ann, "cloudreve://my/a.txt").await;
    let b = url_of(&server, &ann, "cloudreve://my/b.txt").await;

    let sig = sign_of(&a);
    let mut tampered: Vec<char> = sig.chars().collect();
    tampered[3] = if tampered[3] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    for bad in [
        with_sign(&a, &tampered),
        with_sign(&b, &sig),
        with_sign(&a, ""),
        with_sign(&a, "x"),
    ] {
        let (status, body) = refused(&server, &bad).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{bad}");
        assert_eq!(body["code"], 40020, "{body}");
    }
    let no_sign = a.split_once('?').unwrap().0;
    assert_eq!(refused(&server, no_sign).await.0, StatusCode::FORBIDDEN);

    // A correct MAC whose expiry has passed.
    let key = server.state.settings.get("secret_key").await.unwrap();
    let subject = subject_of(&a);
    let old = sign::sign(key.as_bytes(), &subject, chrono::Utc::now().timestamp() - 5);
    let (status, body) = refused(&server, &with_sign(&a, &old)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], 40005, "{body}");
    // The same subject signed for the future works, so only the expiry was wrong.
    let fresh = sign::sign(
        key.as_bytes(),
        &subject,
        chrono::Utc::now().timestamp() + 60,
    );
    assert_eq!(
        get(&server, &with_sign(&a, &fresh), &[]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn other_users_cannot_get_urls_and_folders_have_none() {
    let (server, ann) = setup().await;
    put_file(&server, &ann, "secret.txt", b"mine").await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let own = file_url(
        &server,
        &bob,
        json!({"uris": ["cloudreve://my/secret.txt"]}),
    )
    .await;
    assert_eq!(own["code"], 404, "{own}");
    let ann_id = ann.user["id"].as_str().unwrap();
    let foreign = format!("cloudreve://{ann_id}@my/secret.txt");
    let answer = file_url(&server, &bob, json!({"uris": [foreign]})).await;
    // Without a grant, as if nothing were there.
    assert_eq!(answer["code"], 404, "{answer}");
    let anon = server
        .send_api(
            Method::POST,
            "/file/url",
            r#"{"uris":["cloudreve://my/secret.txt"]}"#,
        )
        .await;
    assert_eq!(anon.1["code"], 401, "{anon:?}");

    let folder = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/dir", "type": "folder"}),
        )
        .await;
    assert_eq!(folder["code"], 0);
    let answer = file_url(&server, &ann, json!({"uris": ["cloudreve://my/dir"]})).await;
    assert_eq!(answer["code"], 40077, "{answer}");
}
