//! Notifications (`/admin/notification`), nodes' liveness (`/admin/health`, the node list) and
//! the timeline (`/admin/timeline`). Webhooks are delivered to a loopback HTTP receiver the
//! test starts, mails to the test SMTP receiver, nodes are real slave processes.

mod channels;
mod liveness;
mod timeline;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use stratus_tests::{Session, TestServer};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use crate::admin::{call, ok};

/// One request a [`Hook`] received.
#[derive(Clone, Debug)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A webhook receiver on 127.0.0.1: keeps every request and answers 200.
pub struct Hook {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hook {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let keep = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    if let Some(r) = read_request(&mut conn).await {
                        keep.lock().unwrap().push(r);
                    }
                    let _ = conn
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                });
            }
        });
        Self {
            url,
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until a request with event `event` arrived; answers it.
    pub async fn wait_for(&self, event: &str) -> Received {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let found = self
                .received()
                .into_iter()
                .find(|r| r.header("X-Stratus-Event").as_deref() == Some(event));
            if let Some(r) = found {
                return r;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {event} delivery: {:?}",
                self.received()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One HTTP/1.1 request with a `Content-Length` body.
async fn read_request(conn: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = conn.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if data.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(Received { head, body })
}

/// Asserts that `r` carries the signature of its body with `secret`.
pub fn assert_signed(r: &Received, secret: &str) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&r.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        r.header("X-Stratus-Signature").as_deref(),
        Some(expected.as_str()),
        "{}",
        r.head
    );
}

/// Lets webhooks reach `ranges` (the SSRF guard refuses loopback otherwise).
pub async fn allow(server: &TestServer, boss: &Session, ranges: &str) {
    ok(
        server,
        boss,
        Method::PATCH,
        "/admin/settings",
        json!({"settings": {"notification_allowed_cidrs": ranges}}),
    )
    .await;
}

/// Creates a webhook channel; answers its row.
pub async fn webhook(
    server: &TestServer,
    boss: &Session,
    url: &str,
    secret: &str,
    events: Value,
) -> Value {
    ok(
        server,
        boss,
        Method::PUT,
        "/admin/notification",
        json!({"channel": {"name": "ops hook", "type": "webhook",
                "settings": {"url": url, "secret": secret}, "events": events}}),
    )
    .await
}

/// `POST` of `path` as `boss` with `body`; the envelope.
pub async fn post(server: &TestServer, boss: &Session, path: &str, body: Value) -> Value {
    call(server, Some(boss), Method::POST, path, Some(body)).await
}
