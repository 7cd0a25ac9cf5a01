//! Extract options: `password` for encrypted archives (zip with ZipCrypto and with AES, 7z
//! with and without encrypted headers, all made by the real tools) and `file_mask`; the
//! password never appears in task rows; listing needs the extract permission.

use sea_orm::EntityTrait;

use super::*;

const SECRET: &str = "s3cret-pw-42";

/// `(archive name, tool, args)`: each archives `tree` with [`SECRET`].
fn encrypted(dir: &Path) -> Vec<&'static str> {
    let pw = format!("-p{SECRET}");
    run(dir, "zip", &["-qr", "-P", SECRET, "crypto.zip", "tree"]);
    run(
        dir,
        "7z",
        &[
            "a",
            "-bd",
            "-bso0",
            "-tzip",
            "-mem=AES256",
            &pw,
            "aes.zip",
            "tree",
        ],
    );
    run(
        dir,
        "7z",
        &["a", "-bd", "-bso0", &pw, "plain-header.7z", "tree"],
    );
    run(
        dir,
        "7z",
        &["a", "-bd", "-bso0", "-mhe=on", &pw, "hidden.7z", "tree"],
    );
    vec!["crypto.zip", "aes.zip", "plain-header.7z", "hidden.7z"]
}

/// Asks for an extraction with extra fields and waits for its task.
async fn extract_with(
    server: &TestServer,
    s: &Session,
    src: &str,
    dst: &str,
    extra: Value,
) -> (String, task::Model) {
    let mut body = json!({"src": [src], "dst": dst});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let created = server
        .send_as(Method::POST, "/workflow/extract", &s.access_token, &body)
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let hashid = created["data"]["id"].as_str().unwrap().to_owned();
    let id = server.state.ids.decode(&hashid, IdKind::Task).unwrap();
    let done = wait_task(server, id, "ended", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await;
    (hashid, done)
}

#[tokio::test]
async fn encrypted_archives_extract_with_their_password_and_fail_cleanly_without() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let files = source_tree(dir.path());
    for archive in encrypted(dir.path()) {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let out = format!("out-{archive}");
        create(&server, &a, &my(&out), "folder").await;
        for (extra, wanted) in [
            (json!({}), "password"),
            (json!({"password": "wrong"}), "password"),
        ] {
            let (_, done) = extract_with(&server, &a, &my(archive), &my(&out), extra).await;
            assert_eq!(
                done.status,
                status::ERROR,
                "{archive}: {}",
                done.public_state
            );
            let error = done.public_state["error"].as_str().unwrap_or_default();
            assert!(error.contains(wanted), "{archive}: {error}");
            // Nothing half-extracted, no staging folder.
            assert!(server.names_in(&a, &my(&out)).await.is_empty(), "{archive}");
        }
        let (_, done) = extract_with(
            &server,
            &a,
            &my(archive),
            &my(&out),
            json!({"password": SECRET}),
        )
        .await;
        assert_eq!(
            done.status,
            status::COMPLETED,
            "{archive}: {}",
            done.public_state
        );
        for (name, expected) in &files {
            let got = server.download(&a, &my(&format!("{out}/{name}"))).await;
            assert!(got == *expected, "{archive}: {name} differs");
        }
        // The password is not kept once the task ended.
        let row = task::Entity::find_by_id(done.id)
            .one(&server.state.db)
            .await
            .unwrap()
            .unwrap();
        assert!(!row.private_state.contains(SECRET), "{}", row.private_state);
    }
}

