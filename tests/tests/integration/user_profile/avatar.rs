//! Avatars: uploaded PNG and JPEG served in two sizes, Gravatar, missing avatars, uploads
//! that are refused (no session, unreadable, oversized) without reading them.

use std::{io::Cursor, time::Duration};

use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::TestServer;
use tokio::{io::AsyncReadExt, io::AsyncWriteExt, net::TcpStream};

use super::{PASSWORD, hashid, soft_delete};
use crate::thumb::png_bomb;

/// A `width`×`height` picture with a gradient, so that resizing has something to do.
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let rgba = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 200])
    });
    let image = match format {
        image::ImageFormat::Png => image::DynamicImage::ImageRgba8(rgba),
        _ => image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(rgba).to_rgb8()),
    };
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

async fn put_avatar(server: &TestServer, token: &str, content_type: &str, body: Vec<u8>) -> Value {
    let resp = server
        .request_as(Method::PUT, "/user/setting/avatar", token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    stratus_tests::envelope(resp).await
}

async fn get_avatar(server: &TestServer, path_and_query: &str) -> reqwest::Response {
    server
        .client
        .get(server.api(path_and_query))
        .send()
        .await
        .unwrap()
}

/// Fetches an avatar and decodes it; returns (content type, cache-control, width, height).
async fn fetch_picture(server: &TestServer, path_and_query: &str) -> (String, String, u32, u32) {
    let resp = get_avatar(server, path_and_query).await;
    assert_eq!(resp.status(), 200, "{path_and_query}");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let content_type = header("content-type");
    let cache_control = header("cache-control");
    let bytes = resp.bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).expect("a decodable picture");
    (content_type, cache_control, image.width(), image.height())
}

