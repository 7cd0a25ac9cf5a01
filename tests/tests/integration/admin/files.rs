//! `/admin/file`, `/admin/entity`, `/admin/share` and `/admin/event`: every user's files,
//! blobs, share links and the audit log, end to end.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::entity;
use stratus_tests::{Session, TestServer};

use super::{admin, admin_events, call, list, member, ok};
use crate::archive::{create, my, upload};

async fn uid(server: &TestServer, email: &str) -> i64 {
    stratus_server::users::find_by_email(&server.state.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The admin row of `owner`'s file called `name`.
async fn file_named(server: &TestServer, boss: &Session, owner: i64, name: &str) -> Value {
    let mut body = list(100, json!({"file_user": owner.to_string()}));
    body["searches"] = json!({"file_name": name});
    let found = ok(server, boss, Method::POST, "/admin/file", body).await;
    found["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no file {name}: {found}"))
}

async fn code(
    server: &TestServer,
    s: &Session,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    call(server, Some(s), method, path, body).await
}

#[tokio::test]
async fn files_are_listed_read_renamed_given_away_and_deleted() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let bob = member(&server, "bob@example.com").await;
    upload(&server, &ann, &my("a.txt"), b"alpha").await;
    upload(&server, &ann, &my("docs/b.txt"), b"bravo!").await;
    server.share(&ann, &my("a.txt"), json!({})).await;
    let (ann_id, bob_id) = (
        uid(&server, "ann@example.com").await,
        uid(&server, "bob@example.com").await,
    );

    let all = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/file",
        list(100, json!({"file_user": ann_id.to_string()})),
    )
    .await;
    // The root, a.txt, docs and docs/b.txt.
    assert_eq!(all["pagination"]["total_items"], 4, "{all}");
    let by_policy = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/file",
        list(100, json!({"file_policy": "1"})),
    )
    .await;
    let rows = by_policy["files"].as_array().unwrap();
    assert!(
        rows.len() >= 2 && rows.iter().all(|f| f["storage_policy_files"] == 1),
        "{by_policy}"
    );

    let a = file_named(&server, &boss, ann_id, "a.txt").await;
    assert_eq!(a["edges"]["owner"]["email"], "ann@example.com");
    assert_eq!(a["user_hash_id"], ann.user["id"]);
    let id = a["id"].as_i64().unwrap();
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/file/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(detail["edges"]["entities"].as_array().unwrap().len(), 1);
    assert_eq!(detail["edges"]["shares"].as_array().unwrap().len(), 1);
    assert_eq!(detail["size"], 5);

    // The administrator downloads another user's file.
    let url = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/file/url/{id}"),
        json!(null),
    )
    .await;
    let got = server
        .client
        .get(url.as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"alpha");

    // Rename, with the name rules and the folder's other names.
    let renamed = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/file/{id}"),
        json!({"file": {"name": "first.txt", "owner_id": ann_id}}),
    )
    .await;
    assert_eq!(renamed["name"], "first.txt");
    assert_eq!(
        server
            .get_as(
                &format!(
                    "/file/info?uri={}",
                    stratus_tests::query_escape(&my("first.txt"))
                ),
                &ann.access_token
            )
            .await["code"],
        0
    );
    let docs = file_named(&server, &boss, ann_id, "docs").await;
    for (name, want) in [("docs", 40004), ("a/b", 40001), ("", 40001)] {
        let resp = code(
            &server,
            &boss,
            Method::PUT,
            &format!("/admin/file/{id}"),
            Some(json!({"file": {"name": name, "owner_id": ann_id}})),
        )
        .await;
        assert_eq!(resp["code"], want, "{name}: {resp}");
    }

    // The folder goes to bob with what is inside, and its storage with it.
    let (ann_before, bob_before) = (
        server.storage_of(ann_id).await,
        server.storage_of(bob_id).await,
    );
    let given = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/file/{}", docs["id"]),
        json!({"file": {"name": "docs", "owner_id": bob_id}}),
    )
    .await;
    assert_eq!(given["owner_id"], bob_id);
    assert_eq!(server.storage_of(ann_id).await, ann_before - 6);
    assert_eq!(server.storage_of(bob_id).await, bob_before + 6);
    let listed = server
        .get_as(
            &format!("/file?uri={}", stratus_tests::query_escape(&my("docs"))),
            &bob.access_token,
        )
        .await;
    assert_eq!(listed["data"]["files"][0]["name"], "b.txt", "{listed}");
    let gone = server
        .get_as(
            &format!("/file?uri={}", stratus_tests::query_escape(&my("docs"))),
            &ann.access_token,
        )
        .await;
    assert_ne!(gone["code"], 0, "{gone}");
    let nobody = code(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/file/{id}"),
        Some(json!({"file": {"name": "x", "owner_id": 999}})),
    )
    .await;
    assert_eq!(nobody["code"], 40021, "{nobody}");

    // Permanent delete; a root folder and an unknown id are reported, the rest done.
    let root = all["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "")
        .unwrap()["id"]
        .clone();
    let deleted = code(
        &server,
        &boss,
        Method::POST,
        "/admin/file/batch/delete",
        Some(json!({"ids": [id, root, 99999]})),
    )
    .await;
    assert_eq!(deleted["code"], 40081, "{deleted}");
    assert_eq!(
        deleted["aggregated_error"][root.to_string()]["code"],
        40001,
        "{deleted}"
    );
    assert_eq!(
        deleted["aggregated_error"]["99999"]["code"], 40044,
        "{deleted}"
    );
    let missing = code(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/file/{id}"),
        None,
    )
    .await;
    assert_eq!(missing["code"], 40044);
    let blob = a["primary_entity"].as_i64().unwrap();
    let row = entity::Entity::find_by_id(blob)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.reference_count, 0);
    assert_eq!(server.storage_of(ann_id).await, 0);

    let actions: Vec<String> = admin_events(&server, &boss, "file")
        .await
        .iter()
        .map(|e| e["content"]["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["update", "update", "delete"]);
}

#[tokio::test]
async fn entities_are_listed_and_deleted_only_when_free_or_forced() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    upload(&server, &ann, &my("v.txt"), b"version one").await;
    let ann_id = uid(&server, "ann@example.com").await;
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/entity",
        list(
            10,
            json!({"entity_user": ann_id.to_string(), "entity_type": "0"}),
        ),
    )
    .await;
    assert_eq!(page["pagination"]["total_items"], 1, "{page}");
    let e = &page["entities"][0];
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["reference_count"], 1);
    assert_eq!(e["edges"]["storage_policy"]["id"], 1);
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/entity/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(detail["edges"]["file"][0]["name"], "v.txt");
    assert_eq!(
        detail["user_hash_id_map"][ann_id.to_string()],
        ann.user["id"]
    );
    let url = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/entity/url/{id}"),
        json!(null),
    )
    .await;
    let got = server
        .client
        .get(url.as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"version one");

    // Still used by a file: refused without force.
    let refused = code(
        &server,
        &boss,
        Method::POST,
        "/admin/entity/batch/delete",
        Some(json!({"ids": [id]})),
    )
    .await;
    assert_eq!(refused["code"], 40081, "{refused}");
    assert_eq!(
        refused["aggregated_error"][id.to_string()]["code"],
        40001,
        "{refused}"
    );
    let source = entity::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .source;
    let driver = server.state.storage.driver(1).await.unwrap();
    assert!(driver.head(&source).await.is_ok());

    let forced = code(
        &server,
        &boss,
        Method::POST,
        "/admin/entity/batch/delete",
        Some(json!({"ids": [id], "force": true})),
    )
    .await;
    assert_eq!(forced["code"], 0, "{forced}");
    assert!(
        entity::Entity::find_by_id(id)
            .one(&server.state.db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(driver.head(&source).await.is_err());
    // The file is now empty, and ann no longer pays for the blob.
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}",
                stratus_tests::query_escape(&my("v.txt"))
            ),
            &ann.access_token,
        )
        .await;
    assert_eq!(info["data"]["size"], 0, "{info}");
    assert_eq!(server.storage_of(ann_id).await, 0);
    assert_eq!(
        code(
            &server,
            &boss,
            Method::GET,
            &format!("/admin/entity/{id}"),
            None
        )
        .await["code"],
        40077
    );
}

