//! `GET /file/thumb`: generation, reuse, limits, failures and versions. Pictures are made
//! with the image crate and uploaded through the upload API; thumbnails are fetched through
//! the URL the route answers.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity, metadata, user};
use stratus_server::{ids::IdKind, storage::stream_once};
use stratus_tests::{Session, TestServer, query_escape};

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A gradient, so encoders cannot shrink it to nothing.
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
    });
    encode(DynamicImage::ImageRgba8(image), ImageFormat::Png)
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(y % 256) as u8, 40, (x % 256) as u8])
    });
    encode(DynamicImage::ImageRgb8(image), ImageFormat::Jpeg)
}

/// A one-pixel PNG whose header claims `width` × `height` (CRC fixed up, so the header is
/// valid and only the pixel data is missing).
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = png(1, 1);
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = 0xffff_ffffu32;
    for &b in &out[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    out[29..33].copy_from_slice(&(!crc).to_be_bytes());
    out
}

/// Uploads `bytes` to `uri` in one chunk; `extra` joins the session request.
async fn upload_with(server: &TestServer, s: &Session, uri: &str, bytes: &[u8], extra: Value) {
    let mut body = json!({
        "uri": uri,
        "size": bytes.len(),
        "policy_id": server.state.ids.encode(1, IdKind::Policy),
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let created = server
        .send_as(Method::PUT, "/file/upload", &s.access_token, &body)
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap();
    assert!(created["data"]["chunk_size"].as_u64().unwrap() as usize >= bytes.len());
    let resp = server
        .request_as(
            Method::POST,
            &format!("/file/upload/{sid}/0"),
            &s.access_token,
        )
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let sent = stratus_tests::server::envelope(resp).await;
    assert_eq!(sent["code"], 0, "{sent}");
}

async fn upload(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    upload_with(server, s, uri, bytes, json!({})).await;
}

pub(crate) async fn thumb(server: &TestServer, s: &Session, uri: &str) -> Value {
    server
        .get_as(
            &format!("/file/thumb?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .await
}

/// Follows a thumbnail answer's URL and decodes the picture.
pub(crate) async fn fetch(server: &TestServer, answer: &Value) -> (ImageFormat, DynamicImage) {
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["url"].as_str().unwrap();
    assert!(url.contains("thumb=true"), "{url}");
    assert!(answer["data"]["expires"].as_str().is_some(), "{answer}");
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    let format = image::guess_format(&bytes).unwrap();
    (format, image::load_from_memory(&bytes).unwrap())
}

async fn file_row(server: &TestServer, s: &Session, name: &str) -> file::Model {
    let owner = server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Thumbnail entities linked to the file.
async fn thumbs_of(server: &TestServer, file_id: i64) -> Vec<entity::Model> {
    entity::Entity::find()
        .inner_join(file_entity::Entity)
        .filter(file_entity::Column::FileId.eq(file_id))
        .filter(entity::Column::Type.eq(entity::kind::THUMBNAIL))
        .all(&server.state.db)
        .await
        .unwrap()
}

async fn all_thumbs(server: &TestServer) -> Vec<entity::Model> {
    entity::Entity::find()
        .filter(entity::Column::Type.eq(entity::kind::THUMBNAIL))
        .all(&server.state.db)
        .await
        .unwrap()
}

async fn disabled(server: &TestServer, file_id: i64) -> bool {
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq("thumb:disabled"))
        .one(&server.state.db)
        .await
        .unwrap()
        .is_some()
}

async fn storage_used(server: &TestServer, file: &file::Model) -> i64 {
    user::Entity::find_by_id(file.owner_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .storage
}

/// Resident memory of this process (the server runs in it), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// `(width, height)` fits `(box_w, box_h)`, touches one side and keeps `ratio` (w / h).
fn assert_fits(image: &DynamicImage, box_w: u32, box_h: u32, ratio: f64) {
    let (w, h) = (image.width(), image.height());
    assert!(w <= box_w && h <= box_h, "{w}x{h} in {box_w}x{box_h}");
    assert!(
        w == box_w || h == box_h,
        "{w}x{h} should fill {box_w}x{box_h}"
    );
    let got = f64::from(w) / f64::from(h);
    assert!((got - ratio).abs() / ratio < 0.02, "ratio {got} vs {ratio}");
}

#[tokio::test]
async fn png_and_jpeg_thumbnails_fit_the_box_and_are_reused() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/wide.png", &png(800, 200)).await;
    upload(
        &server,
        &ann,
        "cloudreve://my/Photos/tall.JPG",
        &jpeg(300, 600),
    )
    .await;
    let wide = file_row(&server, &ann, "wide.png").await;
    let used = storage_used(&server, &wide).await;

    // Defaults: 400 × 300, PNG.
    let first = thumb(&server, &ann, "cloudreve://my/wide.png").await;
    let (format, image) = fetch(&server, &first).await;
    assert_eq!(format, ImageFormat::Png);
    assert_fits(&image, 400, 300, 4.0);
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/Photos/tall.JPG").await,
    )
    .await;
    assert_fits(&image, 400, 300, 0.5);

    // The second request reuses the stored thumbnail.
    let stored = thumbs_of(&server, wide.id).await;
    assert_eq!(stored.len(), 1);
    let second = thumb(&server, &ann, "cloudreve://my/wide.png").await;
    let path = |v: &Value| {
        v["data"]["url"]
            .as_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(path(&second), path(&first));
    assert_eq!(thumbs_of(&server, wide.id).await, stored);
    assert_eq!(all_thumbs(&server).await.len(), 2);
    assert!(
        stored[0].source.ends_with("._thumb"),
        "{}",
        stored[0].source
    );
    // Thumbnails are not charged to the owner.
    assert_eq!(storage_used(&server, &wide).await, used);
}

#[tokio::test]
async fn box_and_encoding_follow_the_settings() {
    let (server, ann) = setup().await;
    server
        .state
        .settings
        .set(&[
            ("thumb_width", "64"),
            ("thumb_height", "48"),
            ("thumb_encode_method", "jpg"),
            ("thumb_encode_quality", "70"),
        ])
        .await
        .unwrap();
    upload(&server, &ann, "cloudreve://my/a.png", &png(500, 500)).await;
    let (format, image) = fetch(&server, &thumb(&server, &ann, "cloudreve://my/a.png").await).await;
    assert_eq!(format, ImageFormat::Jpeg);
    assert_fits(&image, 64, 48, 1.0);

    server
        .state
        .settings
        .set(&[("thumb_encode_method", "webp")])
        .await
        .unwrap();
    upload(&server, &ann, "cloudreve://my/b.png", &jpeg(90, 30)).await;
    let (format, image) = fetch(&server, &thumb(&server, &ann, "cloudreve://my/b.png").await).await;
    assert_eq!(format, ImageFormat::WebP);
    assert_fits(&image, 64, 48, 3.0);

    // A picture already inside the box is not enlarged.
    upload(
        &server,
        &ann,
        "cloudreve://my/small.gif",
        &encode(
            DynamicImage::ImageRgba8(RgbaImage::new(10, 8)),
            ImageFormat::Gif,
        ),
    )
    .await;
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/small.gif").await,
    )
    .await;
    assert_eq!((image.width(), image.height()), (10, 8));
}

#[tokio::test]
async fn concurrent_requests_generate_one_thumbnail() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/c.png", &png(1200, 900)).await;
    let answers = futures_util::future::join_all(
        (0..8).map(|_| thumb(&server, &ann, "cloudreve://my/c.png")),
    )
    .await;
    for answer in &answers {
        assert_eq!(answer["code"], 0, "{answer}");
    }
    let row = file_row(&server, &ann, "c.png").await;
    assert_eq!(thumbs_of(&server, row.id).await.len(), 1);
    assert_eq!(all_thumbs(&server).await.len(), 1);
    // No surplus blob was left behind either.
    assert_eq!(thumb_blobs(&server.data_dir), 1);
}

/// Thumbnail blobs on disk under the data dir.
fn thumb_blobs(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                thumb_blobs(&p)
            } else {
                usize::from(p.to_string_lossy().ends_with("._thumb"))
            }
        })
        .sum()
}

