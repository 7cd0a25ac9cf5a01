//! What an editor is offered, and what the owner is told of an editor's changes: inside a
//! folder shared for editing each item carries the rename and delete capabilities (the folder
//! itself not); a rename or a delete is journaled with its author, and a trashed item says who
//! trashed it (`sys:deleted_by`).

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::fs_change::{self, kind};
use stratus_server::boolset::{Boolset, fs_cap};

use super::{People, ann_grants, list, send, setup};
use crate::download::uid;

/// The capabilities `listed` gives its entry `name`.
fn caps_of(listed: &Value, name: &str) -> Boolset {
    let file = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {listed}"));
    Boolset::from_base64(file["capability"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn an_editor_may_rename_and_delete_each_item_a_viewer_may_not() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "write").await;
    let listed = list(s, &p.bob, &p.anns("Team")).await;
    for name in ["a.txt", "Sub"] {
        let caps = caps_of(&listed, name);
        for bit in [fs_cap::RENAME, fs_cap::SOFT_DELETE, fs_cap::DOWNLOAD] {
            assert!(caps.enabled(bit), "{name} lacks {bit}: {listed}");
        }
    }
    ann_grants(&p, "Team", &p.bob, "read").await;
    let listed = list(s, &p.bob, &p.anns("Team")).await;
    let caps = caps_of(&listed, "a.txt");
    assert!(caps.enabled(fs_cap::DOWNLOAD), "{listed}");
    assert!(!caps.enabled(fs_cap::RENAME) && !caps.enabled(fs_cap::SOFT_DELETE));
}

#[tokio::test]
async fn the_owner_is_told_who_renamed_and_who_trashed() {
    let p: People = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "write").await;
    let renamed = send(
        s,
        &p.bob,
        Method::POST,
        "/file/rename",
        json!({"uri": p.anns("Team/a.txt"), "new_name": "a2.txt"}),
    )
    .await;
    assert_eq!(renamed["code"], 0, "{renamed}");
    let deleted = send(
        s,
        &p.bob,
        Method::DELETE,
        "/file",
        json!({"uris": [p.anns("Team/a2.txt")]}),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    // Ann's own delete names her.
    let own = send(
        s,
        &p.ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/Private/p.txt"]}),
    )
    .await;
    assert_eq!(own["code"], 0, "{own}");

    let (ann, bob) = (uid(s, &p.ann), uid(s, &p.bob));
    let journal = fs_change::Entity::find()
        .filter(fs_change::Column::OwnerId.eq(ann))
        .all(&s.state.db)
        .await
        .unwrap();
    // The last three: the setup's own changes come first.
    let authors: Vec<(i16, &str, Option<i64>)> = journal[journal.len() - 3..]
        .iter()
        .map(|c| (c.kind, c.from_path.as_str(), c.actor_id))
        .collect();
    assert_eq!(
        authors,
        [
            (kind::RENAME, "/Team/a.txt", Some(bob)),
            (kind::DELETE, "/Team/a2.txt", Some(bob)),
            (kind::DELETE, "/Private/p.txt", Some(ann)),
        ],
        "{journal:?}"
    );

    let trash = list(s, &p.ann, "cloudreve://trash").await;
    let by: Vec<(&str, &str)> = trash["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["metadata"]["sys:deleted_by"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("a2.txt", People::id(&p.bob).as_str()),
            ("p.txt", People::id(&p.ann).as_str())
        ],
        "{trash}"
    );
    // Restored, the item no longer says who trashed it.
    let item = trash["data"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = send(
        s,
        &p.ann,
        Method::POST,
        "/file/restore",
        json!({"uris": [item]}),
    )
    .await;
    assert_eq!(back["code"], 0, "{back}");
    let info = s
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2FTeam%2Fa2.txt",
            &p.ann.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");
    assert!(
        info["data"]["metadata"].get("sys:deleted_by").is_none(),
        "{info}"
    );
}
