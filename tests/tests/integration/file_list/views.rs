//! `PATCH /file/view` (views saved and inherited) and `PUT`/`DELETE /file/pin`.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::{User, create, folder_row, list, names, user};

#[tokio::test]
async fn views_round_trip_and_are_inherited() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for n in 0..60 {
        create(&server, &ann, &format!("cloudreve://my/V/f{n:02}"), "file").await;
    }
    create(&server, &ann, "cloudreve://my/V/sub/x", "file").await;
    let v_before = folder_row(&server, ann.id, "V").await;
    let view = json!({
        "page_size": 50,
        "order": "name",
        "order_direction": "desc",
        "view": "list",
        "thumbnail": false,
        "gallery_width": 120,
        "columns": [
            {"type": 0, "width": 200},
            {"type": 5, "props": {"metadata_key": "tag:x"}},
            {"type": 8, "props": {"custom_props_id": "rating"}},
        ],
    });
    let patch = |body: Value| {
        let server = &server;
        let token = ann.token.clone();
        async move {
            server
                .send_as(Method::PATCH, "/file/view", &token, &body)
                .await
        }
    };
    let body = patch(json!({"uri": "cloudreve://my/V", "view": view})).await;
    assert_eq!(body["code"], 0, "{body}");
    let v_after = folder_row(&server, ann.id, "V").await;
    assert_eq!(v_after.updated_at, v_before.updated_at);

    let data = list(&server, &ann, "cloudreve://my/V", &[]).await;
    assert_eq!(data["view"], view);
    // The view's page size and order apply when the request gives none.
    assert_eq!(data["pagination"]["page_size"], 50);
    assert_eq!(names(&data)[0], "sub");
    assert_eq!(names(&data)[1], "f59");
    assert_eq!(data["files"].as_array().unwrap().len(), 50);
    // The request wins over the view.
    let data = list(
        &server,
        &ann,
        "cloudreve://my/V",
        &[("page_size", "3"), ("order_direction", "asc")],
    )
    .await;
    assert_eq!(names(&data), ["sub", "f00", "f01"]);
    // As Cloudreve, the view shows the page size in force: the requested one.
    assert_eq!(data["view"]["page_size"], 3, "{}", data["view"]);
    assert_eq!(data["view"]["order"], "name");
    // Sub-folders inherit it; other folders do not.
    let sub = list(&server, &ann, "cloudreve://my/V/sub", &[]).await;
    assert_eq!(sub["view"], view);
    let root = list(&server, &ann, "cloudreve://my", &[]).await;
    assert_eq!(root["view"]["page_size"], 100);

    // Invalid views.
    for bad in [
        json!({"page_size": 10}),
        json!({"page_size": 5000}),
        json!({"page_size": 100, "order": "owner"}),
        json!({"page_size": 100, "order_direction": "up"}),
        json!({"page_size": 100, "view": "table"}),
        json!({"page_size": 100, "gallery_width": 20}),
        json!({"page_size": 100, "columns": "all"}),
        json!({"order": "name"}),
    ] {
        let body = patch(json!({"uri": "cloudreve://my/V", "view": bad})).await;
        assert_eq!(body["code"], 40001, "{bad}: {body}");
    }
    let body = patch(json!({"uri": "cloudreve://my/V/f00", "view": {"page_size": 100}})).await;
    assert_eq!(body["code"], 40001, "a file: {body}");
    let body = patch(json!({"uri": "cloudreve://my/None", "view": {"page_size": 100}})).await;
    assert_eq!(body["code"], 404, "{body}");

    // null removes it.
    let body = patch(json!({"uri": "cloudreve://my/V", "view": null})).await;
    assert_eq!(body["code"], 0, "{body}");
    let data = list(&server, &ann, "cloudreve://my/V", &[]).await;
    assert_eq!(
        data["view"],
        json!({"page_size": 100, "view": "grid", "thumbnail": true})
    );

    // The trash root keeps its view in the user's settings.
    let trash_view = json!({"page_size": 200, "view": "list"});
    let body = patch(json!({"uri": "cloudreve://trash", "view": trash_view})).await;
    assert_eq!(body["code"], 0, "{body}");
    let data = list(&server, &ann, "cloudreve://trash", &[]).await;
    assert_eq!(data["view"], trash_view);
    assert_eq!(data["pagination"]["page_size"], 200);
    let user_row = stratus_entity::user::Entity::find_by_id(ann.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user_row.settings["fs_view_map"]["trash"], trash_view);
    let swm = list(&server, &ann, "cloudreve://shared_with_me", &[]).await;
    assert_eq!(swm["view"]["page_size"], 100);
}