#[tokio::test]
async fn animated_gifs_give_their_first_frame() {
    let (server, ann) = setup().await;
    let frame = |rgb: [u8; 3]| {
        image::Frame::new(RgbaImage::from_pixel(
            40,
            20,
            image::Rgba([rgb[0], rgb[1], rgb[2], 255]),
        ))
    };
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder
            .encode_frames([frame([255, 0, 0]), frame([0, 0, 255])])
            .unwrap();
    }
    upload(&server, &ann, "cloudreve://my/anim.gif", &gif).await;
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/anim.gif").await,
    )
    .await;
    assert_eq!((image.width(), image.height()), (40, 20));
    let pixel = image.to_rgb8().get_pixel(20, 10).0;
    assert!(pixel[0] > 200 && pixel[2] < 50, "{pixel:?}");
}

#[tokio::test]
async fn a_pixel_bomb_is_refused_from_its_header() {
    let (server, ann) = setup().await;
    let bomb = png_bomb(100_000, 100_000);
    assert!(bomb.len() < 1024);
    upload(&server, &ann, "cloudreve://my/bomb.png", &bomb).await;
    let before = rss();
    let answer = thumb(&server, &ann, "cloudreve://my/bomb.png").await;
    let after = rss();
    assert_eq!(answer["code"], 40077, "{answer}");
    assert!(
        after < before + 200 * 1024 * 1024,
        "RSS grew from {before} to {after} bytes"
    );
    let row = file_row(&server, &ann, "bomb.png").await;
    assert!(disabled(&server, row.id).await);
    assert!(all_thumbs(&server).await.is_empty());
}

