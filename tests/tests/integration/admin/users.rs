//! `/admin/user`: lists with conditions, create, edit (ban, group, password, 2FA off),
//! calibrate, delete with the release of blobs, and the rules about one's own account.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::{dav_account, entity, share, user};
use stratus_server::boolset::Boolset;
use stratus_tests::{Session, TestServer};

use super::{PW, admin, admin_events, call, list, member, ok};
use crate::archive::{create, my, upload};

async fn id_of(server: &TestServer, email: &str) -> i64 {
    stratus_server::users::find_by_email(&server.state.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn edit(server: &TestServer, boss: &Session, id: i64, user: Value) -> Value {
    call(
        server,
        Some(boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(json!({ "user": user })),
    )
    .await
}

/// Lets the User group use WebDAV, through the admin API.
async fn allow_webdav(server: &TestServer, boss: &Session) {
    let g = ok(server, boss, Method::GET, "/admin/group/2", json!(null)).await;
    let mut bits = Boolset::from_base64(g["permissions"].as_str().unwrap()).unwrap();
    bits.set(stratus_server::boolset::group_perm::WEBDAV);
    let body = json!({"group": {"name": g["name"], "max_storage": g["max_storage"],
        "speed_limit": g["speed_limit"], "permissions": bits.to_base64(), "settings": g["settings"],
        "storage_policy_id": g["storage_policy_id"]}});
    ok(server, boss, Method::PUT, "/admin/group/2", body).await;
}

/// Creates a WebDAV account for `s`; returns its password.
async fn dav_password(server: &TestServer, s: &Session) -> String {
    let made = server
        .send_as(
            Method::PUT,
            "/devices/dav",
            &s.access_token,
            &json!({"uri": "cloudreve://my", "name": "laptop"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    made["data"]["password"].as_str().unwrap().to_owned()
}

async fn propfind(server: &TestServer, email: &str, pw: &str) -> u16 {
    server
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            server.url("/dav/"),
        )
        .basic_auth(email, Some(pw))
        .header("Depth", "0")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn users_are_listed_with_conditions_and_searches() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    for name in ["ann", "bob", "carol"] {
        server.create_user(&format!("{name}@example.com"), PW).await;
    }
    let carol = id_of(&server, "carol@example.com").await;
    let banned = edit(
        &server,
        &boss,
        carol,
        json!({"email": "carol@example.com", "status": "manual_banned"}),
    )
    .await;
    assert_eq!(banned["code"], 0, "{banned}");

    let all = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/user",
        list(2, json!({})),
    )
    .await;
    assert_eq!(all["pagination"]["total_items"], 4);
    assert_eq!(all["users"].as_array().unwrap().len(), 2);
    let first = &all["users"][0];
    assert_eq!(first["email"], "boss@example.com");
    assert_eq!(first["edges"]["group"]["id"], 1);
    assert!(first.get("password").is_none() && first.get("two_factor_secret").is_none());
    assert_eq!(
        first["hash_id"],
        server.state.ids.encode(
            first["id"].as_i64().unwrap(),
            stratus_server::ids::IdKind::User
        )
    );

    let mut page2 = list(2, json!({}));
    page2["page"] = json!(2);
    page2["order_direction"] = json!("desc");
    let second = ok(&server, &boss, Method::POST, "/admin/user", page2).await;
    assert_eq!(second["pagination"]["page"], 1);
    assert_eq!(second["users"][1]["email"], "boss@example.com");

    let by_status = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/user",
        list(10, json!({"user_status": "manual_banned"})),
    )
    .await;
    assert_eq!(by_status["pagination"]["total_items"], 1);
    assert_eq!(by_status["users"][0]["email"], "carol@example.com");
    let by_group = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/user",
        list(10, json!({"user_group": "2", "user_status": ""})),
    )
    .await;
    assert_eq!(by_group["pagination"]["total_items"], 3);
    let mut search = list(10, json!({}));
    search["searches"] = json!({"user_email": "BOB@"});
    let found = ok(&server, &boss, Method::POST, "/admin/user", search).await;
    assert_eq!(found["pagination"]["total_items"], 1);
    assert_eq!(found["users"][0]["email"], "bob@example.com");
    let literal = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/user",
        list(10, json!({"user_nick": "%"})),
    )
    .await;
    assert_eq!(literal["pagination"]["total_items"], 0);

    let mut bad_order = list(10, json!({}));
    bad_order["order_by"] = json!("password");
    for body in [
        bad_order,
        list(10, json!({"made_up": "1"})),
        list(10, json!({"user_group": "two"})),
        json!({"page": 0, "page_size": 10}),
        json!({"page": 1, "page_size": 5000}),
    ] {
        let resp = call(
            &server,
            Some(&boss),
            Method::POST,
            "/admin/user",
            Some(body.clone()),
        )
        .await;
        assert_eq!(resp["code"], 40001, "{body}: {resp}");
    }
}

#[tokio::test]
async fn accounts_are_created_and_edited() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/user",
        json!({
        "user": {"email": "Dan@Example.com", "nick": "Dan", "group_users": 2},
        "password": "first-password"}),
    )
    .await;
    assert_eq!(made["email"], "dan@example.com");
    assert_eq!(made["status"], "active");
    assert_eq!(made["capacity"]["total"], 1 << 30);
    let id = made["id"].as_i64().unwrap();
    let row = user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.password.unwrap().starts_with("$argon2id$"));
    server.login("dan@example.com", "first-password").await;

    for (body, code) in [
        (json!({"user": {"email": "eve@example.com"}}), 40001),
        (
            json!({"user": {"email": "dan@example.com"}, "password": "password123"}),
            40032,
        ),
        (
            json!({"user": {"email": "eve@example.com", "group_users": 3}, "password": "password123"}),
            40001,
        ),
        (
            json!({"user": {"email": "eve@example.com", "group_users": 9}, "password": "password123"}),
            40039,
        ),
        (
            json!({"user": {"email": "eve@example.com", "status": "gone"}, "password": "password123"}),
            40001,
        ),
        (
            json!({"user": {"email": "not-an-address"}, "password": "password123"}),
            40001,
        ),
        (
            json!({"user": {"email": "eve@example.com"}, "password": "short"}),
            40001,
        ),
    ] {
        let resp = call(
            &server,
            Some(&boss),
            Method::PUT,
            "/admin/user",
            Some(body.clone()),
        )
        .await;
        assert_eq!(resp["code"], code, "{body}: {resp}");
    }

    // New password, nick and 2FA off.
    let mut row = user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.two_factor_secret = Set(Some("JBSWY3DPEHPK3PXP".into()));
    row.update(&server.state.db).await.unwrap();
    let got = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/user/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(got["two_fa_enabled"], true);
    let changed = call(
        &server,
        Some(&boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(json!({
        "user": {"id": id, "email": "dan@example.com", "nick": "Daniel", "two_fa_enabled": false},
        "password": "second-password"})),
    )
    .await;
    assert_eq!(changed["code"], 0, "{changed}");
    assert_eq!(changed["data"]["nick"], "Daniel");
    assert_eq!(changed["data"]["two_fa_enabled"], false);
    server.login("dan@example.com", "second-password").await;
    let old = server
        .login_envelope("dan@example.com", "first-password")
        .await;
    assert_eq!(old["code"], 40080, "{old}");
    let kept = edit(&server, &boss, id, json!({"email": "dan@example.com"})).await;
    assert_eq!(kept["data"]["nick"], "Daniel", "{kept}");
    assert_eq!(kept["data"]["group_users"], 2);
    let clash = edit(&server, &boss, id, json!({"email": "boss@example.com"})).await;
    assert_eq!(clash["code"], 40032, "{clash}");
    let missing = edit(&server, &boss, 999, json!({"email": "x@example.com"})).await;
    assert_eq!(missing["code"], 40021, "{missing}");

    let events = admin_events(&server, &boss, "user").await;
    let update = events
        .iter()
        .find(|e| e["content"]["action"] == "update")
        .unwrap();
    let changes = &update["content"]["changes"];
    assert_eq!(changes["nick"], json!({"from": "Dan", "to": "Daniel"}));
    assert_eq!(changes["password"]["to"], "<secret>");
    assert!(!serde_json::to_string(&events).unwrap().contains("argon2"));
}

