//! `GET /api/v4/file` (listing, cursor and offset pagination, search), `PATCH /file/view`
//! and `PUT`/`DELETE /file/pin`.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_server::ids::IdKind;
use stratus_tests::{TestServer, envelope};

const PASSWORD: &str = "correct horse";
const KEYS: [&str; 4] = ["name", "size", "updated_at", "created_at"];

struct User {
    id: i64,
    token: String,
}

async fn user(server: &TestServer, email: &str) -> User {
    let model = server.create_user(email, PASSWORD).await;
    let token = server.login(email, PASSWORD).await.access_token;
    User {
        id: model.id,
        token,
    }
}

async fn create(server: &TestServer, u: &User, uri: &str, kind: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &u.token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

async fn create_with_meta(server: &TestServer, u: &User, uri: &str, meta: Value) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &u.token,
            &json!({"uri": uri, "type": "file", "metadata": meta}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

/// `GET /file` with `uri` and extra query pairs; the whole envelope.
async fn list_raw(
    server: &TestServer,
    token: Option<&str>,
    uri: &str,
    extra: &[(&str, &str)],
) -> Value {
    let mut query: Vec<(&str, &str)> = vec![("uri", uri)];
    query.extend_from_slice(extra);
    let req = match token {
        Some(t) => server.request_as(Method::GET, "/file", t),
        None => server.client.get(server.api("/file")),
    };
    envelope(req.query(&query).send().await.unwrap()).await
}

/// `GET /file`, asserting success; the `data`.
async fn list(server: &TestServer, u: &User, uri: &str, extra: &[(&str, &str)]) -> Value {
    let body = list_raw(server, Some(&u.token), uri, extra).await;
    assert_eq!(body["code"], 0, "list {uri} {extra:?}: {body}");
    body["data"].clone()
}

fn names(data: &Value) -> Vec<String> {
    data["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

fn paths(data: &Value) -> Vec<String> {
    let mut p: Vec<String> = data["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    p.sort();
    p
}

/// The folder row at `cloudreve://my/<name>` of user `owner`.
async fn folder_row(server: &TestServer, owner: i64, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::Type.eq(file::kind::FOLDER))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn children(server: &TestServer, parent: i64) -> Vec<file::Model> {
    file::Entity::find()
        .filter(file::Column::ParentId.eq(parent))
        .all(&server.state.db)
        .await
        .unwrap()
}

/// The order the API must produce: folders first, then by key and id in `dir`.
fn expected(rows: &[file::Model], key: &str, dir: &str) -> Vec<String> {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| {
        let by_key = match key {
            "name" => a.name.cmp(&b.name),
            "size" => a.size.cmp(&b.size),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "created_at" => a.created_at.cmp(&b.created_at),
            _ => unreachable!(),
        }
        .then(a.id.cmp(&b.id));
        let by_key = if dir == "desc" {
            by_key.reverse()
        } else {
            by_key
        };
        match b.r#type.cmp(&a.r#type) {
            Ordering::Equal => by_key,
            other => other,
        }
    });
    rows.into_iter().map(|r| r.name).collect()
}

/// Gives the children of `parent` sizes and timestamps with many ties, so that the id
/// tie-break matters for every key.
async fn scramble(server: &TestServer, parent: i64) {
    let base = DateTime::parse_from_rfc3339("2025-03-01T10:00:00.250Z")
        .unwrap()
        .with_timezone(&Utc);
    for (n, row) in children(server, parent).await.into_iter().enumerate() {
        let n = n as i64;
        let is_file = row.r#type == file::kind::FILE;
        let mut active = row.into_active_model();
        if is_file {
            active.size = Set((n * 7919) % 13);
        }
        active.created_at = Set(base + Duration::milliseconds((n * 31) % 11));
        active.updated_at = Set(base - Duration::seconds((n * 17) % 9));
        active.update(&server.state.db).await.unwrap();
    }
}

#[tokio::test]
async fn folders_come_first_in_every_order() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for name in ["b-dir", "a-dir", "c-dir"] {
        create(
            &server,
            &ann,
            &format!("cloudreve://my/Box/{name}"),
            "folder",
        )
        .await;
    }
    for name in ["m.txt", "a.txt", "z.txt", "k.txt", "b.txt", "x.txt"] {
        create(&server, &ann, &format!("cloudreve://my/Box/{name}"), "file").await;
    }
    let boxed = folder_row(&server, ann.id, "Box").await;
    scramble(&server, boxed.id).await;
    let rows = children(&server, boxed.id).await;

    for key in KEYS {
        for dir in ["asc", "desc"] {
            let data = list(
                &server,
                &ann,
                "cloudreve://my/Box",
                &[("order_by", key), ("order_direction", dir)],
            )
            .await;
            let got = names(&data);
            assert_eq!(got, expected(&rows, key, dir), "{key} {dir}");
            assert!(got[..3].iter().all(|n| n.ends_with("-dir")), "{got:?}");
            assert_eq!(data["mixed_type"], true);
        }
    }

    // The whole answer.
    let data = list(&server, &ann, "cloudreve://my/Box", &[]).await;
    assert_eq!(data["parent"]["path"], "cloudreve://my/Box");
    assert_eq!(data["parent"]["type"], 1);
    assert_eq!(data["files"][0]["path"], "cloudreve://my/Box/a-dir");
    assert_eq!(data["pagination"]["page_size"], 100);
    assert_eq!(data["pagination"]["is_cursor"], true);
    assert!(data["pagination"].get("next_token").is_none());
    assert_eq!(data["props"]["capability"], "w8edAQ==");
    assert_eq!(data["props"]["max_page_size"], 2000);
    assert_eq!(
        data["props"]["order_by_options"],
        json!(["name", "size", "updated_at", "created_at"])
    );
    assert_eq!(
        data["props"]["order_direction_options"],
        json!(["asc", "desc"])
    );
    assert!(uuid::Uuid::parse_str(data["context_hint"].as_str().unwrap()).is_ok());
    assert_eq!(
        data["view"],
        json!({"page_size": 100, "view": "grid", "thumbnail": true})
    );
    let policy = &data["storage_policy"];
    assert_eq!(
        policy["id"],
        server.state.ids.encode(1, IdKind::Policy),
        "{policy}"
    );
    assert_eq!(policy["type"], "local");
    assert_eq!(policy["relay"], false);

    // The root lists Box; an empty folder lists nothing.
    let root = list(&server, &ann, "cloudreve://my", &[]).await;
    assert_eq!(names(&root), ["Box"]);
    assert_eq!(root["mixed_type"], false);
    assert_eq!(root["parent"]["path"], "cloudreve://my");
    let empty = list(&server, &ann, "cloudreve://my/Box/a-dir", &[]).await;
    assert_eq!(empty["files"], json!([]));

    // Bad arguments.
    for extra in [
        [("order_by", "owner")],
        [("order_direction", "up")],
        [("page", "-1")],
        [("page_size", "0")],
        [("page_size", "many")],
    ] {
        let body = list_raw(&server, Some(&ann.token), "cloudreve://my/Box", &extra).await;
        assert_eq!(body["code"], 40001, "{extra:?}: {body}");
    }
    // A file is not listed; missing folders are 404.
    let body = list_raw(&server, Some(&ann.token), "cloudreve://my/Box/a.txt", &[]).await;
    assert_eq!(body["code"], 40001, "{body}");
    let body = list_raw(&server, Some(&ann.token), "cloudreve://my/Nope", &[]).await;
    assert_eq!(body["code"], 404, "{body}");
    let body = list_raw(&server, Some(&ann.token), "http://my", &[]).await;
    assert_eq!(body["code"], 40001, "{body}");
    let body = server.get_as("/file", &ann.token).await;
    assert_eq!(body["code"], 40001, "no uri: {body}");
}

#[tokio::test]
async fn cursor_pages_return_every_item_once() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for n in 0..40 {
        create(
            &server,
            &ann,
            &format!("cloudreve://my/Big/d{n:03}"),
            "folder",
        )
        .await;
    }
    for n in 0..210 {
        create(
            &server,
            &ann,
            &format!("cloudreve://my/Big/f{n:03}.bin"),
            "file",
        )
        .await;
    }
    let big = folder_row(&server, ann.id, "Big").await;
    scramble(&server, big.id).await;
    let rows = children(&server, big.id).await;
    assert_eq!(rows.len(), 250);

    for key in KEYS {
        for dir in ["asc", "desc"] {
            let mut seen = Vec::new();
            let mut token: Option<String> = None;
            let mut pages = 0;
            loop {
                let mut extra = vec![
                    ("order_by", key),
                    ("order_direction", dir),
                    ("page_size", "100"),
                ];
                if let Some(t) = &token {
                    extra.push(("next_page_token", t.as_str()));
                }
                let data = list(&server, &ann, "cloudreve://my/Big", &extra).await;
                pages += 1;
                seen.extend(names(&data));
                assert_eq!(data["pagination"]["page_size"], 100);
                match data["pagination"]["next_token"].as_str() {
                    Some(t) => token = Some(t.to_owned()),
                    None => break,
                }
                assert!(pages < 10, "runaway paging");
            }
            assert_eq!(pages, 3, "{key} {dir}");
            assert_eq!(seen, expected(&rows, key, dir), "{key} {dir}");
        }
    }
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for n in 0..5 {
        create(&server, &ann, &format!("cloudreve://my/A/f{n}"), "file").await;
        create(&server, &ann, &format!("cloudreve://my/B/f{n}"), "file").await;
    }
    let first = list(&server, &ann, "cloudreve://my/A", &[("page_size", "2")]).await;
    let token = first["pagination"]["next_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = list(
        &server,
        &ann,
        "cloudreve://my/A",
        &[("page_size", "2"), ("next_page_token", &token)],
    )
    .await;
    assert_eq!(names(&second), ["f2", "f3"]);

    let (body, tag) = token.split_once('.').unwrap();
    let mut flipped = body.as_bytes().to_vec();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{}.{tag}", String::from_utf8(flipped).unwrap());
    let forged = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: Value = serde_json::from_slice(&b64.decode(body).unwrap()).unwrap();
        payload["k"] = json!("f0");
        format!("{}.{tag}", b64.encode(payload.to_string()))
    };
    for (uri, bad, extra) in [
        ("cloudreve://my/A", "garbage", None),
        (
            "cloudreve://my/A",
            "",
            Some("ignored: empty means first page"),
        ),
        ("cloudreve://my/A", "a.b", None),
        ("cloudreve://my/A", tampered.as_str(), None),
        ("cloudreve://my/A", forged.as_str(), None),
        ("cloudreve://my/A", body, None),
        // Another folder, or another order, than the token was made for.
        ("cloudreve://my/B", token.as_str(), None),
    ] {
        let resp = list_raw(
            &server,
            Some(&ann.token),
            uri,
            &[("page_size", "2"), ("next_page_token", bad)],
        )
        .await;
        if extra.is_some() {
            assert_eq!(resp["code"], 0, "{resp}");
        } else {
            assert_eq!(resp["code"], 40001, "{bad}: {resp}");
        }
    }
    let resp = list_raw(
        &server,
        Some(&ann.token),
        "cloudreve://my/A",
        &[
            ("page_size", "2"),
            ("order_direction", "desc"),
            ("next_page_token", &token),
        ],
    )
    .await;
    assert_eq!(resp["code"], 40001, "{resp}");
}

