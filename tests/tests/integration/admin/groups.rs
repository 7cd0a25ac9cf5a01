//! `/admin/group`: list, get with `total_users`, create, edit, delete, and every refusal.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::Boolset;
use stratus_tests::{Session, TestServer};

use super::{admin, admin_events, call, list, member, ok};

fn perms(bits: &[usize]) -> String {
    Boolset::from_flags(bits).to_base64()
}

fn group(name: &str, bits: &[usize]) -> Value {
    json!({"group": {
        "name": name, "max_storage": 1 << 30, "speed_limit": 0, "permissions": perms(bits),
        "settings": {"source_batch": 5, "trash_retention": 3600, "redirected_source": true},
        "storage_policy_id": 1,
    }})
}

async fn put(server: &TestServer, s: &Session, path: &str, body: Value) -> Value {
    call(server, Some(s), Method::PUT, path, Some(body)).await
}

#[tokio::test]
async fn groups_are_listed_created_edited_and_deleted() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;

    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/group",
        list(10, json!({})),
    )
    .await;
    assert_eq!(page["pagination"]["total_items"], 3);
    assert_eq!(page["pagination"]["page"], 0);
    assert_eq!(page["groups"][0]["name"], "Admin");
    assert_eq!(page["groups"][0]["edges"]["storage_policies"]["id"], 1);
    assert!(
        page["groups"][0]["edges"]["storage_policies"]
            .get("secret_key")
            .is_none()
    );

    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/group",
        group("Staff", &[2, 3]),
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["permissions"], perms(&[2, 3]));
    assert_eq!(made["total_users"], 0);
    assert_eq!(made["settings"]["source_batch"], 5);

    let mut changed = group("Staff team", &[2, 3, 4]);
    changed["group"]["speed_limit"] = json!(1024);
    let edited = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/group/{id}"),
        changed,
    )
    .await;
    assert_eq!(edited["name"], "Staff team");
    assert_eq!(edited["speed_limit"], 1024);
    assert_eq!(edited["permissions"], perms(&[2, 3, 4]));
    // An edit keeps what it leaves out.
    let renamed = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/group/{id}"),
        json!({"group": {"name": "Staff team"}}),
    )
    .await;
    assert_eq!(renamed["permissions"], perms(&[2, 3, 4]));
    assert_eq!(renamed["speed_limit"], 1024);
    assert_eq!(renamed["settings"]["source_batch"], 5);
    assert_eq!(renamed["storage_policy_id"], 1);

    // A member's next request sees the group's new permissions.
    let ann = member(&server, "ann@example.com").await;
    let ann_id = stratus_server::users::find_by_email(&server.state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let moved = put(
        &server,
        &boss,
        &format!("/admin/user/{ann_id}"),
        json!({"user": {"email": "ann@example.com", "group_users": id}}),
    )
    .await;
    assert_eq!(moved["code"], 0, "{moved}");
    let me = server.get_as("/user/me", &ann.access_token).await;
    assert_eq!(me["data"]["group"]["name"], "Staff team");
    let got = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/group/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(got["total_users"], 1);

    // A group with members stays.
    let busy = call(
        &server,
        Some(&boss),
        Method::DELETE,
        &format!("/admin/group/{id}"),
        None,
    )
    .await;
    assert_eq!(busy["code"], 40041, "{busy}");
    let back = put(
        &server,
        &boss,
        &format!("/admin/user/{ann_id}"),
        json!({"user": {"email": "ann@example.com", "group_users": 2}}),
    )
    .await;
    assert_eq!(back["code"], 0, "{back}");

    // The group new accounts join stays too.
    let resp = call(
        &server,
        Some(&boss),
        Method::PATCH,
        "/admin/settings",
        Some(json!({"settings": {"default_group": id.to_string()}})),
    )
    .await;
    assert_eq!(resp["code"], 0, "{resp}");
    let default = call(
        &server,
        Some(&boss),
        Method::DELETE,
        &format!("/admin/group/{id}"),
        None,
    )
    .await;
    assert_eq!(default["code"], 40040, "{default}");
    let resp = call(
        &server,
        Some(&boss),
        Method::PATCH,
        "/admin/settings",
        Some(json!({"settings": {"default_group": "2"}})),
    )
    .await;
    assert_eq!(resp["code"], 0, "{resp}");

    let gone = call(
        &server,
        Some(&boss),
        Method::DELETE,
        &format!("/admin/group/{id}"),
        None,
    )
    .await;
    assert_eq!(gone["code"], 0, "{gone}");
    let missing = call(
        &server,
        Some(&boss),
        Method::GET,
        &format!("/admin/group/{id}"),
        None,
    )
    .await;
    assert_eq!(missing["code"], 40039, "{missing}");

    let events = admin_events(&server, &boss, "group").await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["content"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    assert_eq!(
        events[1]["content"]["changes"]["name"],
        json!({"from": "Staff", "to": "Staff team"})
    );
    assert_eq!(events[1]["user_id"], boss_id(&server).await);
}

async fn boss_id(server: &TestServer) -> i64 {
    stratus_server::users::find_by_email(&server.state.db, "boss@example.com")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn system_groups_and_bad_groups_are_refused() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    for id in [1, 2, 3] {
        let resp = call(
            &server,
            Some(&boss),
            Method::DELETE,
            &format!("/admin/group/{id}"),
            None,
        )
        .await;
        assert_eq!(resp["code"], 40040, "group {id}: {resp}");
    }
    let mut bad_bits = group("x", &[2]);
    bad_bits["group"]["permissions"] = json!("not base64!");
    let mut bad_settings = group("x", &[2]);
    bad_settings["group"]["settings"]["trash_retention"] = json!(-1);
    let mut bad_policy = group("x", &[2]);
    bad_policy["group"]["storage_policy_id"] = json!(99);
    let mut with_id = group("x", &[2]);
    with_id["group"]["id"] = json!(7);
    for (body, code) in [
        (group("", &[2]), 40001),
        (group("x", &[1, 2]), 40001),
        (bad_bits, 40001),
        (bad_settings, 40001),
        (bad_policy, 40035),
        (with_id, 40001),
        (json!({"group": {"max_storage": 1}}), 40001),
    ] {
        let resp = put(&server, &boss, "/admin/group", body.clone()).await;
        assert_eq!(resp["code"], code, "{body}: {resp}");
    }
    // The anonymous group can never be an admin group.
    let resp = put(
        &server,
        &boss,
        "/admin/group/3",
        group("Anonymous", &[0, 1, 7]),
    )
    .await;
    assert_eq!(resp["code"], 40001, "{resp}");
    let missing = put(&server, &boss, "/admin/group/99", group("x", &[2])).await;
    assert_eq!(missing["code"], 40039, "{missing}");
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/group",
        list(10, json!({})),
    )
    .await;
    assert_eq!(page["pagination"]["total_items"], 3, "nothing was created");
}

