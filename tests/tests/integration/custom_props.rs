//! Custom properties (`props:<id>` metadata checked against the `custom_props` setting) and the
//! other metadata changes of Cloudreve 4.3-4.16: `thumb:disabled` set and removed by clients,
//! annotations moving `updated_at`, and `exact_meta_` search on public metadata.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{file, metadata};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

const PW: &str = "password123";

const PROPS: &str = r#"[
  {"id":"description","name":"fileManager.description","type":"text","max":20},
  {"id":"rating","name":"fileManager.rating","type":"rating","max":5},
  {"id":"pages","name":"Pages","type":"number","min":1,"max":999},
  {"id":"done","name":"Done","type":"boolean"},
  {"id":"stage","name":"Stage","type":"select","options":["draft","final"]},
  {"id":"labels","name":"Labels","type":"multi_select","options":["red","blue"]},
  {"id":"home","name":"Home","type":"link","max":40}
]"#;

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server
        .state
        .settings
        .set(&[("custom_props", PROPS)])
        .await
        .unwrap();
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    for name in ["a.txt", "b.txt", "c.txt"] {
        let r = create(&server, &ann, name, json!({})).await;
        assert_eq!(r["code"], 0, "{r}");
    }
    (server, ann)
}

async fn create(server: &TestServer, s: &Session, name: &str, meta: Value) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": format!("cloudreve://my/{name}"), "type": "file", "metadata": meta}),
        )
        .await
}

async fn patch(server: &TestServer, s: &Session, name: &str, patches: Value) -> Value {
    server
        .send_as(
            Method::PATCH,
            "/file/metadata",
            &s.access_token,
            &json!({"uris": [format!("cloudreve://my/{name}")], "patches": patches}),
        )
        .await
}

async fn set(server: &TestServer, s: &Session, name: &str, key: &str, value: &str) -> i64 {
    patch(server, s, name, json!([{"key": key, "value": value}])).await["code"]
        .as_i64()
        .unwrap()
}

