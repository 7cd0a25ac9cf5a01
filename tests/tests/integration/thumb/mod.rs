//! `GET /file/thumb`: generation, reuse, limits, failures and versions. Pictures are made
//! with the image crate and uploaded through the upload API; thumbnails are fetched through
//! the URL the route answers.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod access;
mod bad_input;
mod generate;
mod media;
mod versions;

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

/// A one-pixel RGBA PNG whose header claims `width` × `height` (CRC fixed up, so the header
/// is valid and only the pixel data is missing).
pub(crate) fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = png(1, 1);
    // Signature (8), IHDR length (4) and type (4), then width and height; the chunk's CRC
    // covers type and data (bytes 12..29) and follows them.
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&out[12..29]);
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(y % 256) as u8, 40, (x % 256) as u8])
    });
    encode(DynamicImage::ImageRgb8(image), ImageFormat::Jpeg)
}

/// Uploads `bytes` to `uri`; `extra` joins the session request.
async fn upload_with(server: &TestServer, s: &Session, uri: &str, bytes: &[u8], extra: Value) {
    server.upload(s, uri, bytes, extra).await;
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
