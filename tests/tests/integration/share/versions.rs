//! Versions of a shared file: visitors of the share (anonymous or signed in) see and get
//! only the current one; its owner sees them all, through the share as in their own files.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer, envelope, query_escape};

use super::{get_q, setup};
use crate::download::put_file;

const ORIGINAL: &[u8] = b"the original, with the secret";
const REDACTED: &[u8] = b"the redacted one";

/// `GET /file/info?extended=true` for `uri`, as `s` or anonymously.
async fn extended(server: &TestServer, s: Option<&Session>, uri: &str) -> Value {
    let answer = get_q(
        server,
        s,
        "/file/info",
        &[("uri", uri), ("extended", "true")],
    )
    .await;
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"].clone()
}

fn entity_ids(data: &Value) -> Vec<String> {
    data["extended_info"]["entities"]
        .as_array()
        .unwrap_or_else(|| panic!("no entities: {data}"))
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `POST /file/url` for `uri` with `extra` fields, as `s` or anonymously.
async fn url_answer(server: &TestServer, s: Option<&Session>, uri: &str, extra: Value) -> Value {
    let mut body = json!({"uris": [uri]});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let req = match s {
        None => server.client.post(server.api("/file/url")),
        Some(s) => server.request_as(Method::POST, "/file/url", &s.access_token),
    };
    envelope(req.json(&body).send().await.unwrap()).await
}

/// The bytes behind a `POST /file/url` answer.
async fn bytes_of(server: &TestServer, answer: &Value) -> Vec<u8> {
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn visitors_see_and_get_only_the_current_version() {
    let (server, ann, bob) = setup().await;
    put_file(&server, &ann, "a.txt", ORIGINAL).await;
    let path = format!("/file/content?uri={}", query_escape("cloudreve://my/a.txt"));
    let resp = server
        .request_as(Method::PUT, &path, &ann.access_token)
        .body(REDACTED.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 0);
    let mine = extended(&server, Some(&ann), "cloudreve://my/a.txt").await;
    let current = mine["primary_entity"].as_str().unwrap().to_owned();
    let all = entity_ids(&mine);
    assert_eq!(all.len(), 2, "{mine}");
    let old = all.iter().find(|id| **id != current).unwrap().clone();

    let (id, _) = server.share(&ann, "cloudreve://my/a.txt", json!({})).await;
    let shared = format!("cloudreve://{id}@share/a.txt");
    for visitor in [None, Some(&bob)] {
        let seen = extended(&server, visitor, &shared).await;
        assert_eq!(entity_ids(&seen), std::slice::from_ref(&current), "{seen}");
        assert_eq!(
            seen["extended_info"]["storage_used"],
            REDACTED.len(),
            "{seen}"
        );
        let refused = url_answer(&server, visitor, &shared, json!({"entity": old})).await;
        assert_eq!(refused["code"], 40082, "{refused}");
        // The official client names the current version when previewing a shared file.
        let named = url_answer(&server, visitor, &shared, json!({"entity": current})).await;
        assert_eq!(bytes_of(&server, &named).await, REDACTED);
        let plain = url_answer(&server, visitor, &shared, json!({})).await;
        assert_eq!(bytes_of(&server, &plain).await, REDACTED);
    }

    // The owner, through the share, still sees and gets every version.
    let own = extended(&server, Some(&ann), &shared).await;
    assert_eq!(entity_ids(&own).len(), 2, "{own}");
    let original = url_answer(&server, Some(&ann), &shared, json!({"entity": old})).await;
    assert_eq!(bytes_of(&server, &original).await, ORIGINAL);
}

#[tokio::test]
async fn visitors_cannot_list_an_old_version_of_a_shared_archive() {
    use crate::workflow::extract::listing::{listing, zip_of};
    let (server, ann, bob) = setup().await;
    // Listing archives needs group bit 5 (Cloudreve 4.7).
    crate::workflow::extract::allow(&server, true).await;
    let old_zip = zip_of(&[("secret.txt", ORIGINAL)]);
    crate::archive::upload(&server, &ann, "cloudreve://my/a.zip", &old_zip).await;
    let path = format!("/file/content?uri={}", query_escape("cloudreve://my/a.zip"));
    let resp = server
        .request_as(Method::PUT, &path, &ann.access_token)
        .body(zip_of(&[("redacted.txt", REDACTED)]))
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 0);
    let mine = extended(&server, Some(&ann), "cloudreve://my/a.zip").await;
    let current = mine["primary_entity"].as_str().unwrap().to_owned();
    let old = entity_ids(&mine)
        .into_iter()
        .find(|id| *id != current)
        .unwrap();

    let (id, _) = server.share(&ann, "cloudreve://my/a.zip", json!({})).await;
    let shared = format!("cloudreve://{id}@share/a.zip");
    let refused = listing(&server, &bob, &shared, &format!("&entity={old}")).await;
    assert_eq!(refused["code"], 40082, "{refused}");
    let plain = listing(&server, &bob, &shared, "").await;
    assert_eq!(
        plain["data"]["files"][0]["name"], "/redacted.txt",
        "{plain}"
    );
    // The owner, through the share, still lists every version.
    let own = listing(&server, &ann, &shared, &format!("&entity={old}")).await;
    assert_eq!(own["data"]["files"][0]["name"], "/secret.txt", "{own}");
}