#[tokio::test]
async fn offset_pagination_when_cursors_are_off() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for n in 0..3 {
        create(&server, &ann, &format!("cloudreve://my/P/d{n}"), "folder").await;
    }
    for n in 0..4 {
        create(&server, &ann, &format!("cloudreve://my/P/f{n}"), "file").await;
    }
    server
        .state
        .settings
        .set(&[("use_cursor_pagination", "0")])
        .await
        .unwrap();
    let mut seen = Vec::new();
    for page in 0..4 {
        let data = list(
            &server,
            &ann,
            "cloudreve://my/P",
            &[("page", &page.to_string()), ("page_size", "2")],
        )
        .await;
        let p = &data["pagination"];
        assert_eq!(p["total_items"], 7, "{p}");
        assert_eq!(p["page"], page);
        assert!(p.get("next_token").is_none());
        assert!(p.get("is_cursor").is_none());
        let got = names(&data);
        assert_eq!(got.len(), if page < 3 { 2 } else { 1 }, "page {page}");
        seen.extend(got);
    }
    assert_eq!(seen, ["d0", "d1", "d2", "f0", "f1", "f2", "f3"]);
    let data = list(
        &server,
        &ann,
        "cloudreve://my/P",
        &[("page", "9"), ("page_size", "2")],
    )
    .await;
    assert_eq!(data["files"], json!([]));
    assert_eq!(data["pagination"]["total_items"], 7);
    // Descending, across the folder/file boundary.
    let data = list(
        &server,
        &ann,
        "cloudreve://my/P",
        &[
            ("page", "1"),
            ("page_size", "2"),
            ("order_direction", "desc"),
        ],
    )
    .await;
    assert_eq!(names(&data), ["d0", "f3"]);
}

