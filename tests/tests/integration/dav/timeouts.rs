//! WebDAV uploads and the connection timeouts: a slow but steady PUT that takes longer in
//! all than the body timeout passes; one whose client stops sending is dropped, and stores
//! nothing.

use std::time::Duration;

use futures_util::StreamExt;
use stratus_server::boolset::group_perm;
use stratus_tests::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{PW, dav, password, set_group_bits};

const ANN: &str = "ann@example.com";

/// A server whose body timeout is one second, and `ann`'s WebDAV password.
async fn setup() -> (TestServer, String) {
    let server = TestServer::start_with(|c| c.http_body_timeout_secs = 1).await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    (server, pw)
}

#[tokio::test]
async fn a_slow_but_steady_put_outlasts_the_body_timeout() {
    let (server, pw) = setup().await;
    // 25 chunks of 1 KiB, one every 100 ms: 2.5 s in all, well past the one-second timeout.
    let chunks = futures_util::stream::iter(0..25u8).then(|i| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, std::io::Error>(vec![i; 1024])
    });
    let put = dav(&server, "PUT", "/slow.bin", ANN, &pw)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let got = dav(&server, "GET", "/slow.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    let expected: Vec<u8> = (0..25u8).flat_map(|i| vec![i; 1024]).collect();
    assert_eq!(got.bytes().await.unwrap(), expected);
}

#[tokio::test]
async fn a_stalled_put_is_dropped_and_stores_nothing() {
    use base64::Engine as _;
    let (server, pw) = setup().await;
    let host = server.base.trim_start_matches("http://").to_owned();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{ANN}:{pw}"));
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "PUT /dav/stalled.bin HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {auth}\r\n\
         Content-Length: 1000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[7u8; 100]).await.unwrap();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => panic!("the stalled PUT is still open"),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => {}
        }
    }
    let got = dav(&server, "GET", "/stalled.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 404);
}
