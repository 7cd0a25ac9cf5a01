//! GETs of small files through `/dav`: the version is read with the path, the bytes are read
//! whole before the answer goes out, so a file whose stored bytes are short answers 500
//! instead of a 200 cut off halfway.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{entity, file};

use super::{dav, password, setup};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn small_files_are_served_whole_and_a_short_blob_answers_500() {
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

    // The stored bytes lose their end: the error comes before the status.
    let row = file::Entity::find()
        .filter(file::Column::Name.eq("s.bin"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let blob = entity::Entity::find_by_id(row.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&blob.source)
        .unwrap()
        .set_len(100)
        .unwrap();
    let got = dav(&server, "GET", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 500);
}
