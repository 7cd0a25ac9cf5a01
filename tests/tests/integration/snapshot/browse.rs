//! Browsing a snapshot through the file routes (`cloudreve://<id>@snapshot/...`): listing,
//! info, downloads, copies out of it into the drive; every write into it refused; another
//! user's snapshot answers like a missing one.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer, query_escape};

use super::{PW, setup, snap_ok};
use crate::archive::upload;

/// `docs/{a.txt, sub/b.txt}` with content, snapshotted; answers the snapshot's root URI.
pub(super) async fn docs_snapshot(server: &TestServer, ann: &Session) -> String {
    upload(server, ann, "cloudreve://my/docs/a.txt", b"alpha").await;
    upload(server, ann, "cloudreve://my/docs/sub/b.txt", b"bravo!").await;
    let made = snap_ok(server, ann, "cloudreve://my/docs", "docs").await;
    format!("cloudreve://{}@snapshot", made["id"].as_str().unwrap())
}

async fn list(server: &TestServer, s: &Session, uri: &str, extra: &str) -> Value {
    let path = format!("/file?uri={}{extra}", query_escape(uri));
    server.get_as(&path, &s.access_token).await
}

async fn delete(server: &TestServer, s: &Session, uri: &str) -> Value {
    server
        .send_as(
            Method::DELETE,
            "/file",
            &s.access_token,
            &json!({"uris": [uri]}),
        )
        .await
}

async fn move_to(server: &TestServer, s: &Session, uris: &[&str], dst: &str, copy: bool) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/move",
            &s.access_token,
            &json!({"uris": uris, "dst": dst, "copy": copy}),
        )
        .await
}

/// The code of a batch route's only failure, or of the whole answer.
fn code_of(body: &Value) -> i64 {
    if body["code"] == 40081 {
        let failures = body["data"].as_object().expect("aggregated errors");
        return failures.values().next().unwrap()["code"].as_i64().unwrap();
    }
    body["code"].as_i64().unwrap()
}

#[tokio::test]
async fn a_snapshot_lists_and_downloads_as_it_was_while_the_drive_changes() {
    let (server, ann) = setup().await;
    let root = docs_snapshot(&server, &ann).await;
    delete(&server, &ann, "cloudreve://my/docs/a.txt").await;
    upload(&server, &ann, "cloudreve://my/docs/new.txt", b"new").await;

    assert_eq!(server.names_in(&ann, &root).await, ["a.txt", "sub"]);
    assert_eq!(
        server.names_in(&ann, &format!("{root}/sub")).await,
        ["b.txt"]
    );
    let listed = list(&server, &ann, &root, "").await;
    assert_eq!(listed["code"], 0, "{listed}");
    let files = listed["data"]["files"].as_array().unwrap();
    // Folders first.
    assert_eq!(files[0]["name"], "sub");
    assert_eq!(files[0]["type"], 1);
    assert_eq!(files[1]["size"], 5);
    assert_eq!(files[1]["path"], format!("{root}/a.txt"));
    assert_eq!(listed["data"]["parent"]["path"], root);
    // Read-only: the capability has no create, rename, upload or delete bit.
    let capability = listed["data"]["props"]["capability"].as_str().unwrap();
    let my = list(&server, &ann, "cloudreve://my", "").await;
    assert_ne!(
        capability,
        my["data"]["props"]["capability"].as_str().unwrap()
    );
    assert_eq!(files[1]["capability"], capability);

    // Pages.
    let first = list(&server, &ann, &root, "&page_size=1").await;
    assert_eq!(first["data"]["files"][0]["name"], "sub");
    let token = first["data"]["pagination"]["next_token"].as_str().unwrap();
    let second = list(
        &server,
        &ann,
        &root,
        &format!("&page_size=1&next_page_token={token}"),
    )
    .await;
    assert_eq!(second["data"]["files"][0]["name"], "a.txt", "{second}");
    assert!(
        second["data"]["pagination"]["next_token"].is_null(),
        "{second}"
    );

    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(&format!("{root}/a.txt"))),
            &ann.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");
    assert_eq!(info["data"]["size"], 5);
    assert_eq!(info["data"]["name"], "a.txt");
    assert_eq!(
        server.download(&ann, &format!("{root}/a.txt")).await,
        b"alpha"
    );
    assert_eq!(
        server.download(&ann, &format!("{root}/sub/b.txt")).await,
        b"bravo!"
    );
    // A file URI is not a folder to list; a missing path is not found.
    assert_eq!(
        list(&server, &ann, &format!("{root}/a.txt"), "").await["code"],
        40001
    );
    assert_eq!(
        list(&server, &ann, &format!("{root}/nope"), "").await["code"],
        404
    );
}

#[tokio::test]
async fn every_write_into_a_snapshot_is_refused() {
    let (server, ann) = setup().await;
    let root = docs_snapshot(&server, &ann).await;
    let a = format!("{root}/a.txt");
    let policy = server
        .state
        .ids
        .encode(1, stratus_server::ids::IdKind::Policy);
    let up = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &json!({"uri": format!("{root}/up.txt"), "size": 3, "policy_id": policy}),
        )
        .await;
    assert_eq!(up["code"], 403, "{up}");
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": a, "new_name": "b.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 403, "{rename}");
    assert!(
        rename["msg"].as_str().unwrap().contains("read-only"),
        "{rename}"
    );
    assert_eq!(code_of(&delete(&server, &ann, &a).await), 403);
    let create = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": format!("{root}/new"), "type": "folder"}),
        )
        .await;
    assert_eq!(create["code"], 403, "{create}");
    let into = move_to(&server, &ann, &["cloudreve://my/docs/a.txt"], &root, false).await;
    assert_eq!(code_of(&into), 403, "{into}");
    let copy_into = move_to(&server, &ann, &["cloudreve://my/docs/a.txt"], &root, true).await;
    assert_eq!(code_of(&copy_into), 403, "{copy_into}");
    let out = move_to(&server, &ann, &[&a], "cloudreve://my", false).await;
    assert_eq!(code_of(&out), 403, "{out}");
    // Nothing changed.
    assert_eq!(server.names_in(&ann, &root).await, ["a.txt", "sub"]);
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/docs").await,
        ["a.txt", "sub"]
    );
}

