//! Share links: managing them (`/share`), visiting them through the file routes with a share
//! URI as an anonymous or signed-in visitor, their validity, counters, saved shares and the
//! password throttle. `/file/thumb` on shares is covered with the thumbnail routes.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, envelope};

use crate::download::put_file;

mod abuse;
mod additions;
mod browse;
mod limits;
mod listing;
mod manage;
mod og;
mod saved;
mod siblings;
mod uploads;
mod versions;

const PW: &str = "password123";

/// A server with Ann (the owner) and Bob (another user).
async fn setup() -> (TestServer, Session, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    (server, ann, bob)
}

/// Ann's tree: `Docs/a.txt` (bytes `A`), `Docs/Sub/b.txt` (bytes `B`), `top.txt` beside it.
const A: &[u8] = b"alpha bytes of a.txt";
const B: &[u8] = b"bravo bytes of b.txt";

async fn make_tree(server: &TestServer, s: &Session) {
    for (name, bytes, dst) in [
        ("a.txt", A, "cloudreve://my/Docs"),
        ("b.txt", B, "cloudreve://my/Docs/Sub"),
    ] {
        let made = send(
            server,
            s,
            Method::POST,
            "/file/create",
            json!({"uri": dst, "type": "folder"}),
        )
        .await;
        assert_eq!(made["code"], 0, "{made}");
        put_file(server, s, name, bytes).await;
        let moved = send(
            server,
            s,
            Method::POST,
            "/file/move",
            json!({"uris": [format!("cloudreve://my/{name}")], "dst": dst}),
        )
        .await;
        assert_eq!(moved["code"], 0, "{moved}");
    }
    put_file(server, s, "top.txt", b"not shared").await;
}

async fn send(server: &TestServer, s: &Session, method: Method, path: &str, body: Value) -> Value {
    server.send_as(method, path, &s.access_token, &body).await
}

/// `PUT /share`; returns the envelope.
async fn create_share(server: &TestServer, s: &Session, body: Value) -> Value {
    send(server, s, Method::PUT, "/share", body).await
}

fn share_db_id(server: &TestServer, id: &str) -> i64 {
    server.state.ids.decode(id, IdKind::Share).unwrap()
}

/// `GET` an API path anonymously, with query pairs.
async fn anon_get(server: &TestServer, path: &str, query: &[(&str, &str)]) -> Value {
    envelope(
        server
            .client
            .get(server.api(path))
            .query(query)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// `GET` an API path as `s` (or anonymously), with query pairs.
async fn get_q(server: &TestServer, s: Option<&Session>, path: &str, q: &[(&str, &str)]) -> Value {
    match s {
        None => anon_get(server, path, q).await,
        Some(s) => {
            envelope(
                server
                    .request_as(Method::GET, path, &s.access_token)
                    .query(q)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    }
}

/// Lists a folder through `GET /file`.
async fn list(server: &TestServer, s: Option<&Session>, uri: &str) -> Value {
    get_q(server, s, "/file", &[("uri", uri)]).await
}

fn names(listing: &Value) -> Vec<String> {
    let mut names: Vec<String> = listing["data"]["files"]
        .as_array()
        .unwrap_or_else(|| panic!("no files: {listing}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// `POST /file/url` as `s` (or anonymously).
async fn file_url(server: &TestServer, s: Option<&Session>, uris: &[&str]) -> Value {
    let body = json!({"uris": uris, "download": true});
    let req = match s {
        None => server.client.post(server.api("/file/url")),
        Some(s) => server.request_as(Method::POST, "/file/url", &s.access_token),
    };
    envelope(req.json(&body).send().await.unwrap()).await
}

/// The one URL `POST /file/url` hands out for `uri`, as `s` (or anonymously).
pub(crate) async fn url_of(server: &TestServer, s: Option<&Session>, uri: &str) -> String {
    let answer = file_url(server, s, &[uri]).await;
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"]["urls"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Downloads `uri` through a share: signs the URL, fetches it, returns the bytes.
async fn download(server: &TestServer, s: Option<&Session>, uri: &str) -> Vec<u8> {
    let url = url_of(server, s, uri).await;
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.bytes().await.unwrap().to_vec()
}

/// `GET /share/info/:id` with query pairs, as `s` or anonymously.
async fn info(server: &TestServer, s: Option<&Session>, id: &str, q: &[(&str, &str)]) -> Value {
    get_q(server, s, &format!("/share/info/{id}"), q).await
}
