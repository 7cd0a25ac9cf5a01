//! `GET /file/events`: the file event stream, its resume across restarts and instances, and
//! the journal's retention.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer, query_escape};
use uuid::Uuid;

use crate::admin::{PW, admin};

mod instances;
mod refusals;
mod resume;
mod revoked;
mod stream;

/// A server with the debounce at 1 s and two users.
async fn setup() -> (TestServer, Session, Session) {
    let server = TestServer::start().await;
    debounce_one_second(&server).await;
    let (ann, bob) = users(&server).await;
    (server, ann, bob)
}

/// `fs_event_push_debounce` = 1, through the admin route.
pub(crate) async fn debounce_one_second(server: &TestServer) {
    let boss = admin(server, "boss@example.com").await;
    let resp = server
        .send_as(
            Method::PATCH,
            "/admin/settings",
            &boss.access_token,
            &json!({"settings": {"fs_event_push_debounce": "1"}}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
}

async fn users(server: &TestServer) -> (Session, Session) {
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    (ann, bob)
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

/// Renames `uri` to `name`, as the client `client` when given.
async fn rename(server: &TestServer, s: &Session, uri: &str, name: &str, client: Option<Uuid>) {
    let mut req = server
        .request_as(Method::POST, "/file/rename", &s.access_token)
        .json(&json!({"uri": uri, "new_name": name}));
    if let Some(client) = client {
        req = req.header("X-Cr-Client-Id", client.to_string());
    }
    let body = stratus_tests::envelope(req.send().await.unwrap()).await;
    assert_eq!(body["code"], 0, "rename {uri}: {body}");
}

/// The request subscribing `s`'s client `client` to `uri`.
fn events_request(
    server: &TestServer,
    s: &Session,
    uri: &str,
    client: &str,
) -> reqwest::RequestBuilder {
    server
        .request_as(
            Method::GET,
            &format!("/file/events?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .header("X-Cr-Client-Id", client)
        .header("Accept", "text/event-stream")
}

/// An open event stream, read from a socket of its own: dropping it closes the connection,
/// as a client that goes away does (an HTTP client library would keep an idle connection
/// whose response it dropped).
pub(crate) struct Events {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
    /// Decoded body not yet taken.
    buf: String,
    ended: bool,
}

impl Events {
    /// Subscribes; panics unless the answer is a stream.
    pub(crate) async fn open(server: &TestServer, s: &Session, uri: &str, client: Uuid) -> Events {
        match Self::connect(server, s, uri, &client.to_string()).await {
            Ok(events) => events,
            Err(body) => panic!("not a stream: {body}"),
        }
    }

    /// Subscribes: the stream, or the body of a non-stream answer.
    pub(crate) async fn connect(
        server: &TestServer,
        s: &Session,
        uri: &str,
        client: &str,
    ) -> Result<Events, String> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let addr = server.base.trim_start_matches("http://").to_owned();
        let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "GET /api/v4/file/events?uri={} HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {}\r\nX-Cr-Client-Id: {client}\r\n\
             Accept: text/event-stream\r\n\r\n",
            query_escape(uri),
            s.access_token
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut stream = tokio::io::BufReader::new(socket);
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await.unwrap();
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            headers.push(line);
        }
        assert!(headers[0].starts_with("http/1.1 200"), "{headers:?}");
        let has = |h: &str| headers.iter().any(|l| l == h);
        let mut events = Events {
            stream,
            buf: String::new(),
            ended: false,
        };
        if !has("content-type: text/event-stream") {
            let mut rest = String::new();
            if has("transfer-encoding: chunked") {
                while !events.ended {
                    events.read_chunk().await;
                }
                rest = events.buf;
            } else {
                let len = headers
                    .iter()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0; len];
                events.stream.read_exact(&mut body).await.unwrap();
                rest.push_str(&String::from_utf8_lossy(&body));
            }
            return Err(rest);
        }
        assert!(has("x-accel-buffering: no"), "{headers:?}");
        assert!(has("cache-control: no-cache"), "{headers:?}");
        assert!(has("transfer-encoding: chunked"), "{headers:?}");
        Ok(events)
    }

    /// Reads one chunk of the chunked body into `buf`.
    async fn read_chunk(&mut self) {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt};
        let mut size = String::new();
        let n = self.stream.read_line(&mut size).await.unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || size == 0 {
            self.ended = true;
            return;
        }
        let mut data = vec![0; size + 2];
        self.stream.read_exact(&mut data).await.unwrap();
        data.truncate(size);
        self.buf.push_str(std::str::from_utf8(&data).unwrap());
    }

    /// The next message other than `keep-alive`: `(event, data)`; `None` when the stream ended.
    pub(crate) async fn next(&mut self) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let mut lines = frame.trim_end().lines();
                let event = lines.next()?.strip_prefix("event:").expect("event line");
                let data = lines.next()?.strip_prefix("data:").expect("data line");
                assert!(
                    lines.next().is_none(),
                    "one event and one data line: {frame:?}"
                );
                if event == "keep-alive" {
                    continue;
                }
                return Some((event.to_owned(), data.to_owned()));
            }
            if self.ended {
                return None;
            }
            tokio::time::timeout(Duration::from_secs(30), self.read_chunk())
                .await
                .expect("no message within 30 s");
        }
    }

    /// The next message, which must be `name` without data.
    pub(crate) async fn expect(&mut self, name: &str) {
        assert_eq!(
            self.next().await,
            Some((name.to_owned(), "<nil>".to_owned()))
        );
    }

    /// The next `event` message's payload.
    pub(crate) async fn event(&mut self) -> Value {
        let (name, data) = self.next().await.expect("stream ended");
        assert_eq!(name, "event", "{data}");
        serde_json::from_str(&data).unwrap()
    }
}

/// The event payload `{type, file_id, from, to}`.
fn payload(kind: &str, file_id: &str, from: &str, to: &str) -> Value {
    json!({"type": kind, "file_id": file_id, "from": from, "to": to})
}

/// The start of the resume stories: ann's `Docs` holds `a.txt` and `b.txt` (made through
/// `via`), and client `me`, subscribed on `on`, saw `a.txt` renamed to `a1.txt`. The ids of
/// a and b, and the open stream.
async fn docs_with_a_seen_renamed(
    via: &TestServer,
    on: &TestServer,
    ann: &Session,
    me: Uuid,
) -> (String, String, Events) {
    let a = create(via, ann, "cloudreve://my/Docs/a.txt", "file").await;
    let b = create(via, ann, "cloudreve://my/Docs/b.txt", "file").await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let mut events = Events::open(on, ann, "cloudreve://my/Docs", me).await;
    events.expect("subscribed").await;
    rename(via, ann, "cloudreve://my/Docs/a.txt", "a1.txt", None).await;
    assert_eq!(
        events.event().await,
        payload("rename", a, "/a.txt", "/a1.txt")
    );
    (a.to_owned(), b.to_owned(), events)
}
