//! Admin API additions of Cloudreve 4.1-4.16: file list conditions `file_metadata`,
//! `file_shared` and `file_direct_link`; entity `props`; a node's `settings.url_validation`;
//! a group saved without a storage policy.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file};
use stratus_tests::{Session, TestServer};

use super::{admin, call, list, member, ok};

async fn create(server: &TestServer, s: &Session, name: &str) {
    let r = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": format!("cloudreve://my/{name}"), "type": "file"}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
}

async fn names(server: &TestServer, boss: &Session, conditions: Value) -> Vec<String> {
    let page = ok(
        server,
        boss,
        Method::POST,
        "/admin/file",
        list(100, conditions),
    )
    .await;
    let mut names: Vec<String> = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn files_are_filtered_by_metadata_shares_and_direct_links() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    for name in ["tagged.txt", "shared.txt", "linked.txt", "plain.txt"] {
        create(&server, &ann, name).await;
    }
    let r = server
        .send_as(
            Method::PATCH,
            "/file/metadata",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/tagged.txt"],
                    "patches": [{"key": "tag:work", "value": ""}]}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    server
        .share(&ann, "cloudreve://my/shared.txt", json!({}))
        .await;
    let r = server
        .send_as(
            Method::PUT,
            "/file/source",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/linked.txt"]}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");

    assert_eq!(
        names(&server, &boss, json!({"file_metadata": "tag:work"})).await,
        ["tagged.txt"]
    );
    assert_eq!(
        names(&server, &boss, json!({"file_shared": "true"})).await,
        ["shared.txt"]
    );
    assert_eq!(
        names(&server, &boss, json!({"file_direct_link": "1"})).await,
        ["linked.txt"]
    );
    assert_eq!(
        names(
            &server,
            &boss,
            json!({"file_metadata": "tag:work", "file_shared": "1"})
        )
        .await,
        Vec::<String>::new()
    );
    // Unticked conditions filter nothing.
    assert_eq!(
        names(&server, &boss, json!({"file_shared": "false"}))
            .await
            .len(),
        5
    );
}

#[tokio::test]
async fn entity_rows_carry_props() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    create(&server, &ann, "v.txt").await;
    let f = file::Entity::find()
        .filter(file::Column::Name.eq("v.txt"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let blob = server.attach_blob(f.id, 4).await;
    let mut active: entity::ActiveModel = blob.clone().into();
    active.recycle_options = Set(Some(json!({"unlink_only": true})));
    active.update(&server.state.db).await.unwrap();
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/entity/{}", blob.id),
        json!(null),
    )
    .await;
    assert_eq!(detail["props"], json!({"unlink_only": true}), "{detail}");
    assert!(detail.get("recycle_options").is_none());
}

#[tokio::test]
async fn node_url_validation_is_checked_and_kept() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let nodes = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/node",
        list(10, json!({})),
    )
    .await;
    let master = nodes["nodes"][0].clone();
    let id = master["id"].as_i64().unwrap();
    let save = |settings: Value| {
        let mut node = master.clone();
        node["settings"] = settings;
        let server = &server;
        let boss = &boss;
        async move {
            call(
                server,
                Some(boss),
                Method::PUT,
                &format!("/admin/node/{id}"),
                Some(json!({"node": node})),
            )
            .await
        }
    };
    for bad in [
        json!({"url_validation": "off"}),
        json!({"url_validation": {"disabled": "yes"}}),
        json!({"url_validation": {"allowed_cidrs": ["10.0.0.0/33"]}}),
        json!({"url_validation": {"allowed_hosts": ["bad host"]}}),
    ] {
        let r = save(bad.clone()).await;
        assert_eq!(r["code"], 40001, "{bad}: {r}");
    }
    let good = json!({"url_validation": {"disabled": false,
        "allowed_hosts": ["files.lan", "192.168.1.5"], "allowed_cidrs": ["10.0.0.0/8"]}});
    let r = save(good.clone()).await;
    assert_eq!(r["code"], 0, "{r}");
    let read = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/node/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(
        read["settings"]["url_validation"], good["url_validation"],
        "{read}"
    );
}

#[tokio::test]
async fn a_group_may_have_no_storage_policy() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/group",
        json!({"group": {"name": "No storage", "max_storage": 0}}),
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    let read = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/group/{id}"),
        json!(null),
    )
    .await;
    assert!(
        read.get("storage_policy_id").is_none()
            || read["storage_policy_id"].is_null()
            || read["storage_policy_id"] == 0,
        "{read}"
    );
}
