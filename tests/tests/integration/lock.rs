//! Path locks (`fs::lock`) on the real database, and `DELETE /file/lock`.

use std::{sync::Arc, time::Duration};

use poem::error::ResponseError;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_server::{
    api::envelope::ApiError,
    fs::lock::{self, Depth, LockError, LockInfo, LockOwner, LockPath, LockRequest, Scope},
};
use stratus_tests::TestServer;

const HOUR: Duration = Duration::from_secs(3600);

fn path(p: &str) -> LockPath {
    LockPath::parse(p).unwrap()
}

fn request(owner_id: i64, p: &str, scope: Scope, depth: Depth) -> LockRequest {
    LockRequest {
        owner_id,
        path: path(p),
        scope,
        depth,
        timeout: HOUR,
        owner_info: None,
        file_id: None,
    }
}

async fn take(
    server: &TestServer,
    owner_id: i64,
    p: &str,
    scope: Scope,
    depth: Depth,
) -> Result<LockInfo, LockError> {
    lock::acquire(&server.state.db, request(owner_id, p, scope, depth)).await
}

/// The tokens of a conflict, in order; panics on anything else.
fn conflict_tokens<T: std::fmt::Debug>(result: Result<T, LockError>) -> Vec<String> {
    match result {
        Err(LockError::Conflict(locks)) => locks.into_iter().map(|l| l.token).collect(),
        other => panic!("expected a lock conflict, got {other:?}"),
    }
}

async fn check(
    server: &TestServer,
    owner_id: i64,
    p: &str,
    op: Depth,
    held: &[&str],
) -> Result<(), LockError> {
    lock::check(&server.state.db, owner_id, &path(p), op, held).await
}

/// A server and one user id.
async fn setup() -> (TestServer, i64) {
    let server = TestServer::start().await;
    let user = server
        .create_user("locker@example.com", "password123")
        .await;
    (server, user.id)
}

