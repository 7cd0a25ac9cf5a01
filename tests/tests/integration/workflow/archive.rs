//! `POST /workflow/archive`: a zip written into the drive by a task, checked with `unzip`.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{entity, file, task::status};
use stratus_server::{boolset::Boolset, ids::IdKind};
use stratus_tests::TestServer;

use super::wait_task;
use crate::{
    admin::PW,
    archive::{pattern, update_group, upload},
};

const ARCHIVE_TASK_BIT: usize = 5;

async fn allow(server: &TestServer, allowed: bool) {
    update_group(server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(ARCHIVE_TASK_BIT, allowed);
        g.permissions = bits.into_bytes();
    })
    .await;
}

#[tokio::test]
async fn a_zip_of_files_and_folders_is_written_into_the_drive() {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    let one = pattern(200_000, 1);
    let two = pattern(70_000, 2);
    upload(&server, &a, "cloudreve://my/one.bin", &one).await;
    upload(&server, &a, "cloudreve://my/dir/two.bin", &two).await;
    let body = json!({
        "src": ["cloudreve://my/one.bin", "cloudreve://my/dir"],
        "dst": "cloudreve://my/out/all.zip",
    });

    allow(&server, false).await;
    let refused = server
        .send_as(Method::POST, "/workflow/archive", &a.access_token, &body)
        .await;
    assert_eq!(refused["code"], 40007, "{refused}");

    allow(&server, true).await;
    let created = server
        .send_as(Method::POST, "/workflow/archive", &a.access_token, &body)
        .await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"]["type"], "create_archive");
    let id = server
        .state
        .ids
        .decode(created["data"]["id"].as_str().unwrap(), IdKind::Task)
        .unwrap();
    let done = wait_task(&server, id, "ended", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);

    let zip = file::Entity::find()
        .filter(file::Column::Name.eq("all.zip"))
        .one(&server.state.db)
        .await
        .unwrap()
        .expect("the zip is in the drive");
    let blob = entity::Entity::find_by_id(zip.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(blob.size, zip.size);
    let unzip = |name: &str| {
        let out = std::process::Command::new("unzip")
            .args(["-p", &blob.source, name])
            .output()
            .expect("unzip");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert!(unzip("one.bin") == one, "one.bin differs");
    assert!(unzip("dir/two.bin") == two, "dir/two.bin differs");
    let listed = server
        .get_as("/workflow?category=general", &a.access_token)
        .await;
    assert_eq!(
        listed["data"]["tasks"][0]["status"], "completed",
        "{listed}"
    );
}
