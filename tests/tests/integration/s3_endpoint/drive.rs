//! The drive's rules through the endpoint: a key sees only its folder, another user's drive
//! is untouched, what S3 writes is a file like any other (read through the API and WebDAV,
//! versions on overwrite, a copy over an object too, deletes to the trash unless the site makes them final), and a write
//! past the quota writes nothing.

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use stratus_entity::{file, file_entity, group, user as account};
use stratus_server::boolset::group_perm;

use super::{boto3, creds, endpoint, key, mkdir, start, user};
use crate::dav::set_group_bits;

#[tokio::test]
async fn a_key_sees_only_its_folder_and_another_drive_is_untouched() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    mkdir(&server, &ann, "cloudreve://my/private/secret").await;
    mkdir(&server, &bob, "cloudreve://my/s3/bobs").await;
    server
        .upload(&bob, "cloudreve://my/s3/bobs/mine.txt", b"bob's", json!({}))
        .await;
    let url = endpoint(&server);
    let a = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let b = creds(&key(&server, &bob, "cloudreve://my/s3", false).await);
    boto3(&url, &a, "buckets_are", &["bkt1"]).await;
    boto3(&url, &b, "buckets_are", &["bobs"]).await;

    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("body");
    std::fs::write(&path, b"ann's").unwrap();
    let path = path.to_str().unwrap();
    boto3(&url, &a, "put", &["bkt1", "mine.txt", path]).await;
    // Ann's key reaches neither her other folders nor Bob's bucket of the same name.
    boto3(&url, &a, "missing", &["private", "secret"]).await;
    boto3(&url, &a, "missing", &["bobs", "mine.txt"]).await;
    assert_eq!(
        server.names_in(&bob, "cloudreve://my/s3/bobs").await,
        ["mine.txt"]
    );
    assert_eq!(
        server
            .download(&bob, "cloudreve://my/s3/bobs/mine.txt")
            .await,
        b"bob's"
    );
    assert_eq!(server.names_in(&bob, "cloudreve://my/s3").await, ["bobs"]);
}

#[tokio::test]
async fn what_s3_writes_is_a_file_of_the_drive_and_the_other_way_round() {
    let server = start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let url = endpoint(&server);
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let work = tempfile::tempdir().unwrap();
    let first: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let second: Vec<u8> = (0..150_000u32).map(|i| (i % 241) as u8).collect();
    let path = work.path().join("body");
    let p = path.to_str().unwrap();

    // Through S3, then through the API and WebDAV.
    std::fs::write(&path, &first).unwrap();
    boto3(&url, &k, "put", &["bkt1", "dir/f.bin", p]).await;
    assert_eq!(
        server
            .download(&ann, "cloudreve://my/s3/bkt1/dir/f.bin")
            .await,
        first
    );
    let dav = server
        .send_as(
            Method::PUT,
            "/devices/dav",
            &ann.access_token,
            &json!({"uri": "cloudreve://my", "name": "dav"}),
        )
        .await;
    let pw = dav["data"]["password"].as_str().unwrap().to_owned();
    let got = server
        .client
        .get(server.url("/dav/s3/bkt1/dir/f.bin"))
        .basic_auth("ann@example.com", Some(&pw))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap(), first);

    // An overwrite is a new version of the same file.
    std::fs::write(&path, &second).unwrap();
    boto3(&url, &k, "put", &["bkt1", "dir/f.bin", p]).await;
    assert_eq!(
        server
            .download(&ann, "cloudreve://my/s3/bkt1/dir/f.bin")
            .await,
        second
    );
    let row = file::Entity::find()
        .filter(file::Column::Name.eq("f.bin"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let versions = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(row.id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");

    // Through the API and WebDAV, then through S3.
    server
        .upload(&ann, "cloudreve://my/s3/bkt1/api.bin", &first, json!({}))
        .await;
    std::fs::write(&path, &first).unwrap();
    boto3(&url, &k, "get", &["bkt1", "api.bin", p]).await;
    let put = server
        .client
        .put(server.url("/dav/s3/bkt1/dav.bin"))
        .basic_auth("ann@example.com", Some(&pw))
        .body(second.clone())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    std::fs::write(&path, &second).unwrap();
    boto3(&url, &k, "get", &["bkt1", "dav.bin", p]).await;
}

#[tokio::test]
async fn a_write_past_the_quota_is_refused_and_writes_nothing() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut g = g.into_active_model();
    g.max_storage = Set(1 << 20);
    g.update(&server.state.db).await.unwrap();
    let user_id = server
        .state
        .ids
        .decode(
            ann.user["id"].as_str().unwrap(),
            stratus_server::ids::IdKind::User,
        )
        .unwrap();
    let before = server.storage_of(user_id).await;
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    boto3(
        &endpoint(&server),
        &k,
        "too_big",
        &["bkt1", "big.bin", &(2 << 20).to_string()],
    )
    .await;
    assert_eq!(server.storage_of(user_id).await, before);
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/s3/bkt1").await,
        Vec::<String>::new()
    );
}