#[tokio::test]
async fn shares_are_listed_and_deleted() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    upload(&server, &ann, &my("s.txt"), b"shared").await;
    create(&server, &ann, &my("folder"), "folder").await;
    let (first, _) = server
        .share(&ann, &my("s.txt"), json!({"password": "secret1"}))
        .await;
    server.share(&ann, &my("folder"), json!({})).await;
    let ann_id = uid(&server, "ann@example.com").await;

    let all = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/share",
        list(10, json!({"share_user_id": ann_id.to_string()})),
    )
    .await;
    assert_eq!(all["pagination"]["total_items"], 2);
    let row = &all["shares"][0];
    let share_id = row["id"].as_i64().unwrap();
    assert_eq!(row["edges"]["file"]["name"], "s.txt");
    assert!(
        row["share_link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/s/{first}/secret1")),
        "{row}"
    );
    let some = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/share",
        list(10, json!({"share_id": format!("{share_id}, 99")})),
    )
    .await;
    assert_eq!(some["pagination"]["total_items"], 1);
    let one = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/share/{share_id}"),
        json!(null),
    )
    .await;
    assert_eq!(one["user_hash_id"], ann.user["id"]);

    let info = format!("/share/info/{first}");
    assert_eq!(server.get_api(&info).await["code"], 0);
    let deleted = code(
        &server,
        &boss,
        Method::POST,
        "/admin/share/batch/delete",
        Some(json!({"ids": [share_id]})),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_ne!(server.get_api(&info).await["code"], 0);
    let again = code(
        &server,
        &boss,
        Method::POST,
        "/admin/share/batch/delete",
        Some(json!({"ids": [share_id]})),
    )
    .await;
    assert_eq!(
        again["aggregated_error"][share_id.to_string()]["code"],
        40058,
        "{again}"
    );
    assert_eq!(
        code(
            &server,
            &boss,
            Method::GET,
            &format!("/admin/share/{share_id}"),
            None
        )
        .await["code"],
        40058
    );
}

