//! `GET /admin/user/:id/folders`: an administrator lists the folders of another user's drive
//! below a folder (folders only, by name, paged), for the backup task form's folder picker;
//! anyone else is refused.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};

use super::{admin, call, member, ok};
use crate::archive::create;

fn user_id(server: &TestServer, s: &Session) -> i64 {
    let hash = s.user["id"].as_str().unwrap();
    server.state.ids.decode(hash, IdKind::User).unwrap()
}

fn names(data: &Value) -> Vec<&str> {
    data["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_admin_lists_a_users_folders_and_others_are_refused() {
    let server = TestServer::start().await;
    let root = admin(&server, "root@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let bob = member(&server, "bob@example.com").await;
    for uri in ["Photos", "Docs", "Archive", "Docs/2024", "Docs/2025"] {
        create(&server, &ann, &format!("cloudreve://my/{uri}"), "folder").await;
    }
    create(&server, &ann, "cloudreve://my/notes.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Docs/plan.txt", "file").await;
    let ann_id = user_id(&server, &ann);
    let path = |query: &str| format!("/admin/user/{ann_id}/folders{query}");

    // The root by default: folders only, by name.
    let top = ok(&server, &root, Method::GET, &path(""), json!({})).await;
    assert_eq!(names(&top), ["Archive", "Docs", "Photos"], "{top}");
    assert_eq!(top["folders"][1]["uri"], "cloudreve://my/Docs");
    assert_eq!(top["pagination"]["total_items"], 3);

    // Below a folder, a page at a time.
    let docs = ok(
        &server,
        &root,
        Method::GET,
        &path("?uri=cloudreve%3A%2F%2Fmy%2FDocs&page=2&page_size=1"),
        json!({}),
    )
    .await;
    assert_eq!(names(&docs), ["2025"], "{docs}");
    assert_eq!(docs["folders"][0]["uri"], "cloudreve://my/Docs/2025");
    assert_eq!(docs["pagination"]["total_items"], 2);

    // A path that is no folder of hers, an unknown user, a bad address.
    let missing = call(
        &server,
        Some(&root),
        Method::GET,
        &path("?uri=cloudreve%3A%2F%2Fmy%2Fnope"),
        None,
    )
    .await;
    assert_eq!(missing["code"], 40044, "{missing}");
    let file = call(
        &server,
        Some(&root),
        Method::GET,
        &path("?uri=cloudreve%3A%2F%2Fmy%2Fnotes.txt"),
        None,
    )
    .await;
    assert_eq!(file["code"], 40044, "{file}");
    let nobody = call(
        &server,
        Some(&root),
        Method::GET,
        "/admin/user/999999/folders",
        None,
    )
    .await;
    assert_eq!(nobody["code"], 40021, "{nobody}");
    let trash = call(
        &server,
        Some(&root),
        Method::GET,
        &path("?uri=cloudreve%3A%2F%2Ftrash"),
        None,
    )
    .await;
    assert_eq!(trash["code"], 40001, "{trash}");

    // Another user, even asking for their own drive, and a visitor are refused.
    let refused = call(&server, Some(&bob), Method::GET, &path(""), None).await;
    assert_eq!(refused["code"], 403, "{refused}");
    let own = format!("/admin/user/{}/folders", user_id(&server, &bob));
    let refused = call(&server, Some(&bob), Method::GET, &own, None).await;
    assert_eq!(refused["code"], 403, "{refused}");
    let anonymous = call(&server, None, Method::GET, &path(""), None).await;
    assert_eq!(anonymous["code"], 401, "{anonymous}");
}