#[tokio::test]
async fn files_and_folders_are_copied_out_of_a_snapshot_sharing_their_blobs() {
    let (server, ann) = setup().await;
    let root = docs_snapshot(&server, &ann).await;
    let uid = super::user_id(&server, &ann);
    delete(&server, &ann, "cloudreve://my/docs/a.txt").await;
    delete(&server, &ann, "cloudreve://my/docs/sub").await;
    let before = server.storage_of(uid).await;

    let a = format!("{root}/a.txt");
    let sub = format!("{root}/sub");
    let copied = move_to(&server, &ann, &[&a, &sub], "cloudreve://my/docs", true).await;
    assert_eq!(copied["code"], 0, "{copied}");
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/docs").await,
        ["a.txt", "sub"]
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/docs/a.txt").await,
        b"alpha"
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/docs/sub/b.txt").await,
        b"bravo!"
    );
    // Charged like a copy.
    assert_eq!(server.storage_of(uid).await, before + 5 + 6);
    // A name taken is a conflict, and nothing is doubled.
    let again = move_to(&server, &ann, &[&a], "cloudreve://my/docs", true).await;
    assert_eq!(code_of(&again), 40004, "{again}");
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/docs").await,
        ["a.txt", "sub"]
    );
    // The copy is an ordinary file: it can be changed.
    let renamed = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/docs/a.txt", "new_name": "z.txt"}),
        )
        .await;
    assert_eq!(renamed["code"], 0, "{renamed}");
}

#[tokio::test]
async fn another_users_snapshot_answers_like_a_missing_one() {
    let (server, ann) = setup().await;
    let root = docs_snapshot(&server, &ann).await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let a = format!("{root}/a.txt");
    let missing = root.replace("@snapshot", "x@snapshot");

    for uri in [&root, &missing] {
        assert_eq!(list(&server, &bob, uri, "").await["code"], 404, "{uri}");
    }
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(&a)),
            &bob.access_token,
        )
        .await;
    assert_eq!(info["code"], 404, "{info}");
    let url = server
        .send_as(
            Method::POST,
            "/file/url",
            &bob.access_token,
            &json!({"uris": [a]}),
        )
        .await;
    assert_eq!(code_of(&url), 404, "{url}");
    let copy = move_to(&server, &bob, &[&a], "cloudreve://my", true).await;
    assert_eq!(code_of(&copy), 404, "{copy}");
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &bob.access_token,
            &json!({"uri": a, "new_name": "b.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 404, "{rename}");
    let id = root
        .trim_start_matches("cloudreve://")
        .trim_end_matches("@snapshot");
    let restore = server
        .send_as(
            Method::POST,
            &format!("/snapshot/{id}/restore"),
            &bob.access_token,
            &json!({"mode": "replace"}),
        )
        .await;
    assert_eq!(restore["code"], 404, "{restore}");
    assert_eq!(
        server.names_in(&bob, "cloudreve://my").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn items_of_a_snapshot_zip_as_they_were() {
    use crate::archive::{allow_archives, fetch_entries, sha};
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    let root = docs_snapshot(&server, &ann).await;
    delete(&server, &ann, "cloudreve://my/docs/sub").await;
    let answer = server
        .send_as(
            Method::POST,
            "/file/url",
            &ann.access_token,
            &json!({"uris": [format!("{root}/a.txt"), format!("{root}/sub")], "archive": true}),
        )
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    let entries = fetch_entries(&server, url).await;
    let expected: Vec<(String, String)> = vec![
        ("a.txt".into(), sha(b"alpha")),
        ("sub/".into(), "dir".into()),
        ("sub/b.txt".into(), sha(b"bravo!")),
    ];
    assert_eq!(entries.into_iter().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn a_snapshot_shows_the_thumbnails_its_files_had_and_makes_none() {
    let (server, ann) = setup().await;
    upload(
        &server,
        &ann,
        "cloudreve://my/pics/p.png",
        &crate::thumb::png(64, 48),
    )
    .await;
    upload(
        &server,
        &ann,
        "cloudreve://my/pics/q.png",
        &crate::thumb::png(32, 32),
    )
    .await;
    let thumb = |uri: String| {
        let server = &server;
        let token = ann.access_token.clone();
        async move {
            server
                .get_as(&format!("/file/thumb?uri={}", query_escape(&uri)), &token)
                .await
        }
    };
    let live = thumb("cloudreve://my/pics/p.png".into()).await;
    assert_eq!(live["code"], 0, "{live}");
    let made = snap_ok(&server, &ann, "cloudreve://my/pics", "pics").await;
    let root = format!("cloudreve://{}@snapshot", made["id"].as_str().unwrap());
    let shown = thumb(format!("{root}/p.png")).await;
    assert_eq!(shown["code"], 0, "{shown}");
    // q.png never had one, and a snapshot makes none.
    assert_eq!(thumb(format!("{root}/q.png")).await["code"], 40077);
}
