//! `/file/create`, `/file/rename`, `/file/move` and `/file/info`.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod move_copy;

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await
}

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file/info?uri={}", query_escape(uri));
    server.get_as(&q, &s.access_token).await
}

fn user_id(s: &Session, server: &TestServer) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

#[tokio::test]
async fn create_makes_files_folders_and_missing_parents() {
    let (server, ann) = setup().await;
    let folder = create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    assert_eq!(folder["code"], 0, "{folder}");
    assert_eq!(folder["data"]["type"], 1);
    assert_eq!(folder["data"]["name"], "Docs");
    assert_eq!(folder["data"]["path"], "cloudreve://my/Docs");
    assert_eq!(folder["data"]["capability"], "w8edAQ==");
    assert_eq!(folder["data"]["owned"], true);

    let deep = create(&server, &ann, "cloudreve://my/a/b/c%20d.txt", "file").await;
    assert_eq!(deep["code"], 0, "{deep}");
    assert_eq!(deep["data"]["type"], 0);
    assert_eq!(deep["data"]["name"], "c d.txt");
    assert_eq!(deep["data"]["size"], 0);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/a/b").await["data"]["type"],
        1
    );

    // An existing folder is returned, unless err_on_conflict.
    let again = create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    assert_eq!(again["data"]["id"], folder["data"]["id"]);
    let strict = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/Docs", "type": "folder", "err_on_conflict": true}),
        )
        .await;
    assert_eq!(strict["code"], 40004);
    assert_eq!(
        create(&server, &ann, "cloudreve://my/a/b/c%20d.txt", "file").await["code"],
        40004
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://my/Docs", "file").await["code"],
        40004
    );
    // A file cannot be a parent.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/a/b/c%20d.txt/x", "file").await["code"],
        40016
    );
}

#[tokio::test]
async fn a_created_file_has_an_empty_version_that_reads_and_saves() {
    let (server, ann) = setup().await;
    let made = create(&server, &ann, "cloudreve://my/new.txt", "file").await;
    assert_eq!(made["code"], 0, "{made}");
    // As Cloudreve: the new file's current version is a 0-byte blob on the user's policy.
    let primary = made["data"]["primary_entity"].as_str().unwrap_or_default();
    assert!(!primary.is_empty(), "{made}");
    let q = format!(
        "/file/info?uri={}&extended=true",
        query_escape("cloudreve://my/new.txt")
    );
    let extended = server.get_as(&q, &ann.access_token).await;
    let entities = &extended["data"]["extended_info"]["entities"];
    assert_eq!(entities.as_array().map(Vec::len), Some(1), "{extended}");
    assert_eq!(entities[0]["id"], primary, "{extended}");
    assert_eq!(entities[0]["size"], 0, "{extended}");
    assert!(
        server
            .download(&ann, "cloudreve://my/new.txt")
            .await
            .is_empty()
    );

    // An editor saves over the version it read (touch, then write).
    let path = format!(
        "/file/content?uri={}&previous={primary}",
        query_escape("cloudreve://my/new.txt")
    );
    let saved = server
        .request_as(Method::PUT, &path, &ann.access_token)
        .body("written")
        .send()
        .await
        .unwrap();
    let saved = stratus_tests::envelope(saved).await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(
        server.download(&ann, "cloudreve://my/new.txt").await,
        b"written"
    );
    // Versions are not kept by default: the written content took the empty one's place.
    let extended = server.get_as(&q, &ann.access_token).await;
    let entities = &extended["data"]["extended_info"]["entities"];
    assert_eq!(entities.as_array().map(Vec::len), Some(1), "{extended}");
    assert_eq!(entities[0]["size"], 7, "{extended}");
}

#[tokio::test]
async fn create_refuses_bad_names_and_places() {
    let (server, ann) = setup().await;
    for uri in [
        "cloudreve://my/a%2Fb",
        "cloudreve://my/..",
        "cloudreve://my/a%00b",
        "cloudreve://my/x%5Cy",
        "cloudreve://my/what%3F",
    ] {
        let body = create(&server, &ann, uri, "file").await;
        assert!(
            body["code"] == 40052 || body["code"] == 40001,
            "{uri}: {body}"
        );
    }
    let long = format!("cloudreve://my/{}", "a".repeat(256));
    assert_eq!(create(&server, &ann, &long, "file").await["code"], 40052);
    assert_eq!(
        create(&server, &ann, "cloudreve://my", "folder").await["code"],
        40053
    );
    assert_eq!(
        create(&server, &ann, "http://my/x", "folder").await["code"],
        40001
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://trash/x", "folder").await["code"],
        403
    );
    let bad_type = create(&server, &ann, "cloudreve://my/x", "link").await;
    assert_eq!(bad_type["code"], 40001);
    // Anonymous callers have no `my`.
    let (_, anon) = server
        .send_api(
            Method::POST,
            "/file/create",
            &json!({"uri": "cloudreve://my/x", "type": "file"}).to_string(),
        )
        .await;
    assert_eq!(anon["code"], 401);
}

