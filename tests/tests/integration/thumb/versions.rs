//! Thumbnails follow the file's current version: a new version gets a new one and releases
//! the old, a thumbnail of another version is replaced.

use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{entity, file};

use super::{assert_fits, fetch, file_row, png, setup, thumb, thumbs_of, upload, upload_with};

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