#[tokio::test]
async fn page_size_is_capped() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for n in 0..8 {
        create(&server, &ann, &format!("cloudreve://my/C/f{n}"), "file").await;
    }
    server
        .state
        .settings
        .set(&[("max_page_size", "5")])
        .await
        .unwrap();
    let data = list(&server, &ann, "cloudreve://my/C", &[("page_size", "5000")]).await;
    assert_eq!(data["pagination"]["page_size"], 5);
    assert_eq!(data["props"]["max_page_size"], 5);
    assert_eq!(names(&data), ["f0", "f1", "f2", "f3", "f4"]);
    assert!(data["pagination"]["next_token"].is_string());
}

#[tokio::test]
async fn search_filters() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    for name in [
        "Report-2024.PDF",
        "report-draft.txt",
        "holiday.JPG",
        "cat.png",
        "notes_1.md",
        "notes%2.md",
    ] {
        let encoded = name.replace('%', "%25");
        create(
            &server,
            &ann,
            &format!("cloudreve://my/S/{encoded}"),
            "file",
        )
        .await;
    }
    create(&server, &ann, "cloudreve://my/S/reports", "folder").await;
    create_with_meta(
        &server,
        &ann,
        "cloudreve://my/S/tagged.bin",
        json!({"tag:work": "#ff0000", "customize:icon_color": "#00FF00"}),
    )
    .await;
    let s = folder_row(&server, ann.id, "S").await;
    for row in children(&server, s.id).await {
        let size = match row.name.as_str() {
            "holiday.JPG" => 5_000,
            "cat.png" => 700,
            "Report-2024.PDF" => 70,
            _ => 1,
        };
        let mut active = row.into_active_model();
        active.size = Set(size);
        active.update(&server.state.db).await.unwrap();
    }
    let search = |q: &'static str| {
        let server = &server;
        let ann = &ann;
        async move {
            let data = list(server, ann, &format!("cloudreve://my/S?{q}"), &[]).await;
            assert_eq!(data["pagination"]["is_cursor"], true);
            let mut n = names(&data);
            n.sort();
            n
        }
    };
    // Substring, case-sensitive unless case folding is asked for (on both databases).
    assert_eq!(search("name=report").await, ["report-draft.txt", "reports"]);
    assert_eq!(
        search("name=report&case_folding").await,
        ["Report-2024.PDF", "report-draft.txt", "reports"]
    );
    assert_eq!(search("name=REPORT").await, Vec::<String>::new());
    // Wildcards match the whole name.
    assert_eq!(search("name=*.md").await, ["notes%2.md", "notes_1.md"]);
    assert_eq!(search("name=*.jpg").await, Vec::<String>::new());
    assert_eq!(search("name=*.jpg&case_folding").await, ["holiday.JPG"]);
    assert_eq!(search("name=re*t").await, ["report-draft.txt"]);
    // LIKE metacharacters are literal.
    assert_eq!(search("name=_").await, ["notes_1.md"]);
    assert_eq!(search("name=%25").await, ["notes%2.md"]);
    // Several names: AND by default, OR with use_or.
    assert_eq!(search("name=notes&name=1").await, ["notes_1.md"]);
    assert_eq!(
        search("name=cat&name=holiday&use_or").await,
        ["cat.png", "holiday.JPG"]
    );
    // Type.
    assert_eq!(search("name=report&type=folder").await, ["reports"]);
    assert_eq!(search("name=report&type=file").await, ["report-draft.txt"]);
    // Size range.
    assert_eq!(
        search("size_gte=70&size_lte=700").await,
        ["Report-2024.PDF", "cat.png"]
    );
    assert_eq!(search("size_gte=1000").await, ["holiday.JPG"]);
    // Metadata: key present, value substring (case-insensitive).
    assert_eq!(search("meta_tag:work=").await, ["tagged.bin"]);
    assert_eq!(
        search("meta_customize:icon_color=ff00").await,
        ["tagged.bin"]
    );
    assert_eq!(
        search("meta_customize:icon_color=0000ff").await,
        Vec::<String>::new()
    );
    assert_eq!(search("meta_tag:home=").await, Vec::<String>::new());
    // Time range.
    assert_eq!(search("created_lte=1000").await, Vec::<String>::new());
    assert_eq!(search("updated_gte=1000&type=folder").await, ["reports"]);
    // Category (the admin query of explorer_category_image_query).
    assert_eq!(search("category=image").await, ["cat.png", "holiday.JPG"]);
    assert_eq!(
        search("category=document").await,
        [
            "Report-2024.PDF",
            "notes%2.md",
            "notes_1.md",
            "report-draft.txt"
        ]
    );
    // Bad queries.
    for q in ["size_gte=x", "category=music", "type=link"] {
        let body = list_raw(
            &server,
            Some(&ann.token),
            &format!("cloudreve://my/S?{q}"),
            &[],
        )
        .await;
        assert_eq!(body["code"], 40001, "{q}: {body}");
    }
}