#[tokio::test]
async fn users_cannot_reach_each_others_files() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let secret = create(&server, &ann, "cloudreve://my/secret.txt", "file").await;
    let ann_hash = ann.user["id"].as_str().unwrap();

    let other_my = format!("cloudreve://{ann_hash}@my/secret.txt");
    let b = info(&server, &bob, &other_my).await;
    // Without a grant, another user's tree answers as if nothing were there.
    assert_eq!(b["code"], 404);
    assert!(b.get("data").is_none());
    // By id: nothing, not even the name.
    let id = secret["data"]["id"].as_str().unwrap();
    let by_id = server
        .get_as(&format!("/file/info?id={id}"), &bob.access_token)
        .await;
    assert_eq!(by_id["code"], 404);
    assert!(!by_id.to_string().contains("secret.txt"));
    // Bob's own path of that name does not exist.
    assert_eq!(
        info(&server, &bob, "cloudreve://my/secret.txt").await["code"],
        404
    );
    // Bob cannot rename or move Ann's file through his own tree.
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &bob.access_token,
            &json!({"uri": other_my, "new_name": "x"}),
        )
        .await;
    assert_eq!(rename["code"], 404);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/secret.txt").await["code"],
        0
    );
}

#[tokio::test]
async fn rename_checks_names_and_conflicts() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/b.txt", "file").await;
    let rename = |uri: &str, name: &str| {
        let body = json!({"uri": uri, "new_name": name});
        let server = &server;
        let token = ann.access_token.clone();
        async move {
            server
                .send_as(Method::POST, "/file/rename", &token, &body)
                .await
        }
    };
    let ok = rename("cloudreve://my/a.txt", "c.txt").await;
    assert_eq!(ok["code"], 0, "{ok}");
    assert_eq!(ok["data"]["name"], "c.txt");
    assert_eq!(ok["data"]["path"], "cloudreve://my/c.txt");
    assert_eq!(rename("cloudreve://my/c.txt", "b.txt").await["code"], 40004);
    assert_eq!(rename("cloudreve://my/c.txt", "x/y").await["code"], 40052);
    assert_eq!(rename("cloudreve://my/c.txt", "..").await["code"], 40052);
    assert_eq!(rename("cloudreve://my/c.txt", "").await["code"], 40001);
    assert_eq!(rename("cloudreve://my", "root").await["code"], 40053);
    assert_eq!(rename("cloudreve://my/missing", "z").await["code"], 404);
    // Same name: nothing to do.
    assert_eq!(rename("cloudreve://my/c.txt", "c.txt").await["code"], 0);
}

async fn mv(server: &TestServer, s: &Session, uris: &[&str], dst: &str, copy: bool) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/move",
            &s.access_token,
            &json!({"uris": uris, "dst": dst, "copy": copy}),
        )
        .await
}

#[tokio::test]
async fn locked_paths_refuse_api_changes_with_40073() {
    use stratus_server::fs::lock::{self, Depth, LockOwner, LockPath, LockRequest, Scope};
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/shared/doc.txt", "file").await;
    create(&server, &ann, "cloudreve://my/other", "folder").await;
    let held = lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: uid,
            path: LockPath::parse("/shared").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Infinity,
            timeout: std::time::Duration::from_secs(600),
            owner_info: Some(LockOwner::dav(Some("<D:href>mac</D:href>".into())).to_owner_info()),
            file_id: None,
        },
    )
    .await
    .unwrap();

    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/shared/doc.txt", "new_name": "x.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 40073, "{rename}");
    let conflicts = rename["data"].as_array().unwrap();
    assert_eq!(conflicts[0]["token"], held.token);
    assert_eq!(conflicts[0]["owner"]["application"]["type"], "dav");
    assert_eq!(
        create(&server, &ann, "cloudreve://my/shared/new.txt", "file").await["code"],
        40073
    );
    let moved = mv(
        &server,
        &ann,
        &["cloudreve://my/shared"],
        "cloudreve://my/other",
        false,
    )
    .await;
    assert_eq!(moved["code"], 40073);
    let into = mv(
        &server,
        &ann,
        &["cloudreve://my/other"],
        "cloudreve://my/shared",
        false,
    )
    .await;
    assert_eq!(into["code"], 40073);
    // Outside the lock nothing changes; after force-unlock the rename goes through.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/sharedx.txt", "file").await["code"],
        0
    );
    let unlock = server
        .send_as(
            Method::DELETE,
            "/file/lock",
            &ann.access_token,
            &json!({"tokens": [held.token]}),
        )
        .await;
    assert_eq!(unlock["code"], 0);
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/shared/doc.txt", "new_name": "x.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 0);
}

