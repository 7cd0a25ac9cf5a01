//! The S3 endpoint's listener is served like the main one: the same per-address connection
//! limit, and each request counted in the metrics and logged with its status.

use std::time::Duration;

use stratus_server::boolset::group_perm;
use stratus_tests::TestServer;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::endpoint;
use crate::dav::set_group_bits;

/// What `stream` sends until it closes, or until `needle` arrived.
async fn read(stream: &mut TcpStream, needle: &str) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&got).contains(needle) {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => panic!("nothing more after {:?}", String::from_utf8_lossy(&got)),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn one_address_cannot_hold_every_s3_connection() {
    let server = TestServer::start_with(|c| {
        c.s3.listen = Some("127.0.0.1:0".parse().unwrap());
        c.http_max_connections_per_address = 2;
    })
    .await;
    let host = endpoint(&server).trim_start_matches("http://").to_owned();
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
    // Two half-sent requests hold the address's places.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(&host).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    // Until the acceptor took both, a third connection could still get a place.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(&host).await.unwrap();
    let _ = third.write_all(request.as_bytes()).await;
    let answer = read(&mut third, "\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 429 "), "{answer:?}");
    // The held ones are served once their request is whole.
    for stream in &mut held {
        stream
            .write_all(format!("Host: {host}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let answer = read(stream, "</Error>").await;
        assert!(answer.starts_with("HTTP/1.1 403 "), "{answer:?}");
    }
}

#[tokio::test]
async fn s3_requests_are_counted_with_their_status() {
    let server =
        TestServer::start_with(|c| c.s3.listen = Some("127.0.0.1:0".parse().unwrap())).await;
    set_group_bits(&server, 2, &[(group_perm::S3, true)]).await;
    // Unsigned: refused by s3s before any operation.
    let resp = reqwest::get(format!("{}/", endpoint(&server)))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.headers().contains_key("x-cr-correlation-id"));
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sample = "stratus_http_requests_total{route=\"s3\",method=\"GET\",status=\"403\"} 1";
    assert!(text.lines().any(|l| l == sample), "no {sample} in:\n{text}");
}