#[tokio::test]
async fn search_is_recursive_with_real_paths() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    create(&server, &ann, "cloudreve://my/a/b/c/deep.txt", "file").await;
    create(&server, &ann, "cloudreve://my/a/b/mid.txt", "file").await;
    create(&server, &ann, "cloudreve://my/a/top.txt", "file").await;
    create(&server, &ann, "cloudreve://my/x%20y/deep%20too.txt", "file").await;
    create(&server, &ann, "cloudreve://my/other/nothing.bin", "file").await;

    let data = list(&server, &ann, "cloudreve://my?name=*.txt", &[]).await;
    assert_eq!(
        paths(&data),
        [
            "cloudreve://my/a/b/c/deep.txt",
            "cloudreve://my/a/b/mid.txt",
            "cloudreve://my/a/top.txt",
            "cloudreve://my/x%20y/deep%20too.txt",
        ]
    );
    assert!(data.get("recursion_limit_reached").is_none());
    assert_eq!(data["parent"]["path"], "cloudreve://my");
    let data = list(&server, &ann, "cloudreve://my/a/b?name=deep", &[]).await;
    assert_eq!(paths(&data), ["cloudreve://my/a/b/c/deep.txt"]);
    let data = list(&server, &ann, "cloudreve://my/other?name=deep", &[]).await;
    assert_eq!(data["files"], json!([]));
    // Folders match too.
    let data = list(&server, &ann, "cloudreve://my?name=b&type=folder", &[]).await;
    assert_eq!(paths(&data), ["cloudreve://my/a/b"]);

    // Paging through search results.
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let data = list(
            &server,
            &ann,
            "cloudreve://my?name=*.txt",
            &[("page_size", "1"), ("next_page_token", &token)],
        )
        .await;
        seen.extend(names(&data));
        match data["pagination"]["next_token"].as_str() {
            Some(t) => token = t.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["deep too.txt", "deep.txt", "mid.txt", "top.txt"]);

    // The walk is bounded.
    server
        .state
        .settings
        .set(&[("max_recursive_searched_folder", "2")])
        .await
        .unwrap();
    let data = list(&server, &ann, "cloudreve://my/a?name=*.txt", &[]).await;
    assert_eq!(data["recursion_limit_reached"], true);
    assert_eq!(
        paths(&data),
        ["cloudreve://my/a/b/mid.txt", "cloudreve://my/a/top.txt"]
    );
}