#[tokio::test]
async fn nobody_can_ban_demote_or_delete_themselves() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let me = id_of(&server, "boss@example.com").await;
    for change in [
        json!({"email": "boss@example.com", "status": "manual_banned"}),
        json!({"email": "boss@example.com", "group_users": 2}),
    ] {
        let resp = edit(&server, &boss, me, change.clone()).await;
        assert_eq!(resp["code"], 40043, "{change}: {resp}");
    }
    let resp = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/user/batch/delete",
        Some(json!({"ids": [me]})),
    )
    .await;
    assert_eq!(resp["code"], 40081, "{resp}");
    assert_eq!(
        resp["aggregated_error"][me.to_string()]["code"],
        40043,
        "{resp}"
    );
    let resp = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/user/batch/delete",
        Some(json!({"ids": []})),
    )
    .await;
    assert_eq!(resp["code"], 40001, "{resp}");
    // Still an administrator.
    ok(&server, &boss, Method::GET, "/admin/summary", json!(null)).await;
}

#[tokio::test]
async fn a_ban_stops_sessions_webdav_and_share_links_on_every_instance() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    let boss = admin(&server, "boss@example.com").await;
    allow_webdav(&server, &boss).await;
    let ann = member(&server, "ann@example.com").await;
    let pw = dav_password(&server, &ann).await;
    upload(&server, &ann, &my("doc.txt"), b"hello").await;
    let (share_id, _) = server.share(&ann, &my("doc.txt"), json!({})).await;
    let share_path = format!("/share/info/{share_id}");
    for s in [&server, &sibling] {
        assert_eq!(s.get_as("/user/me", &ann.access_token).await["code"], 0);
        assert_eq!(propfind(s, "ann@example.com", &pw).await, 207);
        assert_eq!(s.get_api(&share_path).await["code"], 0);
    }

    let id = id_of(&server, "ann@example.com").await;
    let banned = edit(
        &server,
        &boss,
        id,
        json!({"email": "ann@example.com", "status": "manual_banned"}),
    )
    .await;
    assert_eq!(banned["code"], 0, "{banned}");
    for s in [&server, &sibling] {
        assert_eq!(s.get_as("/user/me", &ann.access_token).await["code"], 40017);
        assert_ne!(s.get_api(&share_path).await["code"], 0);
        let refresh = s
            .send_api(
                Method::POST,
                "/session/token/refresh",
                &json!({"refresh_token": ann.refresh_token}).to_string(),
            )
            .await
            .1;
        assert_ne!(refresh["code"], 0, "{refresh}");
    }
    // This instance at once; the sibling re-reads WebDAV sign-ins at least every second.
    assert_eq!(propfind(&server, "ann@example.com", &pw).await, 401);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while propfind(&sibling, "ann@example.com", &pw).await != 401 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sibling still signs ann in"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let lifted = edit(
        &server,
        &boss,
        id,
        json!({"email": "ann@example.com", "status": "active"}),
    )
    .await;
    assert_eq!(lifted["code"], 0, "{lifted}");
    assert_eq!(
        server.get_as("/user/me", &ann.access_token).await["code"],
        0
    );
    assert_eq!(propfind(&server, "ann@example.com", &pw).await, 207);
}

