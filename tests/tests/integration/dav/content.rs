//! Reading and writing through `/dav`: streamed PUT (with and without a length), GET with
//! ranges, versions, trash, properties, quota, junk files and large listings.

use chrono::Utc;
use reqwest::Body;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;
use stratus_entity::{entity, file, file_entity};

use super::{account, dav, password, propfind, setup};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn put_then_get_with_ranges_versions_and_trash() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(
        dav(&server, "MKCOL", "/docs", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let put = dav(&server, "PUT", "/docs/a.bin", ANN, &pw)
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    assert!(put.headers().contains_key("etag"));
    let got = dav(&server, "GET", "/docs/a.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap(), data);
    let part = dav(&server, "GET", "/docs/a.bin", ANN, &pw)
        .header("Range", "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), data[1000..2000]);

    // Finder: an empty PUT, then the content, on the same path. The empty version holds
    // nothing to restore, so the content takes its place: one version.
    let empty = dav(&server, "PUT", "/docs/f.txt", ANN, &pw)
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 201);
    let full = dav(&server, "PUT", "/docs/f.txt", ANN, &pw)
        .body("content")
        .send()
        .await
        .unwrap();
    assert_eq!(full.status(), 204);
    let got = dav(&server, "GET", "/docs/f.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "content");
    assert_eq!(size_and_versions(&server, "f.txt").await, (7, 1));

    // A chunked body without Content-Length.
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(b"chunk-one ".to_vec()), Ok(b"chunk-two".to_vec())];
    let chunked = dav(&server, "PUT", "/docs/c.txt", ANN, &pw)
        .body(Body::wrap_stream(futures_util::stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    assert_eq!(chunked.status(), 201);
    let got = dav(&server, "GET", "/docs/c.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "chunk-one chunk-two");

    // A PUT into a missing folder is a conflict and creates nothing.
    let orphan = dav(&server, "PUT", "/nope/x.txt", ANN, &pw)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(orphan.status(), 409);

    // DELETE moves the folder to the trash as one item.
    let del = dav(&server, "DELETE", "/docs", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    assert_eq!(propfind(&server, "/docs", ANN, &pw).await.0, 404);
    let trash = server
        .get_as("/file?uri=cloudreve%3A%2F%2Ftrash", &ann.access_token)
        .await;
    assert_eq!(trash["code"], 0, "{trash}");
    let files = trash["data"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{trash}");
    assert_eq!(files[0]["name"], "docs");
}

/// Reads through `/dav` obey the group's speed limit, as API downloads do (spec §10), ranges
/// included.
#[tokio::test]
async fn the_group_speed_limit_throttles_reads() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let data: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 241) as u8).collect();
    let put = dav(&server, "PUT", "/slow.bin", ANN, &pw)
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    crate::archive::update_group(&server, |g| g.speed_limit = 128 * 1024).await;
    let started = std::time::Instant::now();
    assert!(get_bytes(&server, "/slow.bin", &pw).await == data);
    // A lower bound only: ~1.9 s at this rate, never much less.
    let took = started.elapsed();
    assert!(took >= std::time::Duration::from_millis(1500), "{took:?}");
    let started = std::time::Instant::now();
    let part = dav(&server, "GET", "/slow.bin", ANN, &pw)
        .header("Range", "bytes=131072-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), data[131_072..]);
    let took = started.elapsed();
    assert!(took >= std::time::Duration::from_millis(700), "{took:?}");
}

#[tokio::test]
async fn copy_is_reference_counted_and_move_renames() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    dav(&server, "MKCOL", "/src", ANN, &pw)
        .send()
        .await
        .unwrap();
    dav(&server, "PUT", "/src/a.txt", ANN, &pw)
        .body("aaa")
        .send()
        .await
        .unwrap();
    let copy = dav(&server, "COPY", "/src", ANN, &pw)
        .header("Destination", server.url("/dav/dst"))
        .send()
        .await
        .unwrap();
    assert_eq!(copy.status(), 201);
    let got = dav(&server, "GET", "/dst/a.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "aaa");
    let entity_refs: Vec<i64> = stratus_entity::entity::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.reference_count as i64)
        .collect();
    assert_eq!(entity_refs, vec![2], "one blob, linked twice");
    let mv = dav(&server, "MOVE", "/dst/a.txt", ANN, &pw)
        .header("Destination", server.url("/dav/moved.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(mv.status(), 201);
    assert_eq!(propfind(&server, "/dst/a.txt", ANN, &pw).await.0, 404);
    let got = dav(&server, "GET", "/moved.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "aaa");
}

#[tokio::test]
async fn dead_properties_and_quota_are_reported() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    dav(&server, "PUT", "/p.txt", ANN, &pw)
        .body("12345")
        .send()
        .await
        .unwrap();
    let patch = r#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x"><D:set><D:prop><Z:color>blue</Z:color></D:prop></D:set></D:propertyupdate>"#;
    let resp = dav(&server, "PROPPATCH", "/p.txt", ANN, &pw)
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 207);
    let (_, body) = propfind(&server, "/", ANN, &pw).await;
    assert!(body.contains("blue"), "{body}");
    let meta = stratus_entity::metadata::Entity::find()
        .filter(stratus_entity::metadata::Column::Name.eq("dav:{urn:x}color"))
        .one(&server.state.db)
        .await
        .unwrap();
    assert!(meta.is_some());
    let quota = r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>"#;
    let resp = dav(&server, "PROPFIND", "/", ANN, &pw)
        .header("Depth", "0")
        .body(quota)
        .send()
        .await
        .unwrap();
    let body = resp.text().await.unwrap();
    assert!(body.contains("quota-used-bytes>5<"), "{body}");
    assert!(body.contains("quota-available-bytes>"), "{body}");
}

#[tokio::test]
async fn junk_files_are_refused_and_hidden_when_asked() {
    let (server, ann) = setup().await;
    let plain = password(&server, &ann, "cloudreve://my").await;
    let put = dav(&server, "PUT", "/.DS_Store", ANN, &plain)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let blocking = account(
        &server,
        &ann,
        json!({"uri": "cloudreve://my", "name": "mac", "disable_sys_files": true}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    // Cloudreve 4.8: every dot-name (and the other system files) answers 405.
    for name in [
        "/._a.txt",
        "/Thumbs.db",
        "/desktop.ini",
        "/.DS_Store",
        "/.hidden",
        "/sub/.env",
    ] {
        let put = dav(&server, "PUT", name, ANN, &blocking)
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 405, "{name}");
    }
    // Without the option a dot-name is an ordinary file.
    let put = dav(&server, "PUT", "/.hidden", ANN, &plain)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    // MKCOL below a missing parent: 409 (RFC 4918).
    let mkcol = dav(&server, "MKCOL", "/missing/child", ANN, &plain)
        .send()
        .await
        .unwrap();
    assert_eq!(mkcol.status(), 409);
    let (_, body) = propfind(&server, "/", ANN, &blocking).await;
    assert!(!body.contains(".DS_Store"), "{body}");
    let ok = dav(&server, "PUT", "/real.txt", ANN, &blocking)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
}

#[tokio::test]
async fn propfind_lists_a_folder_of_ten_thousand_entries() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    dav(&server, "MKCOL", "/big", ANN, &pw)
        .send()
        .await
        .unwrap();
    let folder = file::Entity::find()
        .filter(file::Column::Name.eq("big"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let rows: Vec<file::ActiveModel> = (0..10_000)
        .map(|i| file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            r#type: Set(file::kind::FILE),
            name: Set(format!("f{i:05}.txt")),
            owner_id: Set(folder.owner_id),
            size: Set(0),
            parent_id: Set(Some(folder.id)),
            is_symbolic: Set(false),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        file::Entity::insert_many(chunk.to_vec())
            .exec(&server.state.db)
            .await
            .unwrap();
    }
    let (status, body) = propfind(&server, "/big/", ANN, &pw).await;
    assert_eq!(status, 207);
    assert_eq!(body.matches("<D:response>").count(), 10_001);
    assert!(body.contains("/dav/big/f00000.txt") && body.contains("/dav/big/f09999.txt"));
}

#[tokio::test]
async fn deep_paths_resolve_through_folders_only() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let status = |method: &'static str, path: &'static str, body: &'static str| {
        let req = dav(&server, method, path, ANN, &pw).body(body);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    for folder in ["/n1", "/n1/n2", "/n1/n2/n3"] {
        assert_eq!(status("MKCOL", folder, "").await, 201, "{folder}");
    }
    assert_eq!(status("PUT", "/n1/n2/n3/x.txt", "deep").await, 201);
    let got = dav(&server, "GET", "/n1/n2/n3/x.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "deep");
    // A file is no folder: nothing is written below it.
    assert_eq!(status("PUT", "/n1/n2/n3/x.txt/y", "no").await, 409);
    assert_eq!(status("MKCOL", "/n1/n2/n3/x.txt/sub", "").await, 409);
    assert_eq!(status("PUT", "/n1/missing/z", "no").await, 409);
    // The API finds the same row by its path.
    let info_path = format!(
        "/file/info?uri={}",
        stratus_tests::query_escape("cloudreve://my/n1/n2/n3/x.txt")
    );
    let info = server.get_as(&info_path, &ann.access_token).await;
    assert_eq!(info["code"], 0, "{info}");
    assert_eq!(info["data"]["size"], 4);
    // Below a trashed folder nothing is found or written.
    assert_eq!(status("DELETE", "/n1/n2", "").await, 204);
    assert_eq!(status("GET", "/n1/n2/n3/x.txt", "").await, 404);
    assert_eq!(status("PUT", "/n1/n2/n3/z", "no").await, 409);
    let gone = server.get_as(&info_path, &ann.access_token).await;
    assert_ne!(gone["code"], 0, "{gone}");
    let rows = file::Entity::find()
        .filter(file::Column::Name.is_in(["y", "z", "sub"]))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
}

/// Many PUTs at once (SQLite commits them in batches): each is published or refused on its
/// own, as if they had run one after another.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_puts_are_published_or_refused_one_by_one() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let mkcol = dav(&server, "MKCOL", "/many", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(mkcol.status(), 201);
    let put_all = |puts: Vec<(String, Vec<u8>)>| {
        let requests: Vec<_> = puts
            .into_iter()
            .map(|(path, body)| dav(&server, "PUT", &path, ANN, &pw).body(body).send())
            .collect();
        statuses(requests)
    };

    // 32 new files and 8 writes of one name.
    let mut puts: Vec<(String, Vec<u8>)> = (0..32)
        .map(|i| (format!("/many/f{i:02}.bin"), vec![i as u8; 1000]))
        .collect();
    puts.extend((0..8).map(|i| ("/many/same.txt".to_owned(), vec![b'a' + i; 100])));
    let codes = put_all(puts).await;
    // 201 or 204 follows what the PUT found before its body, so racing writes of one new
    // name may all answer 201.
    assert!(codes.iter().all(|c| *c == 201 || *c == 204), "{codes:?}");
    let (status, listing) = propfind(&server, "/many/", ANN, &pw).await;
    assert_eq!(status, 207);
    assert_eq!(listing.matches("<D:response>").count(), 34, "{listing}");
    let (size, versions) = size_and_versions(&server, "same.txt").await;
    assert_eq!(size, 100);
    assert!((1..=8).contains(&versions), "{versions}");
    let body = get_bytes(&server, "/many/same.txt", &pw).await;
    assert!(body.len() == 100 && body.iter().all(|b| *b == body[0]));
    let got = get_bytes(&server, "/many/f07.bin", &pw).await;
    assert_eq!(got, [7u8; 1000]);

    // Room for five more: of twelve at once, five are stored and seven refused.
    let used = user_storage(&server).await;
    let mut g = stratus_entity::group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    g.max_storage = Set(used + 5_500);
    g.update(&server.state.db).await.unwrap();
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
    let entities_before = entity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    let codes = put_all(
        (0..12)
            .map(|i| (format!("/many/q{i:02}.bin"), vec![1u8; 1000]))
            .collect(),
    )
    .await;
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 507).count(), 7, "{codes:?}");
    assert_eq!(user_storage(&server).await, used + 5_000);
    let entities_after = entity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(entities_after, entities_before + 5);
    let (_, listing) = propfind(&server, "/many/", ANN, &pw).await;
    assert_eq!(listing.matches("<D:response>").count(), 39, "{listing}");
}

/// Concurrent PUTs spread over folders at three depths, half of them over files already there:
/// each lands as a new file or as a second version of the right file, whichever folder its
/// batch read it from.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_puts_in_several_folders_find_their_targets() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    for folder in ["/a", "/a/b", "/c"] {
        let made = dav(&server, "MKCOL", folder, ANN, &pw)
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 201, "{folder}");
    }
    let folders = ["", "/a", "/a/b", "/c"];
    let path = |i: usize| format!("{}/n{:02}.txt", folders[i % 4], i);
    // The even ones exist before.
    for i in (0..32).step_by(2) {
        let put = dav(&server, "PUT", &path(i), ANN, &pw)
            .body(format!("old {i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201);
    }
    let requests: Vec<_> = (0..32)
        .map(|i| {
            dav(&server, "PUT", &path(i), ANN, &pw)
                .body(format!("new {i}"))
                .send()
        })
        .collect();
    let codes = statuses(requests).await;
    for (i, code) in codes.iter().enumerate() {
        assert_eq!(*code, if i % 2 == 0 { 204 } else { 201 }, "{}", path(i));
        let body = get_bytes(&server, &path(i), &pw).await;
        assert_eq!(body, format!("new {i}").as_bytes(), "{}", path(i));
        let (_, versions) = size_and_versions(&server, &format!("n{i:02}.txt")).await;
        assert_eq!(versions, if i % 2 == 0 { 2 } else { 1 }, "{}", path(i));
    }
    for folder in folders {
        let (status, listing) = propfind(&server, &format!("{folder}/"), ANN, &pw).await;
        assert_eq!(status, 207);
        let files = listing.matches(".txt</D:href>").count();
        assert_eq!(files, 8, "{folder}: {listing}");
    }
}

/// Sends `requests` at once; their statuses, in order.
pub(super) async fn statuses(
    requests: Vec<impl std::future::Future<Output = reqwest::Result<reqwest::Response>>>,
) -> Vec<u16> {
    futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect()
}

async fn user_storage(server: &stratus_tests::TestServer) -> i64 {
    storage_of(server, ANN).await
}

/// The storage `users.storage` charges the user `email`.
pub(super) async fn storage_of(server: &stratus_tests::TestServer, email: &str) -> i64 {
    stratus_entity::user::Entity::find()
        .filter(stratus_entity::user::Column::Email.eq(email))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .storage
}

/// The size of the file named `name` and how many versions it keeps.
async fn size_and_versions(server: &stratus_tests::TestServer, name: &str) -> (i64, u64) {
    let f = file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let versions = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(f.id))
        .count(&server.state.db)
        .await
        .unwrap();
    (f.size, versions)
}

/// The body of a WebDAV GET of `path` as Ann.
async fn get_bytes(server: &stratus_tests::TestServer, path: &str, pw: &str) -> Vec<u8> {
    get_bytes_as(server, path, ANN, pw).await
}

/// The body of a WebDAV GET of `path` as `email`.
pub(super) async fn get_bytes_as(
    server: &stratus_tests::TestServer,
    path: &str,
    email: &str,
    pw: &str,
) -> Vec<u8> {
    dav(server, "GET", path, email, pw)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}