#[tokio::test]
async fn trash_and_shared_with_me_roots() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    create(&server, &ann, "cloudreve://my/Docs/old.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Docs/keep.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Gone/inner.txt", "file").await;
    let body = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.token,
            &json!({"uris": ["cloudreve://my/Docs/old.txt", "cloudreve://my/Gone"]}),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");

    let data = list(&server, &ann, "cloudreve://trash", &[]).await;
    assert_eq!(names(&data), ["Gone", "old.txt"]);
    assert_eq!(data["props"]["capability"], "AMIK");
    assert_eq!(data["parent"]["path"], "cloudreve://trash");
    assert!(data.get("storage_policy").is_none());
    for f in data["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let uuid = path.strip_prefix("cloudreve://trash/").unwrap();
        assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{path}");
        assert!(f["metadata"]["sys:restore_uri"].is_string(), "{f}");
    }
    // Inside a trashed folder.
    let gone = data["files"][0]["path"].as_str().unwrap().to_owned();
    let inner = list(&server, &ann, &gone, &[]).await;
    assert_eq!(names(&inner), ["inner.txt"]);
    assert_eq!(inner["files"][0]["path"], format!("{gone}/inner.txt"));
    // The tree no longer shows them.
    let docs = list(&server, &ann, "cloudreve://my/Docs", &[]).await;
    assert_eq!(names(&docs), ["keep.txt"]);
    let root = list(&server, &ann, "cloudreve://my", &[]).await;
    assert_eq!(names(&root), ["Docs"]);

    // shared_with_me lists the symbolic rows.
    let saved = create(&server, &ann, "cloudreve://my/Saved share", "file").await;
    let id = server
        .state
        .ids
        .decode(saved["id"].as_str().unwrap(), IdKind::File)
        .unwrap();
    let row = file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.is_symbolic = Set(true);
    active.update(&server.state.db).await.unwrap();
    let data = list(&server, &ann, "cloudreve://shared_with_me", &[]).await;
    assert_eq!(names(&data), ["Saved share"]);
    assert_eq!(
        data["files"][0]["path"],
        format!(
            "cloudreve://shared_with_me/{}",
            saved["id"].as_str().unwrap()
        )
    );
    assert_eq!(data["props"]["capability"], "gAKA");
    // A symbolic entry cannot be listed into.
    let body = list_raw(
        &server,
        Some(&ann.token),
        data["files"][0]["path"].as_str().unwrap(),
        &[],
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");
    // An unknown share.
    let body = list_raw(&server, Some(&ann.token), "cloudreve://abc@share", &[]).await;
    assert_eq!(body["code"], 40058, "{body}");
}

