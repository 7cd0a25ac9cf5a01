//! An extraction cut off midway: taken up again after its worker died, it goes on from the
//! first entry not yet written; canceled, it leaves nothing behind.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use stratus_entity::task::{self, status};
use stratus_server::{extract::task::ExtractState, ids::IdKind, queue};

use super::{super::wait_task, *};
use crate::archive::{create, my, upload};

/// The user's id.
fn user_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

#[tokio::test]
async fn an_extraction_whose_worker_died_goes_on_from_the_next_entry() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        "import zipfile\n\
         with zipfile.ZipFile('r.zip', 'w') as z:\n\
         \x20   for i, name in enumerate(['one', 'two', 'three', 'four']):\n\
         \x20       z.writestr(name + '.txt', name * (i + 1))\n",
    );
    let zip = std::fs::read(dir.path().join("r.zip")).unwrap();
    upload(&server, &a, &my("r.zip"), &zip).await;
    create(&server, &a, &my("out"), "folder").await;

    // A worker that is gone had written the first two entries into the staging folder (here
    // with other bytes, so a redone entry would show) and stored that it had.
    let now = Utc::now();
    let state = ExtractState {
        src: my("r.zip"),
        dst: my("out"),
        encoding: None,
        password: None,
        file_mask: Vec::new(),
        placing: false,
        next: 2,
        files: 2,
        bytes: 12,
    };
    let row = task::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set("extract_archive".into()),
        status: Set(status::PROCESSING.into()),
        public_state: Set(json!({})),
        private_state: Set(serde_json::to_string(&state).unwrap()),
        user_id: Set(Some(user_id(&server, &a))),
        claimed_by: Set(Some("stratus-gone".into())),
        queue: Set(queue::IO_INTENSE.into()),
        // Long enough to stage the first run's files before the lease runs out.
        lease_until: Set(Some(now + chrono::Duration::seconds(3))),
        progress: Set(String::new()),
        log: Set(String::new()),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let staging = format!(
        "out/.extract-{}",
        server.state.ids.encode(row.id, IdKind::Task)
    );
    upload(
        &server,
        &a,
        &my(&format!("{staging}/one.txt")),
        b"first run",
    )
    .await;
    upload(
        &server,
        &a,
        &my(&format!("{staging}/two.txt")),
        b"first run!!!",
    )
    .await;

    let done = wait_task(&server, row.id, "completed", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await;
    assert_eq!(done.status, status::COMPLETED, "{}", done.public_state);
    assert_eq!(
        server.names_in(&a, &my("out")).await,
        ["four.txt", "one.txt", "three.txt", "two.txt"],
        "every entry in place, the staging folder gone"
    );
    assert_eq!(server.download(&a, &my("out/one.txt")).await, b"first run");
    assert_eq!(
        server.download(&a, &my("out/two.txt")).await,
        b"first run!!!"
    );
    assert_eq!(
        server.download(&a, &my("out/three.txt")).await,
        b"threethreethree"
    );
    assert_eq!(
        server.download(&a, &my("out/four.txt")).await,
        b"four".repeat(4)
    );
    let progress: Value = serde_json::from_str(&done.progress).unwrap();
    assert_eq!(progress["extract_count"]["current"], 4, "{progress}");
}

#[tokio::test]
async fn a_canceled_extraction_leaves_nothing_behind() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        "import zipfile\n\
         with zipfile.ZipFile('many.zip', 'w') as z:\n\
         \x20   for i in range(3000):\n\
         \x20       z.writestr(f'many/{i:04}.txt', str(i) * 100)\n",
    );
    let zip = std::fs::read(dir.path().join("many.zip")).unwrap();
    upload(&server, &a, &my("many.zip"), &zip).await;
    create(&server, &a, &my("out"), "folder").await;
    let before = server.storage_of(user_id(&server, &a)).await;

    let created = ask(&server, &a, &my("many.zip"), &my("out"), None).await;
    assert_eq!(created["code"], 0, "{created}");
    let hash = created["data"]["id"].as_str().unwrap().to_owned();
    let id = server.state.ids.decode(&hash, IdKind::Task).unwrap();
    wait_task(&server, id, "wrote 20 files", |t| {
        serde_json::from_str::<Value>(&t.progress)
            .ok()
            .and_then(|p| p["extract_count"]["current"].as_u64())
            .is_some_and(|n| n >= 20)
    })
    .await;
    let canceled = server
        .send_as(
            Method::DELETE,
            &format!("/workflow/download/{hash}"),
            &a.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(canceled["code"], 0, "{canceled}");
    let row = wait_task(&server, id, "canceled", |t| t.status == status::CANCELED).await;
    assert!(row.progress.contains("extract_count"));

    // The staging folder is deleted once the run has stopped.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let names = server.names_in(&a, &my("out")).await;
        if names.is_empty() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "left: {names:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        server.storage_of(user_id(&server, &a)).await,
        before,
        "the written files' bytes are released"
    );
    assert_eq!(server.names_in(&a, &my("")).await, ["many.zip", "out"]);
}
