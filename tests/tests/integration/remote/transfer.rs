//! Bytes through a node: an upload lands on the slave's disk (nothing on the master's), a
//! download comes from the slave byte for byte (ranges too), a thumbnail is stored and read
//! there, and a deleted file's blob leaves the slave once recycled.

use std::{io::Cursor, time::Duration};

use image::{DynamicImage, ImageFormat, RgbImage};
use stratus_server::storage::{RemoteDriver, StorageDriver, ThumbJob};

use super::*;

#[tokio::test]
async fn uploads_land_on_the_node_and_downloads_come_from_it() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    let data = pattern(3 * CHUNK + 1234, 5);
    let created = open(&server, &ann, policy, "cloudreve://my/big.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let url = created["data"]["upload_urls"][0].as_str().unwrap();
    assert!(url.starts_with(&slave.base), "chunks go to the node: {url}");
    assert!(
        created["data"]["credential"]
            .as_str()
            .unwrap()
            .starts_with("Bearer Cr "),
        "{created}"
    );
    // Out of order, the last one completes the upload.
    for i in [2, 0, 3, 1] {
        let (status, sent) = send_chunk(&created, &data, i).await.unwrap();
        assert_eq!(
            (status, &sent["code"]),
            (200, &json!(0)),
            "chunk {i}: {sent}"
        );
    }
    assert_eq!(listing(&server, &ann).await, vec!["big.bin"]);
    let on_node = slave.files();
    assert!(
        on_node.len() == 1 && on_node[0].ends_with("_big.bin"),
        "{on_node:?}"
    );
    assert_eq!(
        std::fs::read(slave.uploads.join(&on_node[0])).unwrap(),
        data
    );
    assert!(
        !server.data_dir.join("uploads").exists()
            || walk_files(&server.data_dir.join("uploads")).is_empty(),
        "nothing is stored on the master"
    );

    let urls = file_url(&server, &ann, "cloudreve://my/big.bin").await;
    assert_eq!(urls["code"], 0, "{urls}");
    let link = urls["data"]["urls"][0]["url"].as_str().unwrap();
    assert!(link.starts_with(&slave.base), "served by the node: {link}");
    let got = reqwest::get(link).await.unwrap();
    assert_eq!(got.status(), 200);
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("big.bin")
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), data.as_slice());
    let part = reqwest::Client::new()
        .get(link)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &data[100..200]);
    // Another user gets nothing of ann's.
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let ann_uri = format!(
        "cloudreve://{}@my/big.bin",
        ann.user["id"].as_str().unwrap()
    );
    let theirs = file_url(&server, &bob, &ann_uri).await;
    assert_ne!(theirs["code"], 0, "{theirs}");
    assert!(
        theirs["data"].is_null() || theirs["data"]["urls"].is_null(),
        "{theirs}"
    );
    // A URL whose name or key was changed is refused by the node.
    let forged = link.replace("disposition=attachment", "disposition=inline");
    let refused = reqwest::get(&forged).await.unwrap();
    assert_eq!(refused.status(), 403);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn png() -> Vec<u8> {
    let image = RgbImage::from_fn(300, 200, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[tokio::test]
async fn thumbnails_are_kept_on_the_node_and_deletes_reach_it() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    let picture = png();
    upload(&server, &ann, policy, "cloudreve://my/pic.png", &picture).await;
    let answer = server
        .get_as(
            &format!("/file/thumb?uri={}", query_escape("cloudreve://my/pic.png")),
            &ann.access_token,
        )
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let thumb = server
        .client
        .get(answer["data"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);
    let bytes = thumb.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert!(decoded.width() <= 400 && decoded.height() <= 300);
    let files = slave.files();
    assert_eq!(files.len(), 2, "the picture and its thumbnail: {files:?}");

    let r = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/pic.png"], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    stratus_server::fs::recycle::collect_stale_entities(&server.state, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        slave.files(),
        Vec::<String>::new(),
        "blobs deleted on the node"
    );
}

/// The node renders thumbnails itself: the picture is read from its disk and the thumbnail
/// written there; the master only asks.
#[tokio::test]
async fn the_node_renders_thumbnails_from_its_own_disk() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    upload(&server, &ann, policy, "cloudreve://my/pic.png", &png()).await;
    upload(
        &server,
        &ann,
        policy,
        "cloudreve://my/fake.png",
        b"not a picture",
    )
    .await;
    let key_of = |suffix: &str| {
        slave
            .files()
            .into_iter()
            .find(|k| k.ends_with(suffix))
            .unwrap()
    };
    let job = |src: String, dst: &str| ThumbJob {
        src,
        dst: dst.into(),
        width: 100,
        height: 100,
        encoding: "jpg".into(),
        quality: 80,
        max_size: 1 << 20,
        max_pixels: 1 << 20,
        ..ThumbJob::default()
    };
    let node = RemoteDriver::new(&slave.base, 1, &slave.secret).unwrap();
    assert!(node.capabilities().native_thumbnails);

    let made = node
        .render_thumbnail(&job(key_of("_pic.png"), "thumbs/pic.jpg"))
        .await
        .unwrap()
        .unwrap();
    let stored = std::fs::read(slave.uploads.join("thumbs/pic.jpg")).unwrap();
    assert_eq!(made, stored.len() as u64);
    assert_eq!(
        image::guess_format(&stored).unwrap(),
        ImageFormat::Jpeg,
        "the encoding asked for"
    );
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!(decoded.width(), 100, "300×200 fitted into 100×100");
    assert!(
        (66..=67).contains(&decoded.height()),
        "{}",
        decoded.height()
    );

    // Not a picture, or over the size asked for: refused, nothing stored.
    let refused = node
        .render_thumbnail(&job(key_of("_fake.png"), "thumbs/fake.jpg"))
        .await
        .unwrap();
    assert!(refused.is_err(), "{refused:?}");
    let mut small = job(key_of("_pic.png"), "thumbs/small.jpg");
    small.max_size = 100;
    assert!(node.render_thumbnail(&small).await.unwrap().is_err());
    assert!(!slave.uploads.join("thumbs/fake.jpg").exists());
    assert!(!slave.uploads.join("thumbs/small.jpg").exists());

    // Only for the master: another key is refused.
    let stranger = RemoteDriver::new(&slave.base, 1, &"x".repeat(64)).unwrap();
    let denied = stranger
        .render_thumbnail(&job(key_of("_pic.png"), "thumbs/other.jpg"))
        .await;
    assert!(denied.is_err(), "{denied:?}");
    assert!(!slave.uploads.join("thumbs/other.jpg").exists());
}

