//! Pictures that give no thumbnail: pixel bombs refused from the header, corrupt pictures
//! marked until a new version, files with no thumbnail (40077).

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{entity, metadata};
use stratus_server::storage::stream_once;
use stratus_tests::{TestServer, query_escape};

use super::{
    all_thumbs, assert_fits, fetch, file_row, jpeg, png, png_bomb, setup, thumb, upload,
    upload_with,
};

async fn disabled(server: &TestServer, file_id: i64) -> bool {
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq("thumb:disabled"))
        .one(&server.state.db)
        .await
        .unwrap()
        .is_some()
}

/// Resident memory of this process (the server runs in it), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
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
    for settings in [
        &[("thumb_builtin_max_size", "100")][..],
        &[
            ("thumb_builtin_max_size", "78643200"),
            ("thumb_builtin_enabled", "0"),
        ],
        &[
            ("thumb_builtin_enabled", "1"),
            ("thumb_builtin_exts", "gif"),
        ],
    ] {
        server.state.settings.set(settings).await.unwrap();
        assert_eq!(
            thumb(&server, &ann, "cloudreve://my/big.png").await["code"],
            40077,
            "{settings:?}"
        );
    }
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