async fn pins(server: &TestServer, u: &User) -> Value {
    let body = server.get_as("/user/me", &u.token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"]["pined"].clone()
}

#[tokio::test]
async fn pins_round_trip() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    assert_eq!(pins(&server, &ann).await, Value::Null);
    let pin = |body: Value| {
        let server = &server;
        let token = ann.token.clone();
        async move {
            server
                .send_as(Method::PUT, "/file/pin", &token, &body)
                .await
        }
    };
    let unpin = |body: Value| {
        let server = &server;
        let token = ann.token.clone();
        async move {
            server
                .send_as(Method::DELETE, "/file/pin", &token, &body)
                .await
        }
    };
    assert_eq!(
        pin(json!({"uri": "cloudreve://my/Docs", "name": "Docs"})).await["code"],
        0
    );
    assert_eq!(
        pin(json!({"uri": "cloudreve://my?category=image"})).await["code"],
        0
    );
    // As Cloudreve: pinning again under the same name changes nothing, under another name
    // is refused (40004); URIs are compared in canonical form.
    assert_eq!(
        pin(json!({"uri": "CLOUDREVE://my/Docs/", "name": "Docs"})).await["code"],
        0
    );
    let renamed = pin(json!({"uri": "CLOUDREVE://my/Docs/", "name": "D"})).await;
    assert_eq!(renamed["code"], 40004, "{renamed}");
    assert_eq!(renamed["msg"], "uri already pinned with different name");
    let unnamed = pin(json!({"uri": "cloudreve://my/Docs"})).await;
    assert_eq!(unnamed["code"], 40004, "{unnamed}");
    assert_eq!(
        pins(&server, &ann).await,
        json!([
            {"uri": "cloudreve://my/Docs", "name": "Docs"},
            {"uri": "cloudreve://my?category=image"},
        ])
    );
    for bad in [
        json!({"uri": "not a uri"}),
        json!({"uri": "cloudreve://nowhere"}),
    ] {
        assert_eq!(pin(bad.clone()).await["code"], 40001, "{bad}");
    }
    assert_eq!(
        unpin(json!({"uri": "cloudreve://my/Docs"})).await["code"],
        0
    );
    assert_eq!(
        unpin(json!({"uri": "cloudreve://my/Docs"})).await["code"],
        0
    );
    assert_eq!(
        pins(&server, &ann).await,
        json!([{"uri": "cloudreve://my?category=image"}])
    );
    assert_eq!(
        unpin(json!({"uri": "cloudreve://my?category=image"})).await["code"],
        0
    );
    assert_eq!(pins(&server, &ann).await, Value::Null);

    // At most 100 pins.
    for n in 0..100 {
        let body = pin(json!({"uri": format!("cloudreve://my/p{n}")})).await;
        assert_eq!(body["code"], 0, "{body}");
    }
    let body = pin(json!({"uri": "cloudreve://my/one-more"})).await;
    assert_eq!(body["code"], 40001, "{body}");

    let (_, body) = server
        .send_api(Method::PUT, "/file/pin", r#"{"uri":"cloudreve://my"}"#)
        .await;
    assert_eq!(body["code"], 401, "{body}");
}
