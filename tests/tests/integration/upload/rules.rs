//! A policy's name rules (extension allow/deny list, name pattern) on upload sessions and
//! WebDAV `PUT`, how the summary reports them, and the `previous`, `policy_id` and
//! `encryption_supported` fields of a session request.

use stratus_server::boolset::{Boolset, group_perm};

use super::*;

fn summary(r: &Value) -> &Value {
    &r["data"]["storage_policy"]
}

#[tokio::test]
async fn deny_lists_and_name_patterns_refuse_with_40052_and_show_in_the_summary() {
    let (server, ann) = setup().await;
    update_policy(&server, |p| {
        p.settings["file_type"] = json!(["exe", "bat"]);
        p.settings["is_file_type_deny_list"] = json!(true);
        p.settings["file_regexp"] = json!("^draft");
        p.settings["is_name_regexp_deny_list"] = json!(true);
    })
    .await;
    for name in ["tool.EXE", "run.bat", "draft-1.txt"] {
        let r = create(
            &server,
            &ann,
            &format!("cloudreve://my/{name}"),
            3,
            json!({}),
        )
        .await;
        assert_eq!(r["code"], 40052, "{name}: {r}");
    }
    let ok = create(&server, &ann, "cloudreve://my/notes.txt", 3, json!({})).await;
    assert_eq!(ok["code"], 0, "{ok}");
    let s = summary(&ok);
    assert_eq!(s["denied_suffix"], json!(["exe", "bat"]), "{s}");
    assert!(s.get("allowed_suffix").is_none(), "{s}");
    assert_eq!(s["denied_name_regexp"], "^draft", "{s}");
    assert!(s.get("allowed_name_regexp").is_none(), "{s}");

    // A pattern that names must match, and an allow list.
    update_policy(&server, |p| {
        p.settings["file_type"] = json!(["txt"]);
        p.settings["is_file_type_deny_list"] = json!(false);
        p.settings["file_regexp"] = json!("^report-[0-9]+\\.");
        p.settings["is_name_regexp_deny_list"] = json!(false);
    })
    .await;
    let bad = create(&server, &ann, "cloudreve://my/memo.txt", 3, json!({})).await;
    assert_eq!(bad["code"], 40052, "{bad}");
    let bad = create(&server, &ann, "cloudreve://my/report-1.pdf", 3, json!({})).await;
    assert_eq!(bad["code"], 40052, "{bad}");
    let ok = create(&server, &ann, "cloudreve://my/report-7.txt", 3, json!({})).await;
    assert_eq!(ok["code"], 0, "{ok}");
    assert_eq!(summary(&ok)["allowed_suffix"], json!(["txt"]));
    assert_eq!(summary(&ok)["allowed_name_regexp"], "^report-[0-9]+\\.");
    assert!(summary(&ok).get("denied_suffix").is_none());
    // Nothing was left by the refusals.
    assert_eq!(user_row(&server, &ann).await.storage, 6);
    assert_eq!(
        server.names_in(&ann, "cloudreve://my").await.len(),
        2,
        "only the two accepted placeholders"
    );
}

#[tokio::test]
async fn webdav_put_obeys_the_same_rules() {
    let (server, ann) = setup().await;
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut perms = Boolset::from_bytes(g.permissions.clone());
    perms.set_to(group_perm::WEBDAV, true);
    let mut active = g.into_active_model();
    active.permissions = Set(perms.into_bytes());
    active.update(&server.state.db).await.unwrap();
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
    let acct = server
        .send_as(
            Method::PUT,
            "/devices/dav",
            &ann.access_token,
            &json!({"uri": "cloudreve://my", "name": "t"}),
        )
        .await;
    assert_eq!(acct["code"], 0, "{acct}");
    let pw = acct["data"]["password"].as_str().unwrap().to_owned();
    update_policy(&server, |p| {
        p.settings["file_type"] = json!(["exe"]);
        p.settings["is_file_type_deny_list"] = json!(true);
        p.settings["file_regexp"] = json!("secret");
        p.settings["is_name_regexp_deny_list"] = json!(true);
    })
    .await;
    let put = |name: &str| {
        server
            .client
            .put(server.url(&format!("/dav/{name}")))
            .basic_auth("ann@example.com", Some(&pw))
            .body(b"hello".to_vec())
            .send()
    };
    assert_eq!(put("a.exe").await.unwrap().status(), 403);
    assert_eq!(put("my-secret.txt").await.unwrap().status(), 403);
    assert_eq!(put("fine.txt").await.unwrap().status(), 201);
    assert_eq!(
        server.names_in(&ann, "cloudreve://my").await,
        vec!["fine.txt"]
    );
}

#[tokio::test]
async fn previous_guards_version_uploads_and_policy_id_may_be_empty() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/doc.txt", b"one").await;
    let current = info(&server, &ann, "cloudreve://my/doc.txt").await["data"]["primary_entity"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = server.state.ids.encode(987_654, IdKind::Entity);
    let version = |previous: &str| {
        json!({"entity_type": "version", "previous": previous, "policy_id": "",
               "encryption_supported": ["aes-256-ctr"]})
    };
    let stale = create(&server, &ann, "cloudreve://my/doc.txt", 3, version(&other)).await;
    assert_eq!(stale["code"], 40076, "{stale}");
    let bad = create(&server, &ann, "cloudreve://my/doc.txt", 3, version("%%%")).await;
    assert_eq!(bad["code"], 40001, "{bad}");
    // Nothing was reserved by the refusals.
    assert_eq!(user_row(&server, &ann).await.storage, 3);
    let ok = create(
        &server,
        &ann,
        "cloudreve://my/doc.txt",
        3,
        version(&current),
    )
    .await;
    assert_eq!(ok["code"], 0, "{ok}");
    // Stratus never asks the client to encrypt.
    assert!(ok["data"].get("encrypt_metadata").is_none(), "{ok}");
    let sid = ok["data"]["session_id"].as_str().unwrap();
    assert_eq!(send_chunk(&server, &ann, sid, 0, b"two").await["code"], 0);
    assert_eq!(
        server.download(&ann, "cloudreve://my/doc.txt").await,
        b"two"
    );
    // The version seen before is stale now.
    let stale = create(
        &server,
        &ann,
        "cloudreve://my/doc.txt",
        5,
        version(&current),
    )
    .await;
    assert_eq!(stale["code"], 40076, "{stale}");
    // A new file with an empty policy id, or none at all.
    let mut body = json!({"uri": "cloudreve://my/new.txt", "size": 1});
    let r = server
        .send_as(Method::PUT, "/file/upload", &ann.access_token, &body)
        .await;
    assert_eq!(r["code"], 0, "{r}");
    body["uri"] = json!("cloudreve://my/new2.txt");
    body["policy_id"] = json!("");
    let r = server
        .send_as(Method::PUT, "/file/upload", &ann.access_token, &body)
        .await;
    assert_eq!(r["code"], 0, "{r}");
}