#[tokio::test]
async fn uploaded_png_and_jpeg_avatars_are_served_in_two_sizes() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let id = hashid(&server, ann.id);

    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        picture(320, 240, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(body, json!({"code": 0, "msg": ""}));
    let me = server.get_as("/user/me", &session.access_token).await;
    assert_eq!(me["data"]["avatar"], "file");
    let info = server.get_api(&format!("/user/info/{id}")).await;
    assert_eq!(info["data"]["avatar"], "file");

    // The PNG had transparency: stored and served as PNG.
    let (ct, cache, w, h) = fetch_picture(&server, &format!("/user/avatar/{id}")).await;
    assert_eq!((ct.as_str(), w, h), ("image/png", 200, 200));
    assert_eq!(cache, "public, max-age=86400");
    let (ct, _, w, h) = fetch_picture(&server, &format!("/user/avatar/{id}?size=s")).await;
    assert_eq!((ct.as_str(), w, h), ("image/png", 60, 60));
    let (_, _, w, _) = fetch_picture(&server, &format!("/user/avatar/{id}?size=l")).await;
    assert_eq!(w, 200);
    // Cloudreve 3's path form.
    let (_, _, w, _) = fetch_picture(&server, &format!("/user/avatar/{id}/s")).await;
    assert_eq!(w, 60);
    let (_, _, w, _) = fetch_picture(&server, &format!("/user/avatar/{id}/l")).await;
    assert_eq!(w, 200);
    // `nocache` turns public caching off.
    let (_, cache, _, _) = fetch_picture(&server, &format!("/user/avatar/{id}?nocache=1")).await;
    assert_eq!(cache, "private, no-cache");
    let resp = get_avatar(&server, &format!("/user/avatar/{id}")).await;
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");

    // A JPEG replaces it; tall pictures are cropped to their centred square.
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/jpeg; charset=binary",
        picture(90, 300, image::ImageFormat::Jpeg),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let (ct, _, w, h) = fetch_picture(&server, &format!("/user/avatar/{id}?nocache=true")).await;
    assert_eq!((ct.as_str(), w, h), ("image/jpeg", 200, 200));
    let (ct, _, w, h) = fetch_picture(&server, &format!("/user/avatar/{id}?size=s")).await;
    assert_eq!((ct.as_str(), w, h), ("image/jpeg", 60, 60));

    // GIF and WebP are accepted too.
    for (ct, format) in [
        ("image/gif", image::ImageFormat::Gif),
        ("image/webp", image::ImageFormat::WebP),
    ] {
        let body = put_avatar(&server, &session.access_token, ct, picture(50, 40, format)).await;
        assert_eq!(body["code"], 0, "{ct}: {body}");
        let (_, _, w, h) = fetch_picture(&server, &format!("/user/avatar/{id}")).await;
        assert_eq!((w, h), (200, 200));
    }

    let dir = server.data_dir.join("avatar");
    assert!(dir.join(format!("avatar_{}_l", ann.id)).is_file());
    assert!(dir.join(format!("avatar_{}_s", ann.id)).is_file());
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn an_empty_upload_switches_to_gravatar() {
    let server = TestServer::start().await;
    let ann = server.create_user("Ann@Example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let id = hashid(&server, ann.id);
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        picture(64, 64, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(body["code"], 0);

    // No content type needed for an empty body.
    let resp = server
        .request_as(Method::PUT, "/user/setting/avatar", &session.access_token)
        .send()
        .await
        .unwrap();
    let body = stratus_tests::envelope(resp).await;
    assert_eq!(body["code"], 0, "{body}");
    let me = server.get_as("/user/me", &session.access_token).await;
    assert_eq!(me["data"]["avatar"], "gravatar");
    let dir = server.data_dir.join("avatar");
    assert!(!dir.join(format!("avatar_{}_l", ann.id)).exists());
    assert!(!dir.join(format!("avatar_{}_s", ann.id)).exists());

    let hash = hex_md5("ann@example.com");
    let resp = get_avatar(&server, &format!("/user/avatar/{id}")).await;
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"],
        format!("https://www.gravatar.com/avatar/{hash}?d=mm&s=200").as_str()
    );
    assert_eq!(resp.headers()["cache-control"], "public, max-age=86400");
    let resp = get_avatar(&server, &format!("/user/avatar/{id}?size=s&nocache=1")).await;
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"],
        format!("https://www.gravatar.com/avatar/{hash}?d=mm&s=60").as_str()
    );
    assert_eq!(resp.headers()["cache-control"], "private, no-cache");

    server
        .state
        .settings
        .set(&[("gravatar_server", "https://cravatar.example/")])
        .await
        .unwrap();
    let resp = get_avatar(&server, &format!("/user/avatar/{id}")).await;
    assert_eq!(
        resp.headers()["location"],
        format!("https://cravatar.example/avatar/{hash}?d=mm&s=200").as_str()
    );
}

fn hex_md5(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn avatars_that_do_not_exist_are_plain_404s() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let id = hashid(&server, ann.id);
    let paths = [
        format!("/user/avatar/{id}"),
        format!("/user/avatar/{id}?size=s"),
        format!("/user/avatar/{id}?size=huge"),
        format!("/user/avatar/{}", hashid(&server, 4242)),
        "/user/avatar/garbage".to_owned(),
        format!(
            "/user/avatar/{}",
            server.state.ids.encode(ann.id, IdKind::File)
        ),
    ];
    for path in paths {
        let resp = get_avatar(&server, &path).await;
        assert_eq!(resp.status(), 404, "{path}");
        assert!(resp.bytes().await.unwrap().is_empty(), "{path}: not plain");
    }

    // A deleted account's picture is gone with it.
    let session = server.login("ann@example.com", PASSWORD).await;
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        picture(64, 64, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(body["code"], 0);
    assert_eq!(
        get_avatar(&server, &format!("/user/avatar/{id}"))
            .await
            .status(),
        200
    );
    soft_delete(&server, ann.id).await;
    assert_eq!(
        get_avatar(&server, &format!("/user/avatar/{id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn avatar_uploads_need_a_session_and_a_readable_picture() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let png = picture(32, 32, image::ImageFormat::Png);

    let resp = server
        .client
        .put(server.api("/user/setting/avatar"))
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(resp).await["code"], 401);

    let body = put_avatar(&server, &session.access_token, "text/plain", png.clone()).await;
    assert_eq!(body["code"], 40001, "{body}");
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        b"this is not a picture at all".to_vec(),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");
    // A real header with the rest cut off.
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        png[..png.len() / 2].to_vec(),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");

    // A few hundred bytes claiming 100000×100000 RGBA pixels (40 GB decoded).
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        png_bomb(100_000, 100_000),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");
    assert!(
        body["msg"].as_str().unwrap().contains("too large"),
        "{body}"
    );
    // Over the side limit, though small in bytes.
    let wide = picture(5000, 1, image::ImageFormat::Png);
    let body = put_avatar(&server, &session.access_token, "image/png", wide).await;
    assert_eq!(body["code"], 40001, "{body}");

    // Nothing was stored by the failures.
    let me = server.get_as("/user/me", &session.access_token).await;
    assert_eq!(me["data"]["avatar"], "");
}

/// Reads one HTTP/1.1 response (with `Content-Length`) from a raw connection.
async fn read_response(stream: &mut (impl AsyncReadExt + Unpin)) -> (u16, Value) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a response");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed inside the body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = serde_json::from_slice(&buf[header_end..header_end + length]).unwrap();
    (status, body)
}

#[tokio::test]
async fn oversized_avatars_are_refused_without_reading_them() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let host = server.base.trim_start_matches("http://").to_owned();

    // Announced as 100 MiB; only 1 KiB is ever sent, so an answer proves the server did not
    // wait for (or read) the rest.
    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "PUT /api/v4/user/setting/avatar HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {}\r\nContent-Type: image/png\r\n\
         Content-Length: {}\r\n\r\n",
        session.access_token,
        100 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[0u8; 1024]).await.unwrap();
    let (status, body) = tokio::time::timeout(Duration::from_secs(20), read_response(&mut stream))
        .await
        .expect("answered before the body was sent");
    assert_eq!(status, 200);
    assert_eq!(body["code"], 40049, "{body}");

    // Chunked, no length announced: reading stops at the limit. The body never ends, so an
    // answer proves the server gave up at the limit.
    server
        .state
        .settings
        .set(&[("avatar_size", "65536")])
        .await
        .unwrap();
    let stream = TcpStream::connect(&host).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "PUT /api/v4/user/setting/avatar HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {}\r\nContent-Type: image/png\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        session.access_token
    );
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let data = vec![7u8; 8192];
        for _ in 0..16 {
            writer
                .write_all(format!("{:x}\r\n", data.len()).as_bytes())
                .await?;
            writer.write_all(&data).await?;
            writer.write_all(b"\r\n").await?;
        }
        // Keep the connection open without ending the body.
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok::<_, std::io::Error>(())
    });
    let (status, body) = tokio::time::timeout(Duration::from_secs(20), read_response(&mut reader))
        .await
        .expect("answered before the body ended");
    assert_eq!(status, 200);
    assert_eq!(body["code"], 40049, "{body}");
    sender.abort();

    // Under the limit is fine, over it with a known length too.
    let ok = picture(16, 16, image::ImageFormat::Png);
    let body = put_avatar(&server, &session.access_token, "image/png", ok).await;
    assert_eq!(body["code"], 0, "{body}");
    let body = put_avatar(
        &server,
        &session.access_token,
        "image/png",
        vec![0u8; 65_537],
    )
    .await;
    assert_eq!(body["code"], 40049, "{body}");
}
