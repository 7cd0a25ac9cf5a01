//! Signed URLs with a part moved between the path and the query (or dropped, or swapped
//! with another part) are refused, for every kind of URL Stratus signs: content URLs (the
//! owner's, a share's with its one-download record), thumbnails, direct links (signed for
//! ever, or behind `/f/`) and archives.

use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use super::setup;
use crate::{
    archive::{allow_archives, my, update_group, upload},
    share::url_of,
    thumb::png,
};

/// A URL as written: its origin, its path segments (still escaped) and its query pairs
/// (still escaped).
#[derive(Clone)]
struct Parts {
    origin: String,
    segments: Vec<String>,
    query: Vec<(String, String)>,
}

impl Parts {
    fn of(url: &str) -> Self {
        let parsed = Url::parse(url).unwrap();
        let origin = parsed.origin().ascii_serialization();
        let rest = &url[origin.len()..];
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Self {
            origin,
            segments: path.split('/').skip(1).map(str::to_owned).collect(),
            query: query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect(),
        }
    }

    fn url(&self) -> String {
        let mut url = format!("{}/{}", self.origin, self.segments.join("/"));
        if !self.query.is_empty() {
            let pairs: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            url.push('?');
            url.push_str(&pairs.join("&"));
        }
        url
    }

    fn param(&self, key: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn without(&self, keys: &[&str]) -> Self {
        let mut out = self.clone();
        out.query.retain(|(k, _)| !keys.contains(&k.as_str()));
        out
    }

    fn last_segment(&mut self) -> &mut String {
        self.segments.last_mut().unwrap()
    }
}

/// Every content URL `url` can be turned into by moving, dropping or swapping its parts.
fn content_variants(url: &str) -> Vec<String> {
    let parts = Parts::of(url);
    let signed: Vec<&str> = ["share", "once", "sign"]
        .into_iter()
        .filter(|k| parts.param(k).is_some())
        .collect();
    let mut out = Vec::new();
    // One query part folded into the name (`NAME%3Fshare%3DS`), or dropped.
    for key in &signed {
        let value = parts.param(key).unwrap();
        let mut folded = parts.without(&[key]);
        folded
            .last_segment()
            .push_str(&format!("%3F{key}%3D{value}"));
        out.push(folded.url());
        if *key != "sign" {
            out.push(parts.without(&[key]).url());
        }
    }
    // Every part but the signature folded into the name at once.
    let bound: Vec<&str> = signed.iter().copied().filter(|k| *k != "sign").collect();
    if !bound.is_empty() {
        let mut folded = parts.without(&bound);
        let tail: Vec<String> = bound
            .iter()
            .map(|k| format!("{k}%3D{}", parts.param(k).unwrap()))
            .collect();
        folded
            .last_segment()
            .push_str(&format!("%3F{}", tail.join("%26")));
        out.push(folded.url());
    }
    // The share and the one-download record swapped.
    if let (Some(share), Some(once)) = (parts.param("share"), parts.param("once")) {
        let mut swapped = parts.clone();
        for (k, v) in &mut swapped.query {
            match k.as_str() {
                "share" => *v = once.clone(),
                "once" => *v = share.clone(),
                _ => {}
            }
        }
        out.push(swapped.url());
    }
    // Path parts moved: the speed into the name, the name into the query, the entity into
    // the name.
    let n = parts.segments.len();
    let (entity, speed, name) = (
        parts.segments[n - 3].clone(),
        parts.segments[n - 2].clone(),
        parts.segments[n - 1].clone(),
    );
    let mut moved = parts.clone();
    moved.segments[n - 1] = format!("{speed}%2F{name}");
    out.push(moved.url());
    let mut moved = parts.clone();
    moved.segments[n - 1] = "x".to_owned();
    moved.query.insert(0, ("name".to_owned(), name.clone()));
    out.push(moved.url());
    let mut moved = parts.clone();
    moved.segments[n - 3] = format!("{entity}%2F{speed}");
    moved.segments[n - 2] = name.clone();
    moved.segments[n - 1] = name;
    out.push(moved.url());
    out
}

/// Asserts that `url` is refused: a name no file can have (400, 40001), a signature that
/// does not match (403, 40020), or no such route (404).
async fn assert_refused(server: &TestServer, url: &str) {
    let resp = server.client.get(url).send().await.unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or_default();
    let expected = match status {
        StatusCode::BAD_REQUEST => 40001,
        StatusCode::FORBIDDEN => 40020,
        StatusCode::NOT_FOUND => 404,
        other => panic!("{url} answered {other}: {body}"),
    };
    assert_eq!(body["code"], expected, "{url}: {body}");
}

/// Asserts every variant of content URL `url` is refused, and then that `url` itself works.
async fn assert_only_as_signed(server: &TestServer, url: &str) {
    for variant in content_variants(url) {
        assert_refused(server, &variant).await;
    }
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{url}");
}

#[tokio::test]
async fn a_share_folded_into_the_name_does_not_unbind_the_url() {
    let (server, ann) = setup().await;
    upload(&server, &ann, &my("a.txt"), b"shared bytes").await;
    let (id, _) = server.share(&ann, &my("a.txt"), json!({})).await;
    let url = url_of(&server, None, &format!("cloudreve://{id}@share/a.txt")).await;
    let parts = Parts::of(&url);
    let mut folded = parts.without(&["share"]);
    folded
        .last_segment()
        .push_str(&format!("%3Fshare%3D{}", parts.param("share").unwrap()));
    let folded = folded.url();
    assert_refused(&server, &folded).await;

    let deleted = server
        .send_as(
            Method::DELETE,
            &format!("/share/{id}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let resp = server.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 40058, "{body}");
    assert_refused(&server, &folded).await;
}

#[tokio::test]
async fn no_part_of_a_signed_url_can_be_moved() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    upload(&server, &ann, &my("pics/a.png"), &png(64, 32)).await;
    let (limited, _) = server
        .share(&ann, &my("pics"), json!({"downloads": 5}))
        .await;
    let shared = format!("cloudreve://{limited}@share/a.png");

    // The owner's content URL, and a visitor's bound to the share and to one download.
    assert_only_as_signed(
        &server,
        &url_of(&server, Some(&ann), &my("pics/a.png")).await,
    )
    .await;
    let visitor = url_of(&server, None, &shared).await;
    assert!(
        visitor.contains("share=") && visitor.contains("once="),
        "{visitor}"
    );
    assert_only_as_signed(&server, &visitor).await;

    // A thumbnail through the share.
    let thumb: Value = server
        .client
        .get(server.api("/file/thumb"))
        .query(&[("uri", shared.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(thumb["code"], 0, "{thumb}");
    let thumb = thumb["data"]["url"].as_str().unwrap();
    assert!(thumb.contains("share="), "{thumb}");
    assert_only_as_signed(&server, thumb).await;

    // A direct link behind `/f/`, which redirects to a content URL, and one signed for ever.
    let source = |s: &Session| {
        let s = s.clone();
        let server = &server;
        async move {
            let answer = server
                .send_as(
                    Method::PUT,
                    "/file/source",
                    &s.access_token,
                    &json!({"uris": [my("pics/a.png")]}),
                )
                .await;
            assert_eq!(answer["code"], 0, "{answer}");
            answer["data"][0]["link"].as_str().unwrap().to_owned()
        }
    };
    let link = source(&ann).await;
    let resp = server.client.get(&link).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap();
    assert_only_as_signed(&server, &server.url(location)).await;
    update_group(&server, |g| g.settings["redirected_source"] = json!(false)).await;
    assert_only_as_signed(&server, &source(&ann).await).await;

    // An archive: its session id and its signature.
    let answer = server
        .send_as(
            Method::POST,
            "/file/url",
            &ann.access_token,
            &json!({"uris": [my("pics")], "archive": true}),
        )
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let archive = answer["data"]["urls"][0]["url"].as_str().unwrap();
    let parts = Parts::of(archive);
    let session = parts.segments[4].clone();
    let sign = parts.param("sign").unwrap();
    let mut folded = parts.without(&["sign"]);
    folded.segments[5] = format!("archive.zip%3Fsign%3D{sign}");
    let mut moved = parts.clone();
    moved.segments[4] = uuid::Uuid::new_v4().to_string();
    moved
        .query
        .insert(0, ("session".to_owned(), session.clone()));
    let mut nested = parts.clone();
    nested.segments[4] = format!("{session}%2Farchive.zip%3Fsign%3D{sign}");
    for variant in [folded, moved, nested] {
        assert_refused(&server, &variant.url()).await;
    }
    let resp = server.client.get(archive).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}