#[tokio::test]
async fn with_relay_on_chunks_go_through_the_master_to_the_node() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    let row = storage_policy::Entity::find_by_id(policy)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.settings = sea_orm::ActiveValue::Set(json!({"chunk_size": CHUNK, "relay": true}));
    active.update(&server.state.db).await.unwrap();
    server.state.storage.invalidate(policy).await;

    let data = pattern(CHUNK + 99, 7);
    let created = open(
        &server,
        &ann,
        policy,
        "cloudreve://my/relayed.bin",
        data.len(),
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    assert!(created["data"]["upload_urls"].is_null(), "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap();
    for (i, part) in data.chunks(CHUNK).enumerate() {
        let sent = server.send_chunk(&ann, sid, i as i64, part).await;
        assert_eq!(sent["code"], 0, "chunk {i}: {sent}");
    }
    let on_node = slave.files();
    assert!(
        on_node.len() == 1 && on_node[0].ends_with("_relayed.bin"),
        "{on_node:?}"
    );
    assert_eq!(
        std::fs::read(slave.uploads.join(&on_node[0])).unwrap(),
        data
    );
    let urls = file_url(&server, &ann, "cloudreve://my/relayed.bin").await;
    let link = urls["data"]["urls"][0]["url"].as_str().unwrap();
    let got = reqwest::get(link).await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), data.as_slice());
}
