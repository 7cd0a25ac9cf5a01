//! The sync clients' push socket (`/push/ws`, Nextcloud's `notify_push`): signed in with a
//! WebDAV password it tells of the owner's changes, and only of theirs; a wrong password is
//! refused; deleting the account closes its sockets at once.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

use super::{PW, account, setup};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket signed in as `email` with `password`, and the server's first answer.
async fn connect(server: &TestServer, email: &str, password: &str) -> (Socket, Option<String>) {
    let url = server.url("/push/ws").replacen("http://", "ws://", 1);
    let (mut socket, _) = connect_async(url).await.expect("the upgrade");
    socket.send(Message::text(email)).await.unwrap();
    socket.send(Message::text(password)).await.unwrap();
    let first = next_text(&mut socket, Duration::from_secs(10)).await;
    (socket, first)
}

/// The next text message within `wait`; `None` when the socket closed or nothing came.
async fn next_text(socket: &mut Socket, wait: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        match message.ok()? {
            Message::Text(text) => return Some(text.to_string()),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

async fn create(server: &TestServer, s: &Session, uri: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": "file"}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

#[tokio::test]
async fn a_change_reaches_the_owners_socket_and_no_one_elses() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let ann_pw = account(
        &server,
        &ann,
        json!({"uri": "cloudreve://my", "name": "laptop"}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_pw = account(
        &server,
        &bob,
        json!({"uri": "cloudreve://my", "name": "phone"}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();

    let (mut ann_socket, first) = connect(&server, "ann@example.com", &ann_pw).await;
    assert_eq!(first.as_deref(), Some("authenticated"));
    ann_socket
        .send(Message::text("listen notify_file_id"))
        .await
        .unwrap();
    let (mut bob_socket, first) = connect(&server, "BOB@example.com", &bob_pw).await;
    assert_eq!(first.as_deref(), Some("authenticated"), "the login's case");

    // Nothing before a change.
    assert_eq!(
        next_text(&mut ann_socket, Duration::from_millis(700)).await,
        None
    );
    create(&server, &ann, "cloudreve://my/a.txt").await;
    create(&server, &ann, "cloudreve://my/b.txt").await;
    assert_eq!(
        next_text(&mut ann_socket, Duration::from_secs(10))
            .await
            .as_deref(),
        Some("notify_file")
    );
    let ids = next_text(&mut ann_socket, Duration::from_secs(10))
        .await
        .expect("the ids");
    let list: Vec<i64> = serde_json::from_str(ids.strip_prefix("notify_file_id ").unwrap())
        .unwrap_or_else(|e| panic!("{ids}: {e}"));
    assert!(!list.is_empty() && list.len() <= 2, "{ids}");
    assert_eq!(
        next_text(&mut ann_socket, Duration::from_secs(10))
            .await
            .as_deref(),
        Some("notify_activity")
    );

    // Bob hears nothing of Ann's changes; his own reach him.
    assert_eq!(
        next_text(&mut bob_socket, Duration::from_secs(2)).await,
        None
    );
    create(&server, &bob, "cloudreve://my/mine.txt").await;
    assert_eq!(
        next_text(&mut bob_socket, Duration::from_secs(10))
            .await
            .as_deref(),
        Some("notify_file")
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_a_deleted_account_closes_its_socket() {
    let (server, ann) = setup().await;
    let created = account(
        &server,
        &ann,
        json!({"uri": "cloudreve://my", "name": "laptop"}),
    )
    .await;
    let pw = created["password"].as_str().unwrap();
    let id = created["id"].as_str().unwrap();

    let (mut refused, first) = connect(&server, "ann@example.com", "not-the-password").await;
    assert_eq!(first.as_deref(), Some("err: Invalid credentials"));
    assert_eq!(next_text(&mut refused, Duration::from_secs(5)).await, None);

    let (mut socket, first) = connect(&server, "ann@example.com", pw).await;
    assert_eq!(first.as_deref(), Some("authenticated"));
    let deleted = server
        .send_as(
            Method::DELETE,
            &format!("/devices/dav/{id}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_eq!(
        next_text(&mut socket, Duration::from_secs(5))
            .await
            .as_deref(),
        Some("err: Invalid credentials"),
        "closed at once, not at the next periodic check"
    );
    assert_eq!(next_text(&mut socket, Duration::from_secs(5)).await, None);
}
