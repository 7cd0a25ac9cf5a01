//! Sharing with people: grants of a folder or a file to a user or a group (`PUT` / `GET
//! /file/permission`), what a recipient may do at `cloudreve://<owner>@my/…` (read, write,
//! nothing), `shared_with_me`, revocation, and the statements a listing costs.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer, query_escape};

use crate::download::put_file;

mod admin;
mod authors;
mod counts;
mod dav;
mod group;
mod mail;
mod manage;
mod nextcloud;
mod read;
mod revoke;
mod siblings;
mod upload;
mod write;

const PW: &str = "password123";
/// The bytes of `Team/a.txt`.
const A: &[u8] = b"alpha bytes in the team folder";

/// Ann (the owner), Bob (the recipient) and Carol (a third user), signed in.
struct People {
    server: TestServer,
    ann: Session,
    bob: Session,
    carol: Session,
}

impl People {
    fn id(s: &Session) -> String {
        s.user["id"].as_str().unwrap().to_owned()
    }

    /// `cloudreve://<ann>@my/<path>`: Ann's tree as a recipient addresses it.
    fn anns(&self, path: &str) -> String {
        let ann = Self::id(&self.ann);
        match path {
            "" => format!("cloudreve://{ann}@my"),
            _ => format!("cloudreve://{ann}@my/{path}"),
        }
    }
}

/// The three users, and Ann's tree: `Team/a.txt`, `Team/Sub/b.txt`, `Private/p.txt`.
async fn setup() -> People {
    let server = TestServer::start().await;
    for who in ["ann", "bob", "carol"] {
        server.create_user(&format!("{who}@example.com"), PW).await;
    }
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let carol = server.login("carol@example.com", PW).await;
    let people = People {
        server,
        ann,
        bob,
        carol,
    };
    let (server, ann) = (&people.server, &people.ann);
    for folder in ["Team/Sub", "Private"] {
        let made = send(
            server,
            ann,
            Method::POST,
            "/file/create",
            json!({"uri": format!("cloudreve://my/{folder}"), "type": "folder"}),
        )
        .await;
        assert_eq!(made["code"], 0, "{made}");
    }
    for (name, bytes, dst) in [
        ("a.txt", A, "Team"),
        ("b.txt", &b"bravo"[..], "Team/Sub"),
        ("p.txt", &b"private"[..], "Private"),
    ] {
        put_file(server, ann, name, bytes).await;
        let moved = send(
            server,
            ann,
            Method::POST,
            "/file/move",
            json!({"uris": [format!("cloudreve://my/{name}")], "dst": format!("cloudreve://my/{dst}")}),
        )
        .await;
        assert_eq!(moved["code"], 0, "{moved}");
    }
    people
}

async fn send(server: &TestServer, s: &Session, method: Method, path: &str, body: Value) -> Value {
    server.send_as(method, path, &s.access_token, &body).await
}

/// `PUT /file/permission` as `s`; the envelope.
async fn set_grants(
    server: &TestServer,
    s: &Session,
    uri: &str,
    users: Value,
    groups: Value,
) -> Value {
    send(
        server,
        s,
        Method::PUT,
        "/file/permission",
        json!({"uri": uri, "users": users, "groups": groups}),
    )
    .await
}

/// Ann gives `who` `access` to her `path`; asserts it worked.
async fn ann_grants(p: &People, path: &str, who: &Session, access: &str) {
    let body = set_grants(
        &p.server,
        &p.ann,
        &format!("cloudreve://my/{path}"),
        json!({ People::id(who): access }),
        json!({}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
}

/// `GET /file?uri=` as `s`; the envelope.
async fn list(server: &TestServer, s: &Session, uri: &str) -> Value {
    server
        .get_as(
            &format!("/file?uri={}&page_size=1000", query_escape(uri)),
            &s.access_token,
        )
        .await
}

/// The names listed in `uri` as `s`, sorted; asserts the listing worked.
async fn names(server: &TestServer, s: &Session, uri: &str) -> Vec<String> {
    server.names_in(s, uri).await
}

/// `POST /file/url` for `uri` as `s`; the envelope.
async fn url_of(server: &TestServer, s: &Session, uri: &str) -> Value {
    send(server, s, Method::POST, "/file/url", json!({"uris": [uri]})).await
}
