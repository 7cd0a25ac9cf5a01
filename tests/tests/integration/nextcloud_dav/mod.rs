//! The Nextcloud client protocol on `/remote.php/…`: the same tree as `/dav` under the
//! clients' paths, the `oc:`/`nc:` properties, folder ETags that follow changes below, the
//! write headers, and the real desktop clients (nextcloudcmd, owncloudcmd) syncing.

use reqwest::{Method, RequestBuilder};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_tests::{Session, TestServer};

use crate::dav::{password, setup};

mod chunks;
pub(crate) mod clients;
mod etag;
mod paths;
mod props;
mod put;
mod statuses;
mod trash_versions;

pub(crate) const ANN: &str = "ann@example.com";

/// A request to `/remote.php/dav/files/<ann's e-mail><path>` with Basic credentials.
pub(crate) fn nc(server: &TestServer, name: &str, path: &str, pw: &str) -> RequestBuilder {
    at(
        server,
        name,
        &format!("/remote.php/dav/files/{ANN}{path}"),
        pw,
    )
}

/// A request to any `path` as ann.
pub(crate) fn at(server: &TestServer, name: &str, path: &str, pw: &str) -> RequestBuilder {
    server
        .client
        .request(
            Method::from_bytes(name.as_bytes()).unwrap(),
            server.url(path),
        )
        .basic_auth(ANN, Some(pw))
}

/// A server with ann and a WebDAV account on her whole drive; returns its password too.
pub(crate) async fn ann() -> (TestServer, Session, String) {
    let (server, s) = setup().await;
    let pw = password(&server, &s, "cloudreve://my").await;
    (server, s, pw)
}

/// PROPFIND of `path` below ann's files with `depth` and a `prop` list body (`props`, each
/// `<x:name/>` with `d`, `oc` and `nc` bound); returns the status and the body.
pub(crate) async fn propfind(
    server: &TestServer,
    path: &str,
    pw: &str,
    depth: &str,
    props: &str,
) -> (u16, String) {
    let body = format!(
        r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop>{props}</d:prop></d:propfind>"#
    );
    let resp = nc(server, "PROPFIND", path, pw)
        .header("Depth", depth)
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The `response` elements of a multistatus, each as (decoded href, its text).
pub(crate) fn responses(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(":response>") {
        let after = &rest[start + ":response>".len()..];
        let end = after.find(":response>").unwrap_or(after.len());
        let block = &after[..end];
        let href = value(block, "href").unwrap_or_default();
        let href = percent_encoding::percent_decode_str(&href)
            .decode_utf8_lossy()
            .into_owned();
        out.push((href, block.to_owned()));
        rest = &after[(end + ":response>".len()).min(after.len())..];
    }
    out
}

/// The text of the first element named `local` (any prefix) in `xml`: `Some("")` for an
/// empty one. A property listed under 404 counts as absent.
pub(crate) fn value(xml: &str, local: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = xml[from..].find(&format!(":{local}")) {
        let at = from + i;
        from = at + 1;
        let open = xml[..at].rfind('<')?;
        if xml[open + 1..at].contains(['/', ' ', '>']) {
            continue;
        }
        let tag_end = at + xml[at..].find('>')?;
        let name_end = at + 1 + local.len();
        if !matches!(xml.as_bytes()[name_end], b'>' | b' ' | b'/') {
            continue;
        }
        let tail = &xml[tag_end..];
        let found_404 = tail
            .find("</")
            .and_then(|_| tail.find(":status>"))
            .map(|s| tail[s..].starts_with(":status>HTTP/1.1 404"))
            .unwrap_or(false);
        if found_404 {
            return None;
        }
        if xml[..tag_end].ends_with('/') {
            return Some(String::new());
        }
        let close = tail.find("</")?;
        return Some(tail[1..close].to_owned());
    }
    None
}

/// The `getetag` of `path` (Depth 0).
pub(crate) async fn etag(server: &TestServer, path: &str, pw: &str) -> String {
    let (status, body) = propfind(server, path, pw, "0", "<d:getetag/>").await;
    assert_eq!(status, 207, "{body}");
    value(&body, "getetag").unwrap_or_else(|| panic!("no etag in {body}"))
}

/// The database row of ann's `name` (unique in the test).
pub(crate) async fn row(server: &TestServer, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::DeletedAt.is_null())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row {name}"))
}

/// An API call as `s` that must succeed.
pub(crate) async fn api(server: &TestServer, s: &Session, m: Method, path: &str, body: Value) {
    let r = server.send_as(m, path, &s.access_token, &body).await;
    assert_eq!(r["code"], 0, "{path} {body}: {r}");
}

/// Creates folder `uri` through the API.
pub(crate) async fn mkdir(server: &TestServer, s: &Session, uri: &str) {
    api(
        server,
        s,
        Method::POST,
        "/file/create",
        json!({"uri": uri, "type": "folder"}),
    )
    .await;
}
