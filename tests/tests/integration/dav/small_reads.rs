//! GETs of small files through `/dav`: the version is read with the path and the bytes are
//! read whole before the answer goes out; headers, ranges, HEAD and a new version still behave.

use super::{dav, password, setup};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn small_files_are_served_whole() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let data: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    let put = dav(&server, "PUT", "/s.bin", ANN, &pw)
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);

    let got = dav(&server, "GET", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-length"], "4096");
    assert!(got.headers().contains_key("etag"));
    assert!(got.headers().contains_key("last-modified"));
    assert_eq!(got.bytes().await.unwrap(), data);
    let head = dav(&server, "HEAD", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "4096");
    let part = dav(&server, "GET", "/s.bin", ANN, &pw)
        .header("Range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), data[10..20]);

    // A new version is what the next GET serves.
    let newer = vec![7u8; 1000];
    let put = dav(&server, "PUT", "/s.bin", ANN, &pw)
        .body(newer.clone())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let got = dav(&server, "GET", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap(), newer);
}
