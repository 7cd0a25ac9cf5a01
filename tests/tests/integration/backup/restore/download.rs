//! `GET /admin/backup/record/:id/download`: a folder record as a zip, an instance record as a
//! tar laid out as on the target.

use std::io::Read;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::user;

use super::*;

async fn fetch(server: &TestServer, s: &Session, id: i64) -> (String, Vec<u8>) {
    let resp = server
        .request_as(
            Method::GET,
            &format!("/admin/backup/record/{id}/download"),
            &s.access_token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
    (kind, resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn records_download_as_zip_and_tar() {
    let server = TestServer::start().await;
    let boss = admin(&server).await;
    populate(&server, 1).await;
    let ann = user::Entity::find()
        .filter(user::Column::Email.eq("ann@example.com"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let backups = tempfile::tempdir().unwrap();
    let target = local_target(&server, &boss, backups.path()).await;

    // A folder record: its folders and files as backed up.
    let task = admin_call(
        &server,
        &boss,
        Method::PUT,
        "/admin/backup/task",
        json!({"name": "new", "kind": "folder", "target_id": target,
               "source": {"user_id": ann.id, "uri": "cloudreve://my/new"}}),
    )
    .await;
    let record = run_task(&server, &boss, task["id"].as_i64().unwrap()).await;
    assert_eq!(record["status"], "completed", "{record}");
    let (kind, body) = fetch(&server, &boss, record["id"].as_i64().unwrap()).await;
    assert_eq!(kind, "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names, ["old/", "old/a.txt"]);
    let mut text = String::new();
    zip.by_name("old/a.txt")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, "alpha");

    // An instance record: manifest, database dump and every blob.
    let task = admin_call(
        &server,
        &boss,
        Method::PUT,
        "/admin/backup/task",
        json!({"name": "all", "kind": "instance", "target_id": target, "source": {}}),
    )
    .await;
    let record = run_task(&server, &boss, task["id"].as_i64().unwrap()).await;
    assert_eq!(record["status"], "completed", "{record}");
    let (kind, body) = fetch(&server, &boss, record["id"].as_i64().unwrap()).await;
    assert_eq!(kind, "application/x-tar");
    let mut archive = tar::Archive::new(&body[..]);
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some(blob) = name.strip_prefix("blobs/") {
            // Each blob is the file on the target, byte for byte.
            let on_target =
                std::fs::read(backups.path().join("stratus-backup/blobs").join(blob)).unwrap();
            assert_eq!(bytes, on_target, "{name}");
        }
        names.push(name);
    }
    assert_eq!(names[0], "manifest.jsonl.gz");
    assert_eq!(names[1], "database.jsonl.gz");
    // alpha, doc.txt's three versions, b.bin.
    assert_eq!(
        names.iter().filter(|n| n.starts_with("blobs/")).count(),
        5,
        "{names:?}"
    );

    // A record that does not exist.
    let r = server
        .get_as("/admin/backup/record/999999/download", &boss.access_token)
        .await;
    assert_eq!(r["code"], 404, "{r}");
}