#[tokio::test]
async fn calibrate_recounts_storage_from_the_blobs() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    upload(&server, &ann, &my("a.bin"), &[7u8; 1000]).await;
    upload(&server, &ann, &my("b.bin"), &[8u8; 24]).await;
    let id = id_of(&server, "ann@example.com").await;
    let mut row = user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.storage = Set(5);
    row.update(&server.state.db).await.unwrap();
    let fixed = ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/user/{id}/calibrate"),
        json!({}),
    )
    .await;
    assert_eq!(fixed["storage"], 1024);
    assert_eq!(fixed["capacity"]["used"], 1024);
    let missing = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/user/999/calibrate",
        Some(json!({})),
    )
    .await;
    assert_eq!(missing["code"], 40021, "{missing}");
}

#[tokio::test]
async fn deleting_a_user_keeps_other_users_copies_and_recycles_the_rest() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    allow_webdav(&server, &boss).await;
    let ann = member(&server, "ann@example.com").await;
    let bob = member(&server, "bob@example.com").await;
    let pw = dav_password(&server, &ann).await;
    upload(&server, &ann, &my("own.txt"), b"only ann has this").await;
    upload(&server, &ann, &my("shared.txt"), b"bob keeps a copy").await;
    create(&server, &ann, &my("copies"), "folder").await;
    let copied = server
        .send_as(
            Method::POST,
            "/file/move",
            &ann.access_token,
            &json!({"uris": [my("shared.txt")], "dst": my("copies"), "copy": true}),
        )
        .await;
    assert_eq!(copied["code"], 0, "{copied}");
    server.share(&ann, &my("own.txt"), json!({})).await;
    let ann_id = id_of(&server, "ann@example.com").await;
    let bob_id = id_of(&server, "bob@example.com").await;

    // The administrator gives ann's copy to bob: both files now use one blob.
    let files = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/file",
        list(100, json!({"file_user": ann_id.to_string()})),
    )
    .await;
    let find = |name: &str, parent_name: Option<&str>| -> Value {
        let rows = files["files"].as_array().unwrap();
        let parent =
            parent_name.map(|p| rows.iter().find(|r| r["name"] == p).unwrap()["id"].clone());
        rows.iter()
            .find(|r| r["name"] == name && parent.as_ref().is_none_or(|p| &r["file_children"] == p))
            .unwrap()
            .clone()
    };
    let copy = find("shared.txt", Some("copies"));
    let own = find("own.txt", None);
    let given = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/file/{}", copy["id"]),
        json!({"file": {"name": "from-ann.txt", "owner_id": bob_id}}),
    )
    .await;
    assert_eq!(given["owner_id"], bob_id);
    let shared_blob = given["primary_entity"].as_i64().unwrap();
    let own_blob = own["primary_entity"].as_i64().unwrap();
    let db = server.state.db.clone();
    let blob_row = |id: i64| {
        let db = db.clone();
        async move { entity::Entity::find_by_id(id).one(&db).await.unwrap() }
    };
    assert_eq!(blob_row(shared_blob).await.unwrap().reference_count, 2);
    let own_path = blob_row(own_blob).await.unwrap().source;
    let stored = server.state.storage.driver(1).await.unwrap();
    assert!(stored.head(&own_path).await.is_ok());

    let deleted = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/user/batch/delete",
        Some(json!({"ids": [ann_id, 999]})),
    )
    .await;
    assert_eq!(deleted["code"], 40081, "{deleted}");
    assert_eq!(
        deleted["aggregated_error"]["999"]["code"], 40021,
        "{deleted}"
    );

    // Ann is gone with her sessions, WebDAV accounts and shares.
    assert!(
        user::Entity::find_by_id(ann_id)
            .one(&server.state.db)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        server.get_as("/user/me", &ann.access_token).await["code"],
        401
    );
    assert_eq!(propfind(&server, "ann@example.com", &pw).await, 401);
    assert!(
        dav_account::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        share::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    // Bob's copy still works; its blob lost one reference.
    assert_eq!(
        server.download(&bob, &my("from-ann.txt")).await,
        b"bob keeps a copy"
    );
    assert_eq!(blob_row(shared_blob).await.unwrap().reference_count, 1);
    // Ann's own blob has no reference left and is recycled with its bytes.
    assert_eq!(blob_row(own_blob).await.unwrap().reference_count, 0);
    stratus_server::fs::recycle::collect_stale_entities(&server.state, Duration::ZERO)
        .await
        .unwrap();
    assert!(blob_row(own_blob).await.is_none());
    assert!(blob_row(shared_blob).await.is_some());
    assert!(matches!(
        stored.head(&own_path).await,
        Err(stratus_server::storage::StorageError::NotFound)
    ));

    let events = admin_events(&server, &boss, "user").await;
    let gone = events
        .iter()
        .find(|e| e["content"]["action"] == "delete")
        .unwrap();
    assert_eq!(gone["content"]["id"], ann_id);
}
