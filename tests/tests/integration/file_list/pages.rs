//! Listing order (folders first, every sort key with the id tie-break) and pagination:
//! cursor pages, bad tokens, offset pages when cursors are off, the page size cap.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_server::ids::IdKind;
use stratus_tests::TestServer;

use super::{children, create, expected, folder_row, list, list_raw, names, user};

const KEYS: [&str; 4] = ["name", "size", "updated_at", "created_at"];

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
