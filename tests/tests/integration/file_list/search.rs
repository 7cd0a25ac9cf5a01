//! Search through `GET /file`: filters, recursion with real paths, pages merged from many
//! folder chunks.

use chrono::Utc;
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_tests::TestServer;

use super::{User, children, create, expected, folder_row, list, list_raw, names, user};

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

#[tokio::test]
async fn searches_offer_the_orders_cloudreve_offers() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    create(&server, &ann, "cloudreve://my/S/a.txt", "file").await;
    let plain = list(&server, &ann, "cloudreve://my/S", &[]).await;
    assert_eq!(
        plain["props"]["order_by_options"],
        json!(["name", "size", "updated_at", "created_at"])
    );
    // Searches in `my` and shares offer no order; the trash's only creation time.
    let found = list(&server, &ann, "cloudreve://my/S?name=a", &[]).await;
    assert_eq!(names(&found), ["a.txt"]);
    assert_eq!(found["props"]["order_by_options"], Value::Null, "{found}");
    assert_eq!(found["props"]["order_direction_options"], Value::Null);
    let trash = list(&server, &ann, "cloudreve://trash?name=a", &[]).await;
    assert_eq!(trash["props"]["order_by_options"], json!(["created_at"]));
    assert_eq!(
        trash["props"]["order_direction_options"],
        json!(["asc", "desc"])
    );
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
    // A name or type given beside a category narrows it (the web UI's search box and filters).
    assert_eq!(search("category=image&name=hol").await, ["holiday.JPG"]);
    assert_eq!(
        search("category=document&name=report&case_folding").await,
        ["Report-2024.PDF", "report-draft.txt"]
    );
    assert_eq!(
        search("category=image&type=folder").await,
        Vec::<String>::new()
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