/// The JSON envelope an error becomes.
async fn envelope_of(err: LockError) -> Value {
    let resp = ApiError::from(err).as_response();
    let text = resp.into_body().into_string().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn exclusive_locks_exclude_every_other_lock() {
    let (server, uid) = setup().await;
    let first = take(&server, uid, "/a.txt", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    assert!(first.token.starts_with("opaquelocktoken:"));
    assert_eq!(first.path, path("/a.txt"));
    let again = take(&server, uid, "/a.txt", Scope::Exclusive, Depth::Zero).await;
    assert_eq!(conflict_tokens(again), vec![first.token.clone()]);
    let shared = take(&server, uid, "/a.txt", Scope::Shared, Depth::Zero).await;
    assert_eq!(conflict_tokens(shared), vec![first.token]);
}

#[tokio::test]
async fn shared_locks_coexist_and_exclude_exclusive_ones() {
    let (server, uid) = setup().await;
    let one = take(&server, uid, "/s", Scope::Shared, Depth::Zero)
        .await
        .unwrap();
    let two = take(&server, uid, "/s", Scope::Shared, Depth::Infinity)
        .await
        .unwrap();
    assert_ne!(one.token, two.token);
    let exclusive = take(&server, uid, "/s", Scope::Exclusive, Depth::Zero).await;
    assert_eq!(
        conflict_tokens(exclusive),
        vec![one.token.clone(), two.token.clone()]
    );
    // Below a shared depth-infinity lock, only shared locks fit.
    let below = take(&server, uid, "/s/x", Scope::Exclusive, Depth::Zero).await;
    assert_eq!(conflict_tokens(below), vec![two.token.clone()]);
    take(&server, uid, "/s/x", Scope::Shared, Depth::Zero)
        .await
        .unwrap();
    // A write needs one held token of the shared set covering the path.
    check(&server, uid, "/s", Depth::Zero, &[&one.token])
        .await
        .unwrap();
    check(&server, uid, "/s", Depth::Zero, &[&two.token])
        .await
        .unwrap();
    let none = check(&server, uid, "/s", Depth::Zero, &[]).await;
    assert_eq!(conflict_tokens(none), vec![one.token, two.token]);
}

#[tokio::test]
async fn a_depth_infinity_lock_covers_descendants() {
    let (server, uid) = setup().await;
    let top = take(&server, uid, "/a", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    for p in ["/a/b", "/a/b/c", "/a"] {
        let res = take(&server, uid, p, Scope::Exclusive, Depth::Zero).await;
        assert_eq!(conflict_tokens(res), vec![top.token.clone()], "{p}");
        let res = check(&server, uid, p, Depth::Zero, &[]).await;
        assert_eq!(conflict_tokens(res), vec![top.token.clone()], "{p}");
        check(&server, uid, p, Depth::Zero, &[&top.token])
            .await
            .unwrap();
    }
    // Outside the subtree nothing is locked.
    check(&server, uid, "/b", Depth::Infinity, &[])
        .await
        .unwrap();
    check(&server, uid, "/", Depth::Zero, &[]).await.unwrap();
    take(&server, uid, "/", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    let discovered = lock::discover(&server.state.db, uid, &path("/a/b/c"))
        .await
        .unwrap();
    assert_eq!(discovered, vec![top]);
}

#[tokio::test]
async fn a_depth_zero_lock_does_not_cover_descendants() {
    let (server, uid) = setup().await;
    let top = take(&server, uid, "/a", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    let child = take(&server, uid, "/a/b", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    check(&server, uid, "/a/c", Depth::Zero, &[]).await.unwrap();
    check(&server, uid, "/a", Depth::Zero, &[&top.token])
        .await
        .unwrap();
    assert!(
        lock::discover(&server.state.db, uid, &path("/a/c"))
            .await
            .unwrap()
            .is_empty()
    );
    // A recursive operation on /a needs both tokens.
    let res = check(&server, uid, "/a", Depth::Infinity, &[&top.token]).await;
    assert_eq!(conflict_tokens(res), vec![child.token.clone()]);
    let res = check(&server, uid, "/a", Depth::Infinity, &[]).await;
    assert_eq!(
        conflict_tokens(res),
        vec![top.token.clone(), child.token.clone()]
    );
    check(
        &server,
        uid,
        "/a",
        Depth::Infinity,
        &[&top.token, &child.token],
    )
    .await
    .unwrap();
    // So does a recursive operation on the root.
    let res = check(&server, uid, "/", Depth::Infinity, &[&top.token]).await;
    assert_eq!(conflict_tokens(res), vec![child.token]);
}

#[tokio::test]
async fn a_new_depth_infinity_lock_conflicts_with_descendant_locks() {
    let (server, uid) = setup().await;
    let deep = take(&server, uid, "/a/b/c", Scope::Shared, Depth::Zero)
        .await
        .unwrap();
    let res = take(&server, uid, "/a", Scope::Exclusive, Depth::Infinity).await;
    assert_eq!(conflict_tokens(res), vec![deep.token.clone()]);
    let res = take(&server, uid, "/", Scope::Exclusive, Depth::Infinity).await;
    assert_eq!(conflict_tokens(res), vec![deep.token.clone()]);
    // Shared over shared is fine, and depth 0 on the folder does not reach the child.
    take(&server, uid, "/a", Scope::Shared, Depth::Infinity)
        .await
        .unwrap();
    take(&server, uid, "/a/b", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap_err();
    take(&server, uid, "/x", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
}

#[tokio::test]
async fn siblings_sharing_a_prefix_are_independent() {
    let (server, uid) = setup().await;
    let ab = take(&server, uid, "/a/b", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    for p in ["/a/bc", "/a/bc/d", "/a/b.txt", "/a/b c/d", "/a"] {
        check(&server, uid, p, Depth::Zero, &[]).await.unwrap();
    }
    for p in ["/a/bc", "/a/b.txt", "/a/b c"] {
        check(&server, uid, p, Depth::Infinity, &[]).await.unwrap();
        take(&server, uid, p, Scope::Exclusive, Depth::Infinity)
            .await
            .unwrap_or_else(|e| panic!("{p}: {e:?}"));
    }
    // The folder /a/b itself is still locked, and only by its own lock.
    let res = check(&server, uid, "/a/b", Depth::Infinity, &[]).await;
    assert_eq!(conflict_tokens(res), vec![ab.token]);
}

#[tokio::test]
async fn like_wildcards_and_case_do_not_over_match() {
    let (server, uid) = setup().await;
    // Children whose paths `/x%y/…`, `/a_c/…` or `/p\q/…` would match as LIKE patterns.
    take(&server, uid, "/x_y/f", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    take(&server, uid, "/abc/f", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    take(&server, uid, "/pq/f", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    take(&server, uid, "/Docs/f", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    for p in ["/x%y", "/a_c", "/%", "/_", "/p\\q", "/docs", "/DOCS"] {
        check(&server, uid, p, Depth::Infinity, &[])
            .await
            .unwrap_or_else(|e| panic!("{p}: {e:?}"));
        take(&server, uid, p, Scope::Exclusive, Depth::Infinity)
            .await
            .unwrap_or_else(|e| panic!("{p}: {e:?}"));
    }
    // The literal names still match themselves.
    let wild = take(
        &server,
        uid,
        "/100%_done",
        Scope::Exclusive,
        Depth::Infinity,
    )
    .await
    .unwrap();
    let res = take(&server, uid, "/100%_done/x", Scope::Shared, Depth::Zero).await;
    assert_eq!(conflict_tokens(res), vec![wild.token.clone()]);
    let res = check(&server, uid, "/100%_done", Depth::Infinity, &[]).await;
    assert_eq!(conflict_tokens(res), vec![wild.token]);
}

#[tokio::test]
async fn expired_locks_free_the_path() {
    let (server, uid) = setup().await;
    let db = &server.state.db;
    let mut req = request(uid, "/e", Scope::Exclusive, Depth::Infinity);
    req.timeout = Duration::ZERO;
    let dead = lock::acquire(db, req.clone()).await.unwrap();
    assert!(dead.expires_at <= chrono::Utc::now());
    assert!(lock::get(db, uid, &dead.token).await.unwrap().is_none());
    check(&server, uid, "/e/x", Depth::Zero, &[]).await.unwrap();
    assert!(
        lock::discover(db, uid, &path("/e"))
            .await
            .unwrap()
            .is_empty()
    );
    // Taking the path again succeeds and sweeps the dead lock.
    let live = take(&server, uid, "/e", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    assert_eq!(
        lock::discover(db, uid, &path("/e")).await.unwrap(),
        vec![live.clone()]
    );
    assert!(matches!(
        lock::refresh(db, uid, &dead.token, HOUR).await,
        Err(LockError::NotFound)
    ));
    // A dead lock that nobody swept yet reports "expired" (40075), then is gone.
    req.path = path("/e2");
    let dead = lock::acquire(db, req.clone()).await.unwrap();
    assert!(matches!(
        lock::refresh(db, uid, &dead.token, HOUR).await,
        Err(LockError::Expired)
    ));
    let env = envelope_of(LockError::Expired).await;
    assert_eq!(env["code"], 40075);
    let dead = lock::acquire(db, req.clone()).await.unwrap();
    assert!(matches!(
        lock::release(db, uid, &dead.token).await,
        Err(LockError::Expired)
    ));
    // The periodic purge removes dead locks only.
    for p in ["/e3", "/e4"] {
        req.path = path(p);
        lock::acquire(db, req.clone()).await.unwrap();
    }
    assert_eq!(lock::purge_expired(db).await.unwrap(), 2);
    assert_eq!(
        stratus_entity::lock::Entity::find()
            .count(db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(lock::get(db, uid, &live.token).await.unwrap(), Some(live));
}

#[tokio::test]
async fn refresh_extends_a_lock() {
    let (server, uid) = setup().await;
    let db = &server.state.db;
    let mut req = request(uid, "/r", Scope::Exclusive, Depth::Zero);
    req.timeout = Duration::from_secs(60);
    let first = lock::acquire(db, req).await.unwrap();
    let refreshed = lock::refresh(db, uid, &first.token, Duration::from_secs(7200))
        .await
        .unwrap();
    assert_eq!(refreshed.token, first.token);
    assert!(refreshed.expires_at - first.expires_at > chrono::Duration::seconds(7000));
    assert!(refreshed.remaining() > Duration::from_secs(7000));
    assert_eq!(
        lock::get(db, uid, &first.token).await.unwrap(),
        Some(refreshed)
    );
    assert!(matches!(
        lock::refresh(db, uid, "opaquelocktoken:nope", HOUR).await,
        Err(LockError::NotFound)
    ));
    let env = envelope_of(LockError::NotFound).await;
    assert_eq!(env["code"], 40075);
}

#[tokio::test]
async fn release_frees_the_path() {
    let (server, uid) = setup().await;
    let db = &server.state.db;
    let held = take(&server, uid, "/f", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    lock::release(db, uid, &held.token).await.unwrap();
    assert!(matches!(
        lock::release(db, uid, &held.token).await,
        Err(LockError::NotFound)
    ));
    check(&server, uid, "/f", Depth::Infinity, &[])
        .await
        .unwrap();
    take(&server, uid, "/f/g", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
}

#[tokio::test]
async fn check_needs_the_token_and_conflicts_have_the_cloudreve_shape() {
    let (server, uid) = setup().await;
    let db = &server.state.db;
    let folder = file::ActiveModel {
        r#type: Set(file::kind::FOLDER),
        name: Set("Docs".into()),
        owner_id: Set(uid),
        size: Set(0),
        is_symbolic: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    let mut req = request(uid, "/Docs/a b%.txt", Scope::Exclusive, Depth::Zero);
    req.owner_info = Some(LockOwner::dav(Some("<D:href>me</D:href>".into())).to_owner_info());
    let dav = lock::acquire(db, req).await.unwrap();
    check(&server, uid, "/Docs/a b%.txt", Depth::Zero, &[&dav.token])
        .await
        .unwrap();
    let err = check(
        &server,
        uid,
        "/Docs/a b%.txt",
        Depth::Zero,
        &["opaquelocktoken:x"],
    )
    .await
    .unwrap_err();
    let env = envelope_of(err).await;
    assert_eq!(env["code"], 40073);
    assert_eq!(
        env["data"],
        json!([{
            "path": "cloudreve://my/Docs/a%20b%25.txt",
            "token": dav.token,
            "owner": {"application": {"type": "dav", "inner_xml": "<D:href>me</D:href>"}},
            "type": 0,
        }])
    );

    // A lock taken by the server for an application, on an existing folder.
    let mut req = request(uid, "/Docs", Scope::Shared, Depth::Zero);
    req.file_id = Some(folder.id);
    req.owner_info = Some(LockOwner::app("upload").to_owner_info());
    let app = lock::acquire(db, req).await.unwrap();
    assert!(app.folder);
    // Raw WebDAV owner XML and no owner at all are understood too.
    let mut req = request(uid, "/raw", Scope::Exclusive, Depth::Zero);
    req.owner_info = Some("<D:href>raw</D:href>".into());
    let raw = lock::acquire(db, req).await.unwrap();
    let bare = take(&server, uid, "/bare", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();

    let err = check(&server, uid, "/Docs", Depth::Infinity, &[] as &[&str])
        .await
        .unwrap_err();
    let env = envelope_of(err).await;
    assert_eq!(env["msg"], "Lock conflict");
    assert_eq!(
        env["data"],
        json!([
            {
                "path": "cloudreve://my/Docs/a%20b%25.txt",
                "token": dav.token,
                "owner": {"application": {"type": "dav", "inner_xml": "<D:href>me</D:href>"}},
                "type": 0,
            },
            {
                "path": "cloudreve://my/Docs",
                "token": app.token,
                "owner": {"application": {"type": "upload"}},
                "type": 1,
            },
        ])
    );
    let res = take(&server, uid, "/raw", Scope::Exclusive, Depth::Zero).await;
    let env = envelope_of(LockError::Conflict(match res {
        Err(LockError::Conflict(locks)) => locks,
        other => panic!("{other:?}"),
    }))
    .await;
    assert_eq!(
        env["data"][0]["owner"],
        json!({"application": {"type": "dav", "inner_xml": "<D:href>raw</D:href>"}})
    );
    assert_eq!(env["data"][0]["token"], raw.token.as_str());
    assert_eq!(bare.owner(), LockOwner::app("api"));
}

#[tokio::test]
async fn users_have_separate_namespaces() {
    let (server, a) = setup().await;
    let b = server
        .create_user("other@example.com", "password123")
        .await
        .id;
    let db = &server.state.db;
    let la = take(&server, a, "/same", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    let lb = take(&server, b, "/same", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    let res = check(&server, b, "/same/x", Depth::Zero, &[&la.token]).await;
    assert_eq!(conflict_tokens(res), vec![lb.token.clone()]);
    // Neither may touch the other's locks.
    assert_eq!(
        lock::force_release(db, a, std::slice::from_ref(&lb.token))
            .await
            .unwrap(),
        0
    );
    assert!(matches!(
        lock::release(db, a, &lb.token).await,
        Err(LockError::NotFound)
    ));
    assert!(matches!(
        lock::refresh(db, a, &lb.token, HOUR).await,
        Err(LockError::NotFound)
    ));
    assert!(lock::get(db, a, &lb.token).await.unwrap().is_none());
    assert!(lock::get(db, b, &lb.token).await.unwrap().is_some());
    // A user's root lock does not reach into another user's tree.
    lock::release(db, a, &la.token).await.unwrap();
    take(&server, a, "/", Scope::Exclusive, Depth::Infinity)
        .await
        .unwrap();
    assert_eq!(
        lock::force_release(db, b, &[lb.token, "opaquelocktoken:unknown".into()])
            .await
            .unwrap(),
        1
    );
    check(&server, b, "/same", Depth::Infinity, &[] as &[&str])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_exclusive_acquisitions_have_one_winner() {
    let (server, uid) = setup().await;
    let server = Arc::new(server);
    for round in 0..3 {
        let mut tasks = Vec::new();
        for i in 0..10 {
            let server = server.clone();
            // Round 2 mixes a folder lock with locks on its child: still one winner.
            let (p, depth) = match (round, i % 2) {
                (2, 0) => (format!("/race{round}"), Depth::Infinity),
                (2, _) => (format!("/race{round}/child"), Depth::Zero),
                _ => (format!("/race{round}"), Depth::Zero),
            };
            tasks.push(tokio::spawn(async move {
                lock::acquire(&server.state.db, request(uid, &p, Scope::Exclusive, depth)).await
            }));
        }
        let mut winners = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => winners += 1,
                Err(LockError::Conflict(locks)) => assert_eq!(locks.len(), 1),
                Err(other) => panic!("round {round}: {other:?}"),
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn force_unlock_route_releases_only_the_callers_locks() {
    let server = TestServer::start().await;
    let a = server.create_user("a@example.com", "password123").await;
    server.create_user("b@example.com", "password123").await;
    let sa = server.login("a@example.com", "password123").await;
    let sb = server.login("b@example.com", "password123").await;
    let db = &server.state.db;
    let held = take(&server, a.id, "/locked.txt", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();
    let body = json!({"tokens": [held.token]});

    let (_, env) = server
        .send_api(Method::DELETE, "/file/lock", &body.to_string())
        .await;
    assert_eq!(env["code"], 401);

    let env = server
        .send_as(Method::DELETE, "/file/lock", &sb.access_token, &body)
        .await;
    assert_eq!(env["code"], 0, "{env}");
    assert!(lock::get(db, a.id, &held.token).await.unwrap().is_some());

    let env = server
        .send_as(Method::DELETE, "/file/lock", &sa.access_token, &body)
        .await;
    assert_eq!(env, json!({"code": 0, "msg": ""}));
    assert!(lock::get(db, a.id, &held.token).await.unwrap().is_none());
    take(&server, a.id, "/locked.txt", Scope::Exclusive, Depth::Zero)
        .await
        .unwrap();

    let env = server
        .send_as(Method::DELETE, "/file/lock", &sa.access_token, &json!({}))
        .await;
    assert_eq!(env["code"], 40001, "{env}");
    let env = server
        .send_as(
            Method::DELETE,
            "/file/lock",
            &sa.access_token,
            &json!({"tokens": []}),
        )
        .await;
    assert_eq!(env["code"], 0, "{env}");
}