#[tokio::test]
async fn file_changes_are_recorded_in_the_audit_log() {
    use stratus_entity::event;
    use stratus_server::events::kind;
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/dir", "folder").await;
    let token = ann.access_token.clone();
    let r = server
        .send_as(
            Method::POST,
            "/file/rename",
            &token,
            &json!({"uri": "cloudreve://my/a.txt", "new_name": "b.txt"}),
        )
        .await;
    assert_eq!(r["code"], 0);
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/b.txt"],
            "cloudreve://my/dir",
            true
        )
        .await["code"],
        0
    );
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/b.txt"],
            "cloudreve://my/dir",
            false
        )
        .await["code"],
        40004
    );
    let del = server
        .send_as(
            Method::DELETE,
            "/file",
            &token,
            &json!({"uris": ["cloudreve://my/b.txt"]}),
        )
        .await;
    assert_eq!(del["code"], 0);
    let rows = event::Entity::find()
        .filter(event::Column::UserId.eq(uid))
        .all(&server.state.db)
        .await
        .unwrap();
    let count = |k: i32| rows.iter().filter(|e| e.r#type == k).count();
    assert_eq!(count(kind::FILE_CREATE), 2);
    assert_eq!(count(kind::FILE_RENAME), 1);
    assert_eq!(count(kind::FILE_COPY), 1);
    assert_eq!(count(kind::FILE_MOVE), 0, "a failed move is not recorded");
    assert_eq!(count(kind::DELETE_FILE), 1);
    let rename = rows.iter().find(|e| e.r#type == kind::FILE_RENAME).unwrap();
    assert_eq!(
        rename.content.as_ref().unwrap()["to"],
        "cloudreve://my/b.txt"
    );
}

/// Bidirectional controls make a name display as another (`txt.exe` shown as `exe.txt`):
/// refused wherever a name is checked, as any other illegal name.
#[tokio::test]
async fn names_with_bidi_controls_are_refused() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}',
    ] {
        let name = format!("invoice{c}fdp.exe");
        let uri = format!("cloudreve://my/{}", query_escape(&name));
        let made = create(&server, &ann, &uri, "file").await;
        assert_eq!(made["code"], 40052, "{c:?}: {made}");
        let renamed = server
            .send_as(
                Method::POST,
                "/file/rename",
                &ann.access_token,
                &json!({"uri": "cloudreve://my/a.txt", "new_name": name}),
            )
            .await;
        assert_eq!(renamed["code"], 40052, "{c:?}: {renamed}");
    }
    assert_eq!(server.names_in(&ann, "cloudreve://my").await, ["a.txt"]);
}

/// Depth and path length are bounded wherever an object gets a new path: create (with its
/// missing parents), upload sessions, and moves and copies that would deepen a tree.
#[tokio::test]
async fn folder_depth_and_path_length_are_bounded() {
    let (server, ann) = setup().await;
    server
        .state
        .settings
        .set(&[("max_folder_depth", "5")])
        .await
        .unwrap();
    let ok = create(&server, &ann, "cloudreve://my/a/b/c/d/e", "folder").await;
    assert_eq!(ok["code"], 0, "{ok}");
    let deep = create(&server, &ann, "cloudreve://my/a/b/c/d/e/f", "folder").await;
    assert_eq!(deep["code"], 40001, "{deep}");
    assert!(
        deep["msg"].as_str().unwrap().contains("at most 5"),
        "{deep}"
    );
    let upload = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/a/b/c/d/e/f.txt", "size": 1,
                    "policy_id": server.state.ids.encode(1, IdKind::Policy)}),
        )
        .await;
    assert_eq!(upload["code"], 40001, "{upload}");

    // x/y/z moved or copied into a/b/c would put z at depth 6.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/x/y/z", "folder").await["code"],
        0
    );
    for copy in [false, true] {
        let body =
            json!({"uris": ["cloudreve://my/x"], "dst": "cloudreve://my/a/b/c", "copy": copy});
        let moved = server
            .send_as(Method::POST, "/file/move", &ann.access_token, &body)
            .await;
        assert_eq!(moved["code"], 40001, "copy {copy}: {moved}");
    }
    // One level up still fits.
    let body = json!({"uris": ["cloudreve://my/x"], "dst": "cloudreve://my/a/b"});
    let moved = server
        .send_as(Method::POST, "/file/move", &ann.access_token, &body)
        .await;
    assert_eq!(moved["code"], 0, "{moved}");
    assert_eq!(server.names_in(&ann, "cloudreve://my").await, ["a"]);

    // 17 names of 250 characters: a path of over 4096 characters.
    let long = vec!["n".repeat(250); 17].join("/");
    server
        .state
        .settings
        .set(&[("max_folder_depth", "256")])
        .await
        .unwrap();
    let made = create(&server, &ann, &format!("cloudreve://my/{long}"), "folder").await;
    assert_eq!(made["code"], 40001, "{made}");
    assert_eq!(
        info(
            &server,
            &ann,
            &format!("cloudreve://my/{}", "n".repeat(250))
        )
        .await["code"],
        404
    );
}