#[tokio::test]
async fn a_corrupt_picture_is_marked_and_not_tried_again_until_a_new_version() {
    let (server, ann) = setup().await;
    let uri = "cloudreve://my/broken.jpg";
    let mut garbage = jpeg(64, 64);
    garbage.truncate(300);
    upload(&server, &ann, uri, &garbage).await;
    let row = file_row(&server, &ann, "broken.jpg").await;
    assert_eq!(thumb(&server, &ann, uri).await["code"], 40077);
    assert!(disabled(&server, row.id).await);
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(uri)),
            &ann.access_token,
        )
        .await;
    assert!(
        info["data"]["metadata"].get("thumb:disabled").is_some(),
        "{info}"
    );

    // Even with a good picture behind the same blob, the mark is honoured without a try.
    let blob = entity::Entity::find_by_id(row.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let good = jpeg(64, 64);
    let driver = server.state.storage.driver(1).await.unwrap();
    driver
        .put(
            &blob.source,
            stream_once(good.clone()),
            Some(good.len() as u64),
        )
        .await
        .unwrap();
    assert_eq!(thumb(&server, &ann, uri).await["code"], 40077);
    assert!(all_thumbs(&server).await.is_empty());

    // A new version clears the mark.
    upload_with(
        &server,
        &ann,
        uri,
        &jpeg(1000, 500),
        json!({"entity_type": "version"}),
    )
    .await;
    assert!(!disabled(&server, row.id).await);
    let (_, image) = fetch(&server, &thumb(&server, &ann, uri).await).await;
    assert_fits(&image, 400, 300, 2.0);
}

#[tokio::test]
async fn a_new_version_gets_a_new_thumbnail_and_releases_the_old_one() {
    let (server, ann) = setup().await;
    let uri = "cloudreve://my/v.png";
    upload(&server, &ann, uri, &png(800, 200)).await;
    let (_, image) = fetch(&server, &thumb(&server, &ann, uri).await).await;
    assert_fits(&image, 400, 300, 4.0);
    let row = file_row(&server, &ann, "v.png").await;
    let old = thumbs_of(&server, row.id).await.remove(0);
    assert_eq!(old.reference_count, 1);

    upload_with(
        &server,
        &ann,
        uri,
        &png(200, 800),
        json!({"entity_type": "version"}),
    )
    .await;
    // Completing the version released the old thumbnail at once.
    assert!(thumbs_of(&server, row.id).await.is_empty());
    let released = entity::Entity::find_by_id(old.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(released.reference_count, 0);

    let (_, image) = fetch(&server, &thumb(&server, &ann, uri).await).await;
    assert_fits(&image, 400, 300, 0.25);
    let now = thumbs_of(&server, row.id).await;
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].id, old.id);
    assert_ne!(released.source, now[0].source);
}

#[tokio::test]
async fn a_thumbnail_of_another_version_is_ignored_and_replaced() {
    let (server, ann) = setup().await;
    let uri = "cloudreve://my/w.png";
    upload(&server, &ann, uri, &png(800, 200)).await;
    let row = file_row(&server, &ann, "w.png").await;
    let first = row.primary_entity.unwrap();
    upload_with(
        &server,
        &ann,
        uri,
        &png(200, 800),
        json!({"entity_type": "version"}),
    )
    .await;
    let (_, image) = fetch(&server, &thumb(&server, &ann, uri).await).await;
    assert_fits(&image, 400, 300, 0.25);
    let of_second = thumbs_of(&server, row.id).await.remove(0);

    // Making the first version current again (as the version switch does) leaves the
    // thumbnail of the second one behind: it is not served, and it is released once the
    // first version's thumbnail is stored.
    let mut active: file::ActiveModel = file_row(&server, &ann, "w.png").await.into();
    active.primary_entity = sea_orm::ActiveValue::Set(Some(first));
    sea_orm::ActiveModelTrait::update(active, &server.state.db)
        .await
        .unwrap();
    let (_, image) = fetch(&server, &thumb(&server, &ann, uri).await).await;
    assert_fits(&image, 400, 300, 4.0);
    let now = thumbs_of(&server, row.id).await;
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].id, of_second.id);
    let released = entity::Entity::find_by_id(of_second.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(released.reference_count, 0);
}

