//! One condition, one status on every WebDAV path (`dav::error`): `/dav` and the Nextcloud
//! clients' paths (their tree and the join of a chunked upload) answer a missing parent
//! folder and a full quota alike.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use super::{ANN, ann, at, nc};
use crate::dav::dav;

/// Opens transfer `t` with one chunk of `body`; returns the status of the chunk's PUT.
async fn chunk(server: &stratus_tests::TestServer, pw: &str, t: &str, body: &[u8]) -> u16 {
    let up = format!("/remote.php/dav/uploads/{ANN}/{t}");
    let made = at(server, "MKCOL", &up, pw).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let put = at(server, "PUT", &format!("{up}/00001"), pw)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    put.status().as_u16()
}

/// The join of transfer `t` into `path` of ann's tree.
async fn join(server: &stratus_tests::TestServer, pw: &str, t: &str, path: &str) -> u16 {
    let dest = server.url(&format!("/remote.php/dav/files/{ANN}{path}"));
    let done = at(
        server,
        "MOVE",
        &format!("/remote.php/dav/uploads/{ANN}/{t}/.file"),
        pw,
    )
    .header("Destination", dest)
    .send()
    .await
    .unwrap();
    done.status().as_u16()
}

#[tokio::test]
async fn a_missing_parent_is_409_on_every_webdav_path() {
    let (server, _s, pw) = ann().await;
    let put = |path: &str| dav(&server, "PUT", path, ANN, &pw).body("x");
    assert_eq!(put("/missing/a.txt").send().await.unwrap().status(), 409);
    let nc_put = nc(&server, "PUT", "/missing/b.txt", &pw).body("x");
    assert_eq!(nc_put.send().await.unwrap().status(), 409);
    // The join of a chunked upload answers as a PUT does, and makes no folder on the way.
    assert_eq!(chunk(&server, &pw, "t-1", b"x").await, 201);
    assert_eq!(join(&server, &pw, "t-1", "/missing/c.txt").await, 409);
    let folder = nc(&server, "PROPFIND", "/missing", &pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(folder.status(), 404);
    // Where the parent is there, the same join goes through.
    assert_eq!(join(&server, &pw, "t-1", "/c.txt").await, 201);
}

#[tokio::test]
async fn a_full_quota_is_507_on_every_webdav_path() {
    let (server, _s, pw) = ann().await;
    let mut g = stratus_entity::group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    g.max_storage = Set(10);
    g.update(&server.state.db).await.unwrap();
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
    let big = vec![7u8; 1000];
    let put = dav(&server, "PUT", "/big.bin", ANN, &pw).body(big.clone());
    assert_eq!(put.send().await.unwrap().status(), 507);
    let nc_put = nc(&server, "PUT", "/big.bin", &pw).body(big.clone());
    assert_eq!(nc_put.send().await.unwrap().status(), 507);
    assert_eq!(chunk(&server, &pw, "t-2", &big).await, 507);
}