/// Staged parts are not charged to the quota until the upload completes, so what all open
/// multipart uploads hold together is bounded by the free space (8 MiB here, 3 MiB parts).
#[tokio::test]
async fn parts_of_all_open_uploads_together_are_held_to_the_free_space() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut g = g.into_active_model();
    g.max_storage = Set(8 << 20);
    g.update(&server.state.db).await.unwrap();
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let part = (3 << 20).to_string();
    boto3(&endpoint(&server), &k, "staged_parts", &["bkt1", &part]).await;
}

#[tokio::test]
async fn deletes_go_to_the_trash_unless_the_site_makes_them_final() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    for name in ["kept.txt", "gone.txt"] {
        server
            .upload(
                &ann,
                &format!("cloudreve://my/s3/bkt1/{name}"),
                b"bytes",
                json!({}),
            )
            .await;
    }
    let url = endpoint(&server);
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let trashed = || async {
        let listed = server
            .get_as(
                "/file?uri=cloudreve%3A%2F%2Ftrash&page_size=100",
                &ann.access_token,
            )
            .await;
        assert_eq!(listed["code"], 0, "{listed}");
        let names: Vec<String> = listed["data"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        names
    };
    boto3(&url, &k, "delete", &["bkt1", "kept.txt"]).await;
    assert_eq!(trashed().await, ["kept.txt"]);

    server
        .state
        .settings
        .set(&[("s3_delete_final", "1")])
        .await
        .unwrap();
    boto3(&url, &k, "delete", &["bkt1", "gone.txt"]).await;
    assert_eq!(trashed().await, ["kept.txt"]);
    let rows = file::Entity::find()
        .filter(file::Column::Name.eq("gone.txt"))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
}

/// A server-side copy onto an existing key references the source's blob and keeps the old
/// content as a version, as a PUT over it does; the new link is charged once, and a copy of
/// the same content again changes nothing.
#[tokio::test]
async fn a_copy_over_an_object_keeps_the_old_content_as_a_version() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let (first, second) = (vec![1u8; 70_000], vec![2u8; 50_000]);
    server
        .upload(&ann, "cloudreve://my/s3/bkt1/a.bin", &first, json!({}))
        .await;
    server
        .upload(&ann, "cloudreve://my/s3/bkt1/b.bin", &second, json!({}))
        .await;
    let url = endpoint(&server);
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    let db = &server.state.db;
    let storage = || async {
        account::Entity::find()
            .filter(account::Column::Email.eq("ann@example.com"))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .storage
    };
    let target = file::Entity::find()
        .filter(file::Column::Name.eq("b.bin"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let links = || async {
        file_entity::Entity::find()
            .filter(file_entity::Column::FileId.eq(target.id))
            .all(db)
            .await
            .unwrap()
            .len()
    };
    let before = storage().await;

    boto3(&url, &k, "copy", &["bkt1", "a.bin", "b.bin"]).await;
    let b = "cloudreve://my/s3/bkt1/b.bin";
    assert_eq!(server.download(&ann, b).await, first);
    assert_eq!(
        links().await,
        2,
        "the old content is a version of the same file"
    );
    assert_eq!(storage().await, before + first.len() as i64);
    let listed = server
        .get_as("/file?uri=cloudreve%3A%2F%2Ftrash", &ann.access_token)
        .await;
    assert_eq!(
        listed["data"]["files"],
        json!([]),
        "nothing went to the trash"
    );
    let row = file::Entity::find_by_id(target.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let source = file::Entity::find()
        .filter(file::Column::Name.eq("a.bin"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.primary_entity, source.primary_entity,
        "the blob is shared"
    );

    // The same content again: no new link, no new charge.
    boto3(&url, &k, "copy", &["bkt1", "a.bin", "b.bin"]).await;
    assert_eq!(links().await, 2);
    assert_eq!(storage().await, before + first.len() as i64);

    // The source deleted: the copy keeps its bytes.
    boto3(&url, &k, "delete", &["bkt1", "a.bin"]).await;
    assert_eq!(server.download(&ann, b).await, first);
}
