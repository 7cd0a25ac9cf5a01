//! A write grant: the recipient creates, renames, moves and deletes inside the folder, never
//! the folder itself; what the recipient adds belongs to, and is charged to, the owner.

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::{Boolset, fs_cap};

use super::{A, People, ann_grants, list, names, send, setup};
use crate::download::{put_file, uid};

#[tokio::test]
async fn a_writer_works_inside_the_folder() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "read").await;
    // Raised to write.
    ann_grants(&p, "Team", &p.bob, "write").await;
    let listed = list(s, &p.bob, &p.anns("Team")).await;
    let caps =
        Boolset::from_base64(listed["data"]["props"]["capability"].as_str().unwrap()).unwrap();
    assert!(
        caps.enabled(fs_cap::CREATE) && caps.enabled(fs_cap::UPLOAD),
        "{listed}"
    );
    // The granted folder itself cannot be renamed or deleted by Bob.
    assert!(!caps.enabled(fs_cap::RENAME) && !caps.enabled(fs_cap::SOFT_DELETE));
    // Items inside can.
    let inside = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "a.txt")
        .unwrap();
    let caps = Boolset::from_base64(inside["capability"].as_str().unwrap_or("")).ok();
    if let Some(caps) = caps {
        assert!(caps.enabled(fs_cap::DOWNLOAD), "{inside}");
    }

    for (method, path, body) in [
        (
            Method::POST,
            "/file/create",
            json!({"uri": p.anns("Team/Notes"), "type": "folder"}),
        ),
        (
            Method::POST,
            "/file/create",
            json!({"uri": p.anns("Team/Notes/todo.txt"), "type": "file"}),
        ),
        (
            Method::POST,
            "/file/rename",
            json!({"uri": p.anns("Team/Sub/b.txt"), "new_name": "b2.txt"}),
        ),
        (
            Method::POST,
            "/file/move",
            json!({"uris": [p.anns("Team/Sub/b2.txt")], "dst": p.anns("Team/Notes")}),
        ),
        (
            Method::DELETE,
            "/file",
            json!({"uris": [p.anns("Team/Sub")]}),
        ),
    ] {
        let answer = send(s, &p.bob, method.clone(), path, body.clone()).await;
        assert_eq!(answer["code"], 0, "{method} {path} {body}: {answer}");
    }
    assert_eq!(
        names(s, &p.ann, "cloudreve://my/Team").await,
        ["Notes", "a.txt"]
    );
    assert_eq!(
        names(s, &p.ann, "cloudreve://my/Team/Notes").await,
        ["b2.txt", "todo.txt"]
    );
    // What Bob made is Ann's; what Bob deleted is in Ann's trash.
    let ann_id = uid(&p.server, &p.ann);
    let owners: Vec<i64> = list(s, &p.ann, "cloudreve://my/Team/Notes").await["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["owned"], true, "{f}");
            ann_id
        })
        .collect();
    assert_eq!(owners.len(), 2);
    assert_eq!(names(s, &p.ann, "cloudreve://trash").await.len(), 1);
    assert!(names(s, &p.bob, "cloudreve://trash").await.is_empty());

    // Never the granted folder itself, nor anything out of Ann's drive by a move.
    for (method, path, body) in [
        (
            Method::POST,
            "/file/rename",
            json!({"uri": p.anns("Team"), "new_name": "Gone"}),
        ),
        (Method::DELETE, "/file", json!({"uris": [p.anns("Team")]})),
        (
            Method::POST,
            "/file/move",
            json!({"uris": [p.anns("Team/a.txt")], "dst": "cloudreve://my"}),
        ),
    ] {
        let answer = send(s, &p.bob, method.clone(), path, body.clone()).await;
        assert_ne!(answer["code"], 0, "{method} {path} {body}: {answer}");
    }
    assert_eq!(s.download(&p.ann, "cloudreve://my/Team/a.txt").await, A);
    assert_eq!(
        names(s, &p.ann, "cloudreve://my").await,
        ["Private", "Team"]
    );
}

#[tokio::test]
async fn what_a_writer_adds_is_charged_to_the_owner() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "write").await;
    let bytes = b"bob's report, forty bytes long, or near";
    put_file(s, &p.bob, "report.txt", bytes).await;
    let (ann_id, bob_id) = (uid(s, &p.ann), uid(s, &p.bob));
    let (ann_before, bob_before) = (s.storage_of(ann_id).await, s.storage_of(bob_id).await);
    let copied = send(
        s,
        &p.bob,
        Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/report.txt"], "dst": p.anns("Team"), "copy": true}),
    )
    .await;
    assert_eq!(copied["code"], 0, "{copied}");
    assert_eq!(s.storage_of(ann_id).await, ann_before + bytes.len() as i64);
    assert_eq!(s.storage_of(bob_id).await, bob_before);
    assert_eq!(
        s.download(&p.ann, "cloudreve://my/Team/report.txt").await,
        bytes
    );
    let listed = list(s, &p.ann, "cloudreve://my/Team").await;
    let row = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "report.txt")
        .cloned()
        .unwrap();
    assert_eq!(row["owned"], true, "{row}");
    // A move across drives is refused: it would take the file out of its owner's quota.
    let moved = send(
        s,
        &p.bob,
        Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/report.txt"], "dst": p.anns("Team/Sub")}),
    )
    .await;
    assert_ne!(moved["code"], 0, "{moved}");
    // Over the owner's quota, the copy is refused.
    let db = &s.state.db;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let ann = stratus_entity::user::Entity::find_by_id(ann_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let group = stratus_entity::group::Entity::find_by_id(ann.group_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut full = ann.into_active_model();
    full.storage = Set(group.max_storage);
    full.update(db).await.unwrap();
    let refused = send(
        s,
        &p.bob,
        Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/report.txt"], "dst": p.anns("Team/Sub"), "copy": true}),
    )
    .await;
    assert_ne!(refused["code"], 0, "{refused}");
    let _ = People::id(&p.bob);
}