#[tokio::test]
async fn an_edit_cannot_leave_no_group_with_the_admin_permission() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    // The initial admin group keeps it.
    let resp = put(&server, &boss, "/admin/group/1", group("Admin", &[2, 3])).await;
    assert_eq!(resp["code"], 40043, "{resp}");

    // A second admin group, with a second administrator in it.
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/group",
        group("Ops", &[0, 2]),
    )
    .await;
    let ops = made["id"].as_i64().unwrap();
    stratus_server::users::create(&server.state.db, "eve@example.com", super::PW, ops)
        .await
        .unwrap();
    let eve = server.login("eve@example.com", super::PW).await;
    // Nobody takes the admin permission from their own group.
    let own = strip_admin(&eve, &server, ops).await;
    assert_eq!(own["code"], 40043, "{own}");
    // Another administrator may.
    let other = strip_admin(&boss, &server, ops).await;
    assert_eq!(other["code"], 0, "{other}");
    let refused = call(&server, Some(&eve), Method::GET, "/admin/summary", None).await;
    assert_eq!(refused["code"], 403, "{refused}");

    async fn strip_admin(s: &Session, server: &TestServer, ops: i64) -> Value {
        call(
            server,
            Some(s),
            Method::PUT,
            &format!("/admin/group/{ops}"),
            Some(group("Ops", &[2])),
        )
        .await
    }
}
