//! Targets: create after a real test, test a pending and a saved configuration (an
//! unwritable folder fails with the storage's words), secrets never read back and kept on an
//! edit, star, usage, and no delete while a task uses the target.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{
    TestServer,
    s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY},
};

use super::{folder_task, local_target, target, task};
use crate::admin::{admin, call, list, ok};

pub fn s3_target(s3: &S3Server, secret: &str) -> Value {
    let mut settings = s3.policy_settings(json!({}));
    let map = settings.as_object_mut().unwrap();
    map.insert("server".into(), json!(s3.endpoint));
    map.insert("bucket_name".into(), json!(BUCKET));
    map.insert("access_key".into(), json!(ACCESS_KEY));
    map.insert("secret_key".into(), json!(secret));
    json!({"name": "bucket", "type": "s3", "settings": settings})
}

#[tokio::test]
async fn local_targets_are_tested_starred_measured_and_kept_while_used() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let dir = tempfile::tempdir().unwrap();

    // A folder below a regular file cannot be written: the storage's words, nothing saved.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let bad = local_target("bad", &file.join("sub"));
    let tested = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/backup/target/test",
        Some(bad.clone()),
    )
    .await;
    assert_eq!(tested["code"], 40001, "{tested}");
    let msg = tested["msg"].as_str().unwrap();
    assert!(
        msg.contains("target test failed: writing a test object"),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("not a directory"), "{msg}");
    let made = call(
        &server,
        Some(&boss),
        Method::PUT,
        "/admin/backup/target",
        Some(bad),
    )
    .await;
    assert_eq!(made["code"], 40001, "{made}");
    let relative = json!({"name": "rel", "type": "local", "settings": {"path": "backups"}});
    let made = call(
        &server,
        Some(&boss),
        Method::PUT,
        "/admin/backup/target",
        Some(relative),
    )
    .await;
    assert_eq!(made["code"], 40001, "{made}");
    assert!(
        made["msg"].as_str().unwrap().contains("settings.path"),
        "{made}"
    );

    let good = dir.path().join("backups");
    ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/target/test",
        local_target("disk", &good),
    )
    .await;
    let id = target(&server, &boss, &good).await;
    ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/backup/target/{id}/test"),
        json!({}),
    )
    .await;
    // The probes left nothing behind.
    assert!(super::blobs(&good).is_empty());
    let listed: Vec<_> = walk(&good);
    assert!(listed.iter().all(|p| !p.contains("probe")), "{listed:?}");

    let starred = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/backup/target/{id}/star"),
        json!({}),
    )
    .await;
    assert_eq!(starred["starred"], true);
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/target",
        list(10, json!({"starred": "true"})),
    )
    .await;
    assert_eq!(page["targets"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["pagination"]["total_items"], 1);

    let usage = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/target/{id}/usage"),
        json!({}),
    )
    .await;
    assert_eq!(usage["used"], 0, "{usage}");
    assert!(usage["free"].as_i64().unwrap() > 0, "{usage}");

    // Used by a task: not deleted.
    let me = server.state.db.clone();
    let user = stratus_entity::user::Entity::find()
        .one(&me)
        .await
        .unwrap()
        .unwrap();
    let t = task(
        &server,
        &boss,
        folder_task(id, user.id, "cloudreve://my", json!({})),
    )
    .await;
    let refused = call(
        &server,
        Some(&boss),
        Method::DELETE,
        &format!("/admin/backup/target/{id}"),
        None,
    )
    .await;
    assert_eq!(refused["code"], 409, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains(&t.to_string()),
        "{refused}"
    );
    ok(
        &server,
        &boss,
        Method::DELETE,
        &format!("/admin/backup/task/{t}"),
        json!({}),
    )
    .await;
    ok(
        &server,
        &boss,
        Method::DELETE,
        &format!("/admin/backup/target/{id}"),
        json!({}),
    )
    .await;
    let gone = call(
        &server,
        Some(&boss),
        Method::GET,
        &format!("/admin/backup/target/{id}"),
        None,
    )
    .await;
    assert_eq!(gone["code"], 404, "{gone}");
}

use sea_orm::EntityTrait;

#[tokio::test]
async fn bucket_secrets_are_write_only_and_kept_on_an_edit() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let s3 = S3Server::start();

    let wrong = call(
        &server,
        Some(&boss),
        Method::PUT,
        "/admin/backup/target",
        Some(s3_target(&s3, "not-the-secret")),
    )
    .await;
    assert_eq!(wrong["code"], 40001, "{wrong}");
    assert!(
        wrong["msg"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("signature"),
        "{wrong}"
    );

    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/backup/target",
        s3_target(&s3, SECRET_KEY),
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    assert!(made["settings"].get("secret_key").is_none(), "{made}");
    assert_eq!(made["settings"]["access_key"], ACCESS_KEY);
    let read = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/target/{id}"),
        json!({}),
    )
    .await;
    assert!(!read.to_string().contains(SECRET_KEY), "{read}");
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/target",
        list(10, json!({})),
    )
    .await;
    assert!(!page.to_string().contains(SECRET_KEY), "{page}");

    // An edit without the secret keeps it: the edit is tested, and the saved test passes.
    let mut edit = s3_target(&s3, "");
    edit["name"] = json!("renamed");
    edit["settings"]
        .as_object_mut()
        .unwrap()
        .remove("secret_key");
    let edited = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/backup/target/{id}"),
        edit,
    )
    .await;
    assert_eq!(edited["name"], "renamed");
    ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/backup/target/{id}/test"),
        json!({}),
    )
    .await;
    let row = stratus_entity::backup_target::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.settings["secret_key"], SECRET_KEY);
    let usage = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/target/{id}/usage"),
        json!({}),
    )
    .await;
    assert_eq!(usage["used"], 0, "{usage}");
    assert!(usage["free"].is_null(), "{usage}");
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out
}