#[tokio::test]
async fn what_has_no_thumbnail_answers_40077_without_marking() {
    let (server, ann) = setup().await;
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/Folder", "type": "folder"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/Folder").await["code"],
        40077
    );

    upload(&server, &ann, "cloudreve://my/notes.txt", b"just text").await;
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/notes.txt").await["code"],
        40077
    );
    let notes = file_row(&server, &ann, "notes.txt").await;
    assert!(!disabled(&server, notes.id).await);

    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/empty.png", "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/empty.png").await["code"],
        40077
    );

    // Over the size limit, or with the generator off: 40077, the file stays unmarked.
    upload(&server, &ann, "cloudreve://my/big.png", &png(100, 100)).await;
    server
        .state
        .settings
        .set(&[("thumb_builtin_max_size", "100")])
        .await
        .unwrap();
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/big.png").await["code"],
        40077
    );
    server
        .state
        .settings
        .set(&[
            ("thumb_builtin_max_size", "78643200"),
            ("thumb_builtin_enabled", "0"),
        ])
        .await
        .unwrap();
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/big.png").await["code"],
        40077
    );
    server
        .state
        .settings
        .set(&[
            ("thumb_builtin_enabled", "1"),
            ("thumb_builtin_exts", "gif"),
        ])
        .await
        .unwrap();
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/big.png").await["code"],
        40077
    );
    server
        .state
        .settings
        .set(&[("thumb_builtin_exts", "")])
        .await
        .unwrap();
    let big = file_row(&server, &ann, "big.png").await;
    assert!(!disabled(&server, big.id).await);
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/big.png").await["code"],
        0
    );
}

#[tokio::test]
async fn requests_are_checked_against_the_caller() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    upload(&server, &ann, "cloudreve://my/p.png", &png(50, 50)).await;
    let path = format!("/file/thumb?uri={}", query_escape("cloudreve://my/p.png"));

    // Not signed in.
    assert_eq!(server.get_api(&path).await["code"], 401);
    // Malformed: no URI, or not a URI.
    assert_eq!(
        server.get_as("/file/thumb", &ann.access_token).await["code"],
        40001
    );
    assert_eq!(
        server
            .get_as("/file/thumb?uri=nope", &ann.access_token)
            .await["code"],
        40001
    );
    // Another user's file: not in Bob's tree, and Ann's tree is closed to him.
    assert_eq!(
        thumb(&server, &bob, "cloudreve://my/p.png").await["code"],
        404
    );
    let ann_id = ann.user["id"].as_str().unwrap();
    assert_eq!(
        thumb(&server, &bob, &format!("cloudreve://{ann_id}@my/p.png")).await["code"],
        403
    );
    assert!(all_thumbs(&server).await.is_empty());

    // The trash does not offer thumbnails (capability bit 10): "no thumbnail", as for any
    // file that has none, so clients show the icon.
    let id = file_row(&server, &ann, "p.png").await.id;
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/p.png"]}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let trashed = file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(trashed.parent_id, None);
    let answer = thumb(
        &server,
        &ann,
        &format!("cloudreve://trash/{}", trashed.name),
    )
    .await;
    assert_eq!(answer["code"], 40077, "{answer}");
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/p.png").await["code"],
        404
    );
}

/// A visitor of a share gets thumbnails through the share URI, anonymously; a locked share
/// gives none until its password is in the URI.
#[tokio::test]
async fn share_visitors_get_thumbnails() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/pics/a.png", &png(400, 200)).await;
    let made = server
        .send_as(
            Method::PUT,
            "/share",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/pics", "is_private": true, "password": "opensesame"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let link = made["data"].as_str().unwrap();
    let id = link.split("/s/").nth(1).unwrap().split('/').next().unwrap();

    let anon = |uri: String| {
        let server = &server;
        async move {
            let resp = server
                .client
                .get(server.api("/file/thumb"))
                .query(&[("uri", uri.as_str())])
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        }
    };
    let locked = anon(format!("cloudreve://{id}@share/a.png")).await;
    assert_eq!(locked["code"], 40069, "{locked}");
    let wrong = anon(format!("cloudreve://{id}:nope@share/a.png")).await;
    assert_eq!(wrong["code"], 40069, "{wrong}");
    let open = anon(format!("cloudreve://{id}:opensesame@share/a.png")).await;
    let (_, picture) = fetch(&server, &open).await;
    assert_fits(&picture, 400, 300, 2.0);
    // Nothing above the shared folder is reachable through it.
    let escape = anon(format!("cloudreve://{id}:opensesame@share/../pics/a.png")).await;
    assert_ne!(escape["code"], 0, "{escape}");
}