#[tokio::test]
async fn callers_see_only_their_own_files() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    create(&server, &ann, "cloudreve://my/Private/secret.txt", "file").await;
    create(&server, &bob, "cloudreve://my/Mine", "folder").await;

    let ann_hash = server.state.ids.encode(ann.id, IdKind::User);
    let body = list_raw(
        &server,
        Some(&bob.token),
        &format!("cloudreve://{ann_hash}@my"),
        &[],
    )
    .await;
    assert_eq!(body["code"], 403, "{body}");
    let body = list_raw(
        &server,
        Some(&bob.token),
        &format!("cloudreve://{ann_hash}@my/Private"),
        &[],
    )
    .await;
    assert_eq!(body["code"], 403, "{body}");
    let own = list(&server, &bob, "cloudreve://my", &[]).await;
    assert_eq!(names(&own), ["Mine"]);
    let found = list(&server, &bob, "cloudreve://my?name=secret", &[]).await;
    assert_eq!(found["files"], json!([]));
    let trash = list(&server, &bob, "cloudreve://trash", &[]).await;
    assert_eq!(trash["files"], json!([]));
    // Ann's own hashid is fine.
    let mine = list(&server, &ann, &format!("cloudreve://{ann_hash}@my"), &[]).await;
    assert_eq!(names(&mine), ["Private"]);

    // Anonymous callers must sign in.
    for uri in [
        "cloudreve://my",
        "cloudreve://trash",
        "cloudreve://shared_with_me",
    ] {
        let body = list_raw(&server, None, uri, &[]).await;
        assert_eq!(body["code"], 401, "{uri}: {body}");
    }
    let (_, body) = server
        .send_api(
            Method::PATCH,
            "/file/view",
            r#"{"uri":"cloudreve://my","view":null}"#,
        )
        .await;
    assert_eq!(body["code"], 401, "{body}");
}

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
        "columns": [{"type": 0, "width": 200}, {"type": 5, "props": {"metadata_key": "tag:x"}}],
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
    // Pinning again only renames; URIs are compared in canonical form.
    assert_eq!(
        pin(json!({"uri": "CLOUDREVE://my/Docs/", "name": "D"})).await["code"],
        0
    );
    assert_eq!(
        pins(&server, &ann).await,
        json!([
            {"uri": "cloudreve://my/Docs", "name": "D"},
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

#[tokio::test]
async fn search_pages_merge_many_folder_chunks() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    create(&server, &ann, "cloudreve://my/Many", "folder").await;
    let many = folder_row(&server, ann.id, "Many").await;
    let db = &server.state.db;
    let now = Utc::now();
    let row = |name: String, kind: i16, parent: i64, size: i64| file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(kind),
        name: Set(name),
        owner_id: Set(ann.id),
        size: Set(size),
        parent_id: Set(Some(parent)),
        is_symbolic: Set(false),
        ..Default::default()
    };
    // More folders than one `parent_id IN (…)` chunk holds.
    let folders: Vec<_> = (0..520)
        .map(|n| row(format!("d{n:03}"), file::kind::FOLDER, many.id, 0))
        .collect();
    for chunk in folders.chunks(200) {
        file::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    let dirs = children(&server, many.id).await;
    let files: Vec<_> = dirs
        .iter()
        .enumerate()
        .flat_map(|(n, d)| {
            [
                row(
                    format!("hit-{}.txt", d.name),
                    file::kind::FILE,
                    d.id,
                    n as i64 % 7,
                ),
                row(format!("miss-{}.txt", d.name), file::kind::FILE, d.id, 1),
            ]
        })
        .collect();
    for chunk in files.chunks(200) {
        file::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    let hits: Vec<file::Model> = file::Entity::find()
        .filter(file::Column::OwnerId.eq(ann.id))
        .filter(file::Column::Name.starts_with("hit-"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(hits.len(), 520);

    for (key, dir) in [("name", "desc"), ("size", "asc"), ("created_at", "desc")] {
        let mut seen = Vec::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let data = list(
                &server,
                &ann,
                "cloudreve://my/Many?name=hit",
                &[
                    ("page_size", "100"),
                    ("order_by", key),
                    ("order_direction", dir),
                    ("next_page_token", &token),
                ],
            )
            .await;
            pages += 1;
            for f in data["files"].as_array().unwrap() {
                let name = f["name"].as_str().unwrap();
                let folder = name.trim_start_matches("hit-").trim_end_matches(".txt");
                assert_eq!(f["path"], format!("cloudreve://my/Many/{folder}/{name}"));
                seen.push(name.to_owned());
            }
            match data["pagination"]["next_token"].as_str() {
                Some(t) => token = t.to_owned(),
                None => break,
            }
        }
        assert_eq!(pages, 6, "{key} {dir}");
        assert_eq!(seen, expected(&hits, key, dir), "{key} {dir}");
    }
}