#[tokio::test]
async fn file_mask_extracts_only_the_selected_entries() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let files = source_tree(dir.path());
    run(dir.path(), "zip", &["-qr", "t.zip", "tree"]);
    run(dir.path(), "7z", &["a", "-bd", "-bso0", "t.7z", "tree"]);
    run(dir.path(), "tar", &["czf", "t.tar.gz", "tree"]);
    for archive in ["t.zip", "t.7z", "t.tar.gz"] {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let out = format!("out-{archive}");
        create(&server, &a, &my(&out), "folder").await;
        // A folder (with what lies below it) and one file; `tree/zero.bin2` would not match.
        let mask = json!({"file_mask": ["/tree/sub/", "tree/a.txt"]});
        let (_, done) = extract_with(&server, &a, &my(archive), &my(&out), mask).await;
        assert_eq!(
            done.status,
            status::COMPLETED,
            "{archive}: {}",
            done.public_state
        );
        assert_eq!(
            server.names_in(&a, &my(&format!("{out}/tree"))).await,
            ["a.txt", "sub"],
            "{archive}"
        );
        let sub = server.names_in(&a, &my(&format!("{out}/tree/sub"))).await;
        assert_eq!(sub, ["b.bin", "empty", "日本語 ñ.txt"], "{archive}");
        let got = server
            .download(&a, &my(&format!("{out}/tree/sub/b.bin")))
            .await;
        assert!(got == files[1].1, "{archive}");
    }
    // An unsafe mask is a bad parameter.
    let bad = server
        .send_as(
            Method::POST,
            "/workflow/extract",
            &a.access_token,
            &json!({"src": [my("t.zip")], "dst": my(""), "file_mask": ["../x"]}),
        )
        .await;
    assert_eq!(bad["code"], 40001, "{bad}");
}

#[tokio::test]
async fn the_password_never_shows_in_task_rows() {
    let (server, a) = setup().await;
    let root = crate::admin::admin(&server, "root@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    source_tree(dir.path());
    let pw = format!("-p{SECRET}");
    run(
        dir.path(),
        "7z",
        &["a", "-bd", "-bso0", &pw, "t.7z", "tree"],
    );
    let bytes = std::fs::read(dir.path().join("t.7z")).unwrap();
    upload(&server, &a, &my("t.7z"), &bytes).await;
    // A wrong password: the task fails, and its row is shown everywhere rows are.
    let (hashid, done) = extract_with(
        &server,
        &a,
        &my("t.7z"),
        &my(""),
        json!({"password": SECRET.to_owned() + "x"}),
    )
    .await;
    assert_eq!(done.status, status::ERROR);
    let admin_list = server
        .send_as(
            Method::POST,
            "/admin/queue",
            &root.access_token,
            &json!({"page": 1, "page_size": 10, "conditions": {}}),
        )
        .await;
    let admin_id = admin_list["data"]["tasks"][0]["id"].clone();
    assert!(!admin_id.is_null(), "{admin_list}");
    let admin_one = server
        .get_as(&format!("/admin/queue/{admin_id}"), &root.access_token)
        .await;
    assert_eq!(admin_one["code"], 0, "{admin_one}");
    let views = [
        server
            .get_as("/workflow?category=general", &a.access_token)
            .await,
        server
            .get_as(&format!("/workflow/progress/{hashid}"), &a.access_token)
            .await,
        admin_list,
        admin_one,
    ];
    assert_eq!(views[0]["data"]["tasks"][0]["id"], hashid, "{}", views[0]);
    for v in views {
        assert!(!v.to_string().contains(SECRET), "{v}");
    }
}

#[tokio::test]
async fn listing_an_archive_needs_the_extract_permission() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"x").unwrap();
    run(dir.path(), "zip", &["-q", "a.zip", "f.txt"]);
    upload(
        &server,
        &a,
        &my("a.zip"),
        &std::fs::read(dir.path().join("a.zip")).unwrap(),
    )
    .await;
    let path = format!(
        "/file/archive?uri={}",
        stratus_tests::query_escape(&my("a.zip"))
    );
    assert_eq!(server.get_as(&path, &a.access_token).await["code"], 0);
    allow(&server, false).await;
    let refused = server.get_as(&path, &a.access_token).await;
    assert_eq!(refused["code"], 40007, "{refused}");
}
