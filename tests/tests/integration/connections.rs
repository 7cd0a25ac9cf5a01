//! Slow and stalled clients: connections that send nothing, a request head that never ends
//! (however slowly it drips) and a body that stops are closed after the configured timeouts,
//! while other clients keep being served.

use std::time::Duration;

use stratus_tests::TestServer;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::Instant,
};

/// How long a stalled connection may stay open in these tests: far above the one- and
/// two-second timeouts configured, far below "never".
const WITHIN: Duration = Duration::from_secs(30);

async fn short_timeouts() -> TestServer {
    TestServer::start_with(|c| {
        c.http_header_timeout_secs = 1;
        c.http_idle_timeout_secs = 2;
        c.http_body_timeout_secs = 1;
    })
    .await
}

fn host(server: &TestServer) -> &str {
    server.base.trim_start_matches("http://")
}

/// A connection that has sent `bytes`.
async fn sent(server: &TestServer, bytes: &str) -> TcpStream {
    let mut stream = TcpStream::connect(host(server)).await.unwrap();
    stream.write_all(bytes.as_bytes()).await.unwrap();
    stream
}

/// Opens a connection per request, so none is reused after the server closed it.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(WITHIN)
        .build()
        .unwrap()
}

async fn ping(server: &TestServer, client: &reqwest::Client) {
    let resp = client.get(server.api("/site/ping")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

/// Reads until the server closes `stream` (end of stream or reset) and returns what it sent.
async fn read_until_closed(name: &str, stream: &mut TcpStream, deadline: Instant) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => panic!("{name}: still open after {WITHIN:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => return String::from_utf8_lossy(&got).into_owned(),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads from `stream` until what arrived contains `needle`.
async fn read_until(stream: &mut TcpStream, needle: &str) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + WITHIN;
    while !String::from_utf8_lossy(&got).contains(needle) {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        assert!(n > 0, "closed before {needle:?} arrived");
        got.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn stalled_connections_are_closed_while_others_are_served() {
    let server = short_timeouts().await;
    let client = fresh_client();
    let host = host(&server).to_owned();
    let mut silent = TcpStream::connect(&host).await.unwrap();
    let mut half_head = sent(
        &server,
        &format!("GET /api/v4/site/ping HTTP/1.1\r\nHost: {host}\r\n"),
    )
    .await;
    // 100 bytes announced, 10 sent.
    let mut half_body = sent(
        &server,
        &format!(
            "POST /api/v4/session/token HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"email\":"
        ),
    )
    .await;
    // One whole request on a keep-alive connection, then nothing.
    let mut spent = sent(
        &server,
        &format!("GET /api/v4/site/ping HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
    .await;
    read_until(&mut spent, "4.18.0").await;

    // While they wait, others are served.
    for _ in 0..3 {
        ping(&server, &client).await;
    }

    let deadline = Instant::now() + WITHIN;
    read_until_closed("silent", &mut silent, deadline).await;
    read_until_closed("half head", &mut half_head, deadline).await;
    read_until_closed("idle after a request", &mut spent, deadline).await;
    let answer = read_until_closed("half body", &mut half_body, deadline).await;
    assert!(!answer.contains("\"code\":0"), "{answer}");
    ping(&server, &client).await;
}

#[tokio::test]
async fn a_dripping_request_head_is_cut_off_however_steady() {
    let server = short_timeouts().await;
    let host = host(&server).to_owned();
    let mut drip = sent(
        &server,
        &format!("GET /api/v4/site/ping HTTP/1.1\r\nHost: {host}\r\nX-Slow: "),
    )
    .await;
    // One byte of a header value every 100 ms: never a pause near the timeout, never an end.
    let deadline = Instant::now() + WITHIN;
    let mut buf = [0u8; 1024];
    loop {
        assert!(Instant::now() < deadline, "still open after {WITHIN:?}");
        if drip.write_all(b"a").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(100), drip.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) | Err(_) => {}
        }
    }
    ping(&server, &fresh_client()).await;
}

/// A connection from `ip` (another loopback address than the test client's 127.0.0.1).
async fn connect_from(server: &TestServer, ip: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{ip}:0").parse().unwrap()).unwrap();
    socket.connect(host(server).parse().unwrap()).await.unwrap()
}

#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    let server = TestServer::start_with(|c| {
        c.http_max_connections = 6;
        c.http_max_connections_per_address = 4;
    })
    .await;
    let host = host(&server).to_owned();
    let half = format!("GET /api/v4/site/ping HTTP/1.1\r\nHost: {host}\r\n");
    // As many half-sent requests from one address as the server takes in all.
    let mut held = Vec::new();
    for _ in 0..6 {
        held.push(sent(&server, &half).await);
    }
    // Another address is still answered.
    let mut other = connect_from(&server, "127.0.0.2").await;
    other
        .write_all(format!("GET /api/v4/site/ping HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_until(&mut other, "4.18.0").await;
    // Those past the per-address cap were answered 429 and closed at once, long before any
    // timeout. (The fourth is left out: the test client's pooled connection from start-up
    // may hold one of the address's places.)
    let deadline = Instant::now() + Duration::from_secs(10);
    for (i, stream) in held.iter_mut().enumerate().skip(4) {
        let answer = read_until_closed(&format!("connection {i}"), stream, deadline).await;
        assert!(answer.is_empty() || answer.contains(" 429 "), "{answer}");
    }
    // The first three are still open and served once they finish their request.
    for stream in held.iter_mut().take(3) {
        stream.write_all(b"\r\n").await.unwrap();
        read_until(stream, "4.18.0").await;
    }
}
