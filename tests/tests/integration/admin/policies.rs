//! `/admin/policy`: list, get with usage, create and edit after a real storage test (local
//! folder and an S3 server that checks signatures), write-only secrets, and delete rules.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use stratus_entity::{entity, storage_policy};
use stratus_tests::{
    Session, TestServer,
    s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY},
};

use super::{admin, admin_events, call, list, member, ok};
use crate::archive::{my, upload};

fn s3_policy(s3: &S3Server, secret: &str) -> Value {
    json!({"policy": {
        "name": "bucket", "type": "s3", "server": s3.endpoint, "bucket_name": BUCKET,
        "is_private": true, "access_key": ACCESS_KEY, "secret_key": secret, "max_size": 0,
        "dir_name_rule": "uploads/{uid}/{path}", "file_name_rule": "{uid}_{randomkey8}_{originname}",
        "settings": s3.policy_settings(json!({})),
    }})
}

async fn put(server: &TestServer, s: &Session, path: &str, body: Value) -> Value {
    call(server, Some(s), Method::PUT, path, Some(body)).await
}

#[tokio::test]
async fn an_s3_policy_is_tested_before_it_is_saved_and_its_secret_is_write_only() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let s3 = S3Server::start();

    // A wrong secret: the S3 server's signature error, and nothing stored.
    let wrong = put(
        &server,
        &boss,
        "/admin/policy",
        s3_policy(&s3, "not-the-secret"),
    )
    .await;
    assert_eq!(wrong["code"], 40001, "{wrong}");
    let msg = wrong["msg"].as_str().unwrap();
    assert!(msg.to_lowercase().contains("signature"), "{msg}");
    assert_eq!(
        storage_policy::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .len(),
        1
    );

    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/policy",
        s3_policy(&s3, SECRET_KEY),
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["type"], "s3");
    assert!(made.get("secret_key").is_none(), "{made}");
    assert_eq!(made["entities_count"], 0);
    // The test object is gone from the bucket.
    let left: Vec<_> = walk(&s3.bucket_dir);
    assert!(
        left.iter().all(|p| !p.contains("stratus-probe")),
        "{left:?}"
    );

    let s3_only = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/policy",
        list(10, json!({"policy_type": "s3"})),
    )
    .await;
    assert_eq!(s3_only["pagination"]["total_items"], 1);
    assert!(s3_only["policies"][0].get("secret_key").is_none());

    // An edit without the secret keeps it (the test passes with the stored one).
    let mut edit = s3_policy(&s3, "");
    edit["policy"]["name"] = json!("renamed bucket");
    edit["policy"].as_object_mut().unwrap().remove("secret_key");
    let edited = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/policy/{id}"),
        edit,
    )
    .await;
    assert_eq!(edited["name"], "renamed bucket");
    // Fields left out are kept too.
    let partial = json!({"policy": {"name": "renamed bucket", "type": "s3"}});
    let kept = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/policy/{id}"),
        partial,
    )
    .await;
    assert_eq!(kept["bucket_name"], BUCKET);
    assert_eq!(kept["settings"]["s3_path_style"], true);
    // An edit with a wrong secret is refused and keeps the stored one.
    let refused = put(
        &server,
        &boss,
        &format!("/admin/policy/{id}"),
        s3_policy(&s3, "wrong-again"),
    )
    .await;
    assert_eq!(refused["code"], 40001, "{refused}");
    let row = storage_policy::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.secret_key, SECRET_KEY);
    assert_eq!(row.name, "renamed bucket");

    // A CORS rule for the site's origins, signed with the stored secret: s3s-fs has no
    // bucket CORS and says so, which it only does for a request whose signature it accepted.
    let mut cors = s3_policy(&s3, "");
    cors["policy"]["id"] = json!(id);
    cors["policy"].as_object_mut().unwrap().remove("secret_key");
    let resp = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/policy/cors",
        Some(cors),
    )
    .await;
    assert_eq!(resp["code"], 50009, "{resp}");
    assert!(
        resp["msg"].as_str().unwrap().contains("NotImplemented"),
        "{resp}"
    );
    let mut forged = s3_policy(&s3, "not-the-secret");
    forged["policy"]["id"] = json!(id);
    let resp = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/policy/cors",
        Some(forged),
    )
    .await;
    assert_eq!(resp["code"], 50009, "{resp}");
    assert!(
        resp["msg"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{resp}"
    );

    let events = admin_events(&server, &boss, "policy").await;
    // Created, renamed; the edit that changed nothing and the refused one left no change.
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["content"]["changes"]["secret_key"], "<secret>");
    assert!(!serde_json::to_string(&events).unwrap().contains(SECRET_KEY));
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn policies_are_checked_per_type_and_unsupported_routes_say_so() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let local = |settings: Value| {
        json!({"policy": {"name": "disk", "type": "local", "dir_name_rule": "more/{uid}",
                          "file_name_rule": "{uuid}", "settings": settings}})
    };
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/policy",
        local(json!({"chunk_size": 1 << 20})),
    )
    .await;
    assert_eq!(made["type"], "local");
    // The upload rules of every type are stored as given.
    let rules = json!({"file_type": ["exe"], "is_file_type_deny_list": true,
                       "file_regexp": "^[^~]", "is_name_regexp_deny_list": false,
                       "chunk_concurrency": 3});
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/policy",
        local(rules.clone()),
    )
    .await;
    for (key, value) in rules.as_object().unwrap() {
        assert_eq!(&made["settings"][key], value, "{made}");
    }

    let mut bad_rule = local(json!({}));
    bad_rule["policy"]["dir_name_rule"] = json!("..");
    bad_rule["policy"]["file_name_rule"] = json!("..");
    let mut onedrive = local(json!({}));
    onedrive["policy"]["type"] = json!("onedrive");
    let mut no_bucket = local(json!({}));
    no_bucket["policy"]["type"] = json!("s3");
    for (body, code) in [
        (local(json!({"chunk_size": "big"})), 40001),
        (local(json!({"relay": "yes"})), 40001),
        (local(json!({"made_up": 1})), 40001),
        (local(json!({"file_regexp": "(unclosed"})), 40001),
        (local(json!({"chunk_concurrency": 33})), 40001),
        (local(json!({"is_name_regexp_deny_list": "no"})), 40001),
        (
            local(json!({"custom_proxy": true, "proxy_server": "cdn"})),
            40001,
        ),
        (bad_rule, 40001),
        (onedrive, 40019),
        (no_bucket, 40001),
        (
            json!({"policy": {"name": "", "type": "local", "file_name_rule": "{uuid}"}}),
            40001,
        ),
    ] {
        let resp = put(&server, &boss, "/admin/policy", body.clone()).await;
        assert_eq!(resp["code"], code, "{body}: {resp}");
    }
    let cors = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/policy/cors",
        Some(local(json!({}))),
    )
    .await;
    assert_eq!(cors["code"], 40019, "{cors}");
    let missing = ok_code(&server, &boss, Method::GET, "/admin/policy/99").await;
    assert_eq!(missing, 40035);
    for (method, path) in [
        (Method::POST, "/admin/policy/oauth/signin"),
        (Method::GET, "/admin/policy/oauth/redirect"),
        (Method::GET, "/admin/policy/oauth/status/1"),
        (Method::POST, "/admin/policy/oauth/callback"),
        (Method::GET, "/admin/policy/oauth/root/1"),
    ] {
        let body = (method == Method::POST).then(|| json!({"id": 1}));
        let resp = call(&server, Some(&boss), method, path, body).await;
        assert_eq!(resp["code"], 40019, "{path}: {resp}");
    }
}

