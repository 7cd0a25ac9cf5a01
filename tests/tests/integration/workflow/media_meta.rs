//! The `media_meta` task: a picture's EXIF (written into a JPEG by the test) becomes the
//! file's public `exif:*` metadata; a new version drops the old version's keys; the settings
//! switch it off.

use exif::{Field, Rational, SRational, Tag, Value as ExifValue};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use stratus_entity::task::{self, status};
use stratus_tests::{
    Session, TestServer,
    jpeg::{self, ascii, field},
    query_escape,
};

use super::wait_task;
use crate::{
    admin::PW,
    archive::{my, upload},
};

/// The 64 × 48 photo these tests upload, carrying `fields`.
fn jpeg_with(fields: &[Field]) -> Vec<u8> {
    jpeg::jpeg_with(64, 48, fields)
}

fn rational(num: u32, denom: u32) -> ExifValue {
    ExifValue::Rational(vec![Rational { num, denom }])
}

fn camera_fields() -> Vec<Field> {
    vec![
        field(Tag::Make, ascii("Stratus")),
        field(Tag::Model, ascii("Test Camera 1")),
        field(Tag::ExposureTime, rational(1, 250)),
        field(Tag::FNumber, rational(28, 10)),
        field(Tag::FocalLength, rational(35, 1)),
        field(Tag::PhotographicSensitivity, ExifValue::Short(vec![200])),
        field(
            Tag::ExposureBiasValue,
            ExifValue::SRational(vec![SRational { num: -1, denom: 3 }]),
        ),
        field(Tag::DateTimeOriginal, ascii("2024:05:01 10:20:30")),
        field(Tag::OffsetTimeOriginal, ascii("+02:00")),
        field(Tag::GPSLatitudeRef, ascii("N")),
        field(
            Tag::GPSLatitude,
            ExifValue::Rational(vec![
                Rational { num: 48, denom: 1 },
                Rational { num: 51, denom: 1 },
                Rational {
                    num: 295,
                    denom: 10,
                },
            ]),
        ),
        field(Tag::GPSLongitudeRef, ascii("W")),
        field(
            Tag::GPSLongitude,
            ExifValue::Rational(vec![
                Rational { num: 2, denom: 1 },
                Rational { num: 17, denom: 1 },
                Rational { num: 40, denom: 1 },
            ]),
        ),
    ]
}

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    (server, a)
}

/// The public `exif:*` metadata of `uri`.
pub async fn exif_of(server: &TestServer, s: &Session, uri: &str) -> Vec<(String, String)> {
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");
    let mut out: Vec<(String, String)> = info["data"]["metadata"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with("exif:"))
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The `media_meta` tasks, oldest first.
async fn tasks(server: &TestServer) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::Type.eq("media_meta"))
        .all(&server.state.db)
        .await
        .unwrap()
}

async fn completed(server: &TestServer, n: usize) {
    let all = tasks(server).await;
    assert_eq!(all.len(), n, "{all:?}");
    wait_task(server, all[n - 1].id, "completed", |t| {
        t.status == status::COMPLETED
    })
    .await;
}

#[tokio::test]
async fn a_photos_exif_becomes_its_metadata_and_leaves_with_its_version() {
    let (server, a) = setup().await;
    let uri = my("holiday.jpg");
    upload(&server, &a, &uri, &jpeg_with(&camera_fields())).await;
    completed(&server, 1).await;
    let expected: Vec<(String, String)> = [
        ("exif:camera_make", "Stratus"),
        ("exif:camera_model", "Test Camera 1"),
        ("exif:exposure_bias", "-0.333333"),
        ("exif:exposure_time", "1/250"),
        ("exif:f", "2.800000"),
        ("exif:focal_length", "35"),
        ("exif:iso", "200"),
        ("exif:latitude", "48.858194"),
        ("exif:longitude", "-2.294444"),
        ("exif:taken_at", "2024-05-01T10:20:30+02:00"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(exif_of(&server, &a, &uri).await, expected);

    // Another user sees none of it.
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    let theirs = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(&uri)),
            &b.access_token,
        )
        .await;
    assert_ne!(theirs["code"], 0, "{theirs}");

    // A new version without EXIF: the old version's keys go with it at once.
    let resp = server
        .request_as(
            Method::PUT,
            &format!("/file/content?uri={}", query_escape(&uri)),
            &a.access_token,
        )
        .body(jpeg_with(&[]))
        .send()
        .await
        .unwrap();
    let body: Value = stratus_tests::envelope(resp).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(exif_of(&server, &a, &uri).await, Vec::new());
    completed(&server, 2).await;
    assert_eq!(exif_of(&server, &a, &uri).await, Vec::new());

    // Not a picture by its name, or switched off: no task.
    upload(&server, &a, &my("notes.txt"), b"plain text").await;
    server
        .state
        .settings
        .set(&[("media_meta_exif", "0")])
        .await
        .unwrap();
    upload(&server, &a, &my("later.jpg"), &jpeg_with(&camera_fields())).await;
    assert_eq!(tasks(&server).await.len(), 2);
    assert_eq!(exif_of(&server, &a, &my("later.jpg")).await, Vec::new());
}