#[tokio::test]
async fn events_are_filtered_read_and_deleted() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let _ann = member(&server, "ann@example.com").await;
    let ann_id = uid(&server, "ann@example.com").await;
    let failed = server
        .login_envelope("ann@example.com", "wrong-password")
        .await;
    assert_ne!(failed["code"], 0);

    let logins = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/event",
        list(
            100,
            json!({"event_type": "5", "event_user_id": ann_id.to_string()}),
        ),
    )
    .await;
    assert_eq!(logins["pagination"]["total_items"], 1, "{logins}");
    let login = &logins["logs"][0];
    assert_eq!(login["ip"], "127.0.0.1");
    assert_eq!(login["edges"]["user"]["email"], "ann@example.com");
    let id = login["id"].as_i64().unwrap();
    let from_here = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/event",
        list(100, json!({"event_ip": "127.0.0.1"})),
    )
    .await;
    assert!(from_here["pagination"]["total_items"].as_i64().unwrap() >= 3);
    let now = chrono::Utc::now().timestamp();
    let past = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/event",
        list(100, json!({"event_created_to": (now - 3600).to_string()})),
    )
    .await;
    assert_eq!(past["pagination"]["total_items"], 0);
    let recent = ok(&server, &boss, Method::POST, "/admin/event",
        list(100, json!({"event_created_from": chrono::Utc::now().checked_sub_signed(chrono::Duration::hours(1)).unwrap().to_rfc3339()}))).await;
    assert!(recent["pagination"]["total_items"].as_i64().unwrap() >= 3);
    let bad = code(
        &server,
        &boss,
        Method::POST,
        "/admin/event",
        Some(list(10, json!({"event_created_from": "yesterday"}))),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");

    let one = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/event/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(one["type"], 5);
    let deleted = code(
        &server,
        &boss,
        Method::POST,
        "/admin/event/batch/delete",
        Some(json!({"ids": [id]})),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_eq!(
        code(
            &server,
            &boss,
            Method::GET,
            &format!("/admin/event/{id}"),
            None
        )
        .await["code"],
        404
    );
    let recorded = admin_events(&server, &boss, "event").await;
    assert_eq!(recorded[0]["content"]["changes"]["ids"], json!([id]));
}