async fn ok_code(server: &TestServer, s: &Session, method: Method, path: &str) -> i64 {
    call(server, Some(s), method, path, None).await["code"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_policy_in_use_cannot_be_deleted() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    upload(&server, &ann, &my("a.txt"), b"12345").await;
    let default = ok(&server, &boss, Method::GET, "/admin/policy/1", json!(null)).await;
    assert_eq!(default["entities_count"], 1);
    assert_eq!(default["entities_size"], 5);
    assert_eq!(
        ok_code(&server, &boss, Method::DELETE, "/admin/policy/1").await,
        40036
    );

    let body = json!({"policy": {"name": "spare", "type": "local", "dir_name_rule": "spare/{uid}",
                                 "file_name_rule": "{uuid}", "settings": {}}});
    let spare = ok(&server, &boss, Method::PUT, "/admin/policy", body).await["id"]
        .as_i64()
        .unwrap();
    // Bound to a group: 40038.
    let g = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/group",
        json!({"group": {
        "name": "Spare users", "permissions": "", "storage_policy_id": spare}}),
    )
    .await;
    assert_eq!(
        ok_code(
            &server,
            &boss,
            Method::DELETE,
            &format!("/admin/policy/{spare}")
        )
        .await,
        40038
    );
    let gid = g["id"].as_i64().unwrap();
    assert_eq!(
        ok_code(
            &server,
            &boss,
            Method::DELETE,
            &format!("/admin/group/{gid}")
        )
        .await,
        0
    );
    // Holding a blob: 40037.
    let now = chrono::Utc::now();
    let blob = entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(entity::kind::VERSION),
        source: Set("spare/x".into()),
        size: Set(1),
        reference_count: Set(1),
        storage_policy_id: Set(spare),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    assert_eq!(
        ok_code(
            &server,
            &boss,
            Method::DELETE,
            &format!("/admin/policy/{spare}")
        )
        .await,
        40037
    );
    entity::Entity::delete_by_id(blob.id)
        .exec(&server.state.db)
        .await
        .unwrap();
    assert_eq!(
        ok_code(
            &server,
            &boss,
            Method::DELETE,
            &format!("/admin/policy/{spare}")
        )
        .await,
        0
    );
    assert_eq!(
        ok_code(
            &server,
            &boss,
            Method::GET,
            &format!("/admin/policy/{spare}")
        )
        .await,
        40035
    );
}

#[tokio::test]
async fn an_oss_policy_is_tested_like_an_s3_one() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let s3 = S3Server::start();
    let oss = |secret: &str| {
        let mut body = s3_policy(&s3, secret);
        body["policy"]["type"] = json!("oss");
        body
    };
    let wrong = put(&server, &boss, "/admin/policy", oss("not-the-secret")).await;
    assert_eq!(wrong["code"], 40001, "{wrong}");
    let made = put(&server, &boss, "/admin/policy", oss(SECRET_KEY)).await;
    assert_eq!(made["code"], 0, "{made}");
    assert_eq!(made["data"]["type"], "oss", "{made}");
    let mut no_server = oss(SECRET_KEY);
    no_server["policy"]["server"] = json!("");
    let refused = put(&server, &boss, "/admin/policy", no_server).await;
    assert_eq!(refused["code"], 40001, "{refused}");
}
