//! The change journal (`fs_changes`) as every writer fills it: one change per item an
//! operation names, in the operation's own transaction, nothing for a refused operation.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use stratus_entity::fs_change::{self, kind};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod api;
mod dav;
mod stream;
mod tasks;

const PW: &str = "password123";

/// One journal row, as the tests compare it: kind, from, to, whether a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    kind: i16,
    from: String,
    to: Option<String>,
    folder: bool,
    file_id: i64,
}

/// Shorthand for an expected row without its file id.
fn row(
    kind: i16,
    from: &str,
    to: Option<&str>,
    folder: bool,
) -> (i16, String, Option<String>, bool) {
    (kind, from.to_owned(), to.map(str::to_owned), folder)
}

fn shapes(seen: &[Seen]) -> Vec<(i16, String, Option<String>, bool)> {
    seen.iter()
        .map(|s| (s.kind, s.from.clone(), s.to.clone(), s.folder))
        .collect()
}

/// Reads the journal past the id `after`, tracking where it ended.
struct Journal {
    owner: i64,
    after: i64,
}

impl Journal {
    async fn of(server: &TestServer, owner: i64) -> Self {
        let mut j = Self { owner, after: 0 };
        j.take(server).await;
        j
    }

    /// The rows of the owner written since the last call. Rows of other owners are checked
    /// not to be there at all when `owner` is the only one writing.
    async fn take(&mut self, server: &TestServer) -> Vec<Seen> {
        let rows = fs_change::Entity::find()
            .filter(fs_change::Column::Id.gt(self.after))
            .order_by_asc(fs_change::Column::Id)
            .all(&server.state.db)
            .await
            .unwrap();
        if let Some(last) = rows.last() {
            self.after = last.id;
        }
        rows.into_iter()
            .map(|r| {
                assert_eq!(r.owner_id, self.owner, "a change of another owner: {r:?}");
                Seen {
                    kind: r.kind,
                    from: r.from_path,
                    to: r.to_path,
                    folder: r.is_folder,
                    file_id: r.file_id,
                }
            })
            .collect()
    }
}

async fn setup() -> (TestServer, Session, i64) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let id = user_id(&server, &ann);
    (server, ann, id)
}

fn user_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

/// The row id of the object at `uri`.
async fn file_id(server: &TestServer, s: &Session, uri: &str) -> i64 {
    let q = format!("/file/info?uri={}", query_escape(uri));
    let info = server.get_as(&q, &s.access_token).await;
    assert_eq!(info["code"], 0, "{uri}: {info}");
    server
        .state
        .ids
        .decode(info["data"]["id"].as_str().unwrap(), IdKind::File)
        .unwrap()
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await
}

async fn call(server: &TestServer, s: &Session, method: Method, path: &str, body: Value) -> Value {
    server.send_as(method, path, &s.access_token, &body).await
}

/// Opens an upload session for `bytes` at `uri` (a version of the file there with
/// `version`); returns the session id.
async fn open_upload(
    server: &TestServer,
    s: &Session,
    uri: &str,
    len: usize,
    version: bool,
) -> String {
    let mut body = json!({
        "uri": uri,
        "size": len,
        "policy_id": server.state.ids.encode(1, IdKind::Policy),
    });
    if version {
        body["entity_type"] = json!("version");
    }
    let created = call(server, s, Method::PUT, "/file/upload", body).await;
    assert_eq!(created["code"], 0, "{created}");
    created["data"]["session_id"].as_str().unwrap().to_owned()
}

/// Sends the one chunk of session `sid`.
async fn send_chunk(server: &TestServer, s: &Session, sid: &str, bytes: &[u8]) {
    let sent = server.send_chunk(s, sid, 0, bytes).await;
    assert_eq!(sent["code"], 0, "{sent}");
}

const CREATE: i16 = kind::CREATE;
const MODIFY: i16 = kind::MODIFY;
const RENAME: i16 = kind::RENAME;
const DELETE: i16 = kind::DELETE;