async fn row(server: &TestServer, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn shown(server: &TestServer, s: &Session, name: &str) -> Value {
    let q = format!(
        "/file/info?uri={}",
        query_escape(&format!("cloudreve://my/{name}"))
    );
    let body = server.get_as(&q, &s.access_token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"]["metadata"].clone()
}

async fn search(server: &TestServer, s: &Session, query: &str) -> Vec<String> {
    let uri = format!("cloudreve://my?{query}");
    let body = server
        .get_as(
            &format!("/file?uri={}", query_escape(&uri)),
            &s.access_token,
        )
        .await;
    assert_eq!(body["code"], 0, "{query}: {body}");
    let mut names: Vec<String> = body["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn values_are_checked_against_their_definitions() {
    let (server, ann) = setup().await;
    for (key, value) in [
        ("props:description", "short text"),
        ("props:rating", "5"),
        ("props:rating", ""),
        ("props:pages", "999"),
        ("props:pages", ""),
        ("props:done", "true"),
        ("props:stage", "final"),
        ("props:labels", r#"["red","blue"]"#),
        ("props:home", "https://example.com"),
        ("props:home", "http://example.com/a?b=c"),
    ] {
        assert_eq!(
            set(&server, &ann, "a.txt", key, value).await,
            0,
            "{key}={value}"
        );
    }
    for (key, value) in [
        ("props:description", "a text longer than twenty bytes"),
        ("props:rating", "6"),
        ("props:rating", "three"),
        ("props:pages", "0"),
        ("props:pages", "-1"),
        ("props:pages", "1.5"),
        ("props:done", "yes"),
        ("props:stage", "review"),
        ("props:labels", r#"["green"]"#),
        ("props:labels", "red"),
        (
            "props:home",
            "https://example.com/a/very/long/path/beyond/forty",
        ),
        // Only web links: a script or data link would run in the client that opens it.
        ("props:home", "javascript:alert(document.cookie)"),
        ("props:home", " JavaScript:alert(1)"),
        ("props:home", "data:text/html,<script>1</script>"),
        ("props:home", "example.com"),
        ("props:unknown", "x"),
    ] {
        assert_eq!(
            set(&server, &ann, "a.txt", key, value).await,
            40001,
            "{key}={value}"
        );
    }
    let meta = shown(&server, &ann, "a.txt").await;
    assert_eq!(meta["props:rating"], "");
    assert_eq!(meta["props:stage"], "final");
    assert_eq!(meta["props:labels"], r#"["red","blue"]"#);

    // Removal always succeeds, even of a property no longer defined.
    let r = patch(
        &server,
        &ann,
        "a.txt",
        json!([{"key": "props:stage", "remove": true}, {"key": "props:gone", "remove": true}]),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert!(
        shown(&server, &ann, "a.txt")
            .await
            .get("props:stage")
            .is_none()
    );

    // The metadata map of file creation and of uploads goes through the same checks.
    assert_eq!(
        create(&server, &ann, "d.txt", json!({"props:rating": "4"})).await["code"],
        0
    );
    assert_eq!(shown(&server, &ann, "d.txt").await["props:rating"], "4");
    assert_eq!(
        create(&server, &ann, "e.txt", json!({"props:rating": "9"})).await["code"],
        40001
    );
    assert_eq!(
        create(&server, &ann, "e.txt", json!({"props:nope": "1"})).await["code"],
        40001
    );
    let upload = |meta: Value| {
        let server = &server;
        let ann = &ann;
        async move {
            server
                .send_as(
                    Method::PUT,
                    "/file/upload",
                    &ann.access_token,
                    &json!({"uri": "cloudreve://my/up.bin", "size": 3,
                            "policy_id": server.state.ids.encode(1, IdKind::Policy),
                            "metadata": meta}),
                )
                .await
        }
    };
    assert_eq!(upload(json!({"props:done": "maybe"})).await["code"], 40001);
    let ok = upload(json!({"props:done": "false"})).await;
    assert_eq!(ok["code"], 0, "{ok}");
}

#[tokio::test]
async fn props_and_exact_metadata_are_searchable_on_public_rows_only() {
    let (server, ann) = setup().await;
    assert_eq!(
        set(
            &server,
            &ann,
            "a.txt",
            "props:description",
            "Quarterly Report"
        )
        .await,
        0
    );
    assert_eq!(set(&server, &ann, "a.txt", "props:rating", "3").await, 0);
    assert_eq!(
        set(&server, &ann, "b.txt", "props:description", "report draft").await,
        0
    );
    assert_eq!(set(&server, &ann, "b.txt", "props:rating", "5").await, 0);
    assert_eq!(set(&server, &ann, "c.txt", "props:rating", "3").await, 0);
    // A private row with the same name and value is never matched.
    let r = patch(
        &server,
        &ann,
        "c.txt",
        json!([{"key": "customize:secret", "value": "x", "private": true}]),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");

    assert_eq!(
        search(&server, &ann, "meta_props:description=report").await,
        ["a.txt", "b.txt"]
    );
    assert_eq!(
        search(&server, &ann, "exact_meta_props:rating=3").await,
        ["a.txt", "c.txt"]
    );
    assert_eq!(
        search(&server, &ann, "exact_meta_props:description=report").await,
        Vec::<String>::new()
    );
    // Several metadata filters: each must hold.
    assert_eq!(
        search(
            &server,
            &ann,
            "meta_props:description=report&exact_meta_props:rating=3"
        )
        .await,
        ["a.txt"]
    );
    assert_eq!(
        search(&server, &ann, "exact_meta_customize:secret=x").await,
        Vec::<String>::new()
    );
    assert_eq!(
        search(&server, &ann, "meta_customize:secret=").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn annotations_move_updated_at_and_thumbnail_markers_do_not() {
    let (server, ann) = setup().await;
    let old = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let age = |name: &'static str| {
        let server = &server;
        async move {
            let mut active: file::ActiveModel = row(server, name).await.into();
            active.updated_at = Set(old);
            active.update(&server.state.db).await.unwrap();
        }
    };
    for (key, value, moves) in [
        ("props:rating", "2", true),
        ("tag:work", "", true),
        ("customize:icon_color", "#ff0000", true),
        ("dav:{urn:x}note", "hi", false),
        ("thumb:disabled", "", false),
    ] {
        age("a.txt").await;
        assert_eq!(set(&server, &ann, "a.txt", key, value).await, 0, "{key}");
        let updated = row(&server, "a.txt").await.updated_at;
        assert_eq!(updated != old, moves, "{key}");
    }

    // `thumb:disabled` is set by clients and removed by them ("reset thumbnail").
    let id = row(&server, "a.txt").await.id;
    let marked = || async {
        metadata::Entity::find()
            .filter(metadata::Column::FileId.eq(id))
            .filter(metadata::Column::Name.eq("thumb:disabled"))
            .one(&server.state.db)
            .await
            .unwrap()
            .is_some()
    };
    assert!(marked().await);
    let r = patch(
        &server,
        &ann,
        "a.txt",
        json!([{"key": "thumb:disabled", "remove": true}]),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert!(!marked().await);
    // Other thumbnail keys stay the server's.
    assert_eq!(set(&server, &ann, "a.txt", "thumb:other", "1").await, 40001);
}
