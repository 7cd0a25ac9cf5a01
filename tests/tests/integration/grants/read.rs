//! A read-only grant: the recipient lists, previews, downloads and copies out; every write is
//! refused; a third user, and the recipient outside the grant, get what a missing file gets.

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::{Boolset, fs_cap};

use super::{A, People, ann_grants, list, names, send, setup, url_of};

/// Code of a missing object.
const NOT_FOUND: i64 = 404;

#[tokio::test]
async fn a_reader_lists_downloads_and_copies_out() {
    let p = setup().await;
    ann_grants(&p, "Team", &p.bob, "read").await;
    let s = &p.server;

    assert_eq!(names(s, &p.bob, &p.anns("Team")).await, ["Sub", "a.txt"]);
    assert_eq!(names(s, &p.bob, &p.anns("Team/Sub")).await, ["b.txt"]);
    // The listing says what the reader may do: read, not write.
    let listed = list(s, &p.bob, &p.anns("Team")).await;
    let caps =
        Boolset::from_base64(listed["data"]["props"]["capability"].as_str().unwrap()).unwrap();
    for bit in [
        fs_cap::LIST_CHILDREN,
        fs_cap::DOWNLOAD,
        fs_cap::GENERATE_THUMB,
    ] {
        assert!(caps.enabled(bit), "bit {bit}: {listed}");
    }
    for bit in [
        fs_cap::CREATE,
        fs_cap::UPLOAD,
        fs_cap::RENAME,
        fs_cap::SOFT_DELETE,
        fs_cap::DELETE,
        fs_cap::SHARE,
    ] {
        assert!(!caps.enabled(bit), "bit {bit}: {listed}");
    }
    assert_eq!(listed["data"]["files"][0]["owned"], false, "{listed}");

    assert_eq!(s.download(&p.bob, &p.anns("Team/a.txt")).await, A);
    let info = s
        .get_as(
            &format!(
                "/file/info?uri={}",
                stratus_tests::query_escape(&p.anns("Team/a.txt"))
            ),
            &p.bob.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");

    // Copying out lands in Bob's drive, owned by and charged to Bob.
    let bob_before = s.storage_of(uid(&p, &p.bob)).await;
    let copied = send(
        s,
        &p.bob,
        Method::POST,
        "/file/move",
        json!({"uris": [p.anns("Team/a.txt")], "dst": "cloudreve://my", "copy": true}),
    )
    .await;
    assert_eq!(copied["code"], 0, "{copied}");
    assert_eq!(s.download(&p.bob, "cloudreve://my/a.txt").await, A);
    assert_eq!(
        s.storage_of(uid(&p, &p.bob)).await,
        bob_before + A.len() as i64
    );
    // Bob's copy is his: deleting it leaves Ann's file.
    let deleted = send(
        s,
        &p.bob,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/a.txt"]}),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_eq!(s.download(&p.ann, "cloudreve://my/Team/a.txt").await, A);
}

fn uid(p: &People, s: &stratus_tests::Session) -> i64 {
    crate::download::uid(&p.server, s)
}

#[tokio::test]
async fn a_reader_changes_nothing() {
    let p = setup().await;
    ann_grants(&p, "Team", &p.bob, "read").await;
    let s = &p.server;
    let attempts = [
        (
            Method::POST,
            "/file/create",
            json!({"uri": p.anns("Team/new.txt"), "type": "file"}),
        ),
        (
            Method::POST,
            "/file/create",
            json!({"uri": p.anns("Team/NewDir"), "type": "folder"}),
        ),
        (
            Method::POST,
            "/file/rename",
            json!({"uri": p.anns("Team/a.txt"), "new_name": "z.txt"}),
        ),
        (
            Method::POST,
            "/file/rename",
            json!({"uri": p.anns("Team"), "new_name": "Mine"}),
        ),
        (
            Method::POST,
            "/file/move",
            json!({"uris": [p.anns("Team/a.txt")], "dst": p.anns("Team/Sub")}),
        ),
        (
            Method::POST,
            "/file/move",
            json!({"uris": [p.anns("Team/a.txt")], "dst": "cloudreve://my"}),
        ),
        (
            Method::DELETE,
            "/file",
            json!({"uris": [p.anns("Team/a.txt")]}),
        ),
        (
            Method::DELETE,
            "/file",
            json!({"uris": [p.anns("Team")], "skip_soft_delete": true}),
        ),
        (Method::PUT, "/share", json!({"uri": p.anns("Team")})),
        (
            Method::PUT,
            "/file/permission",
            json!({"uri": p.anns("Team"), "users": {People::id(&p.carol): "read"}}),
        ),
        (
            Method::PUT,
            "/file/upload",
            json!({"uri": p.anns("Team/up.txt"), "size": 3}),
        ),
    ];
    for (method, path, body) in attempts {
        let answer = send(s, &p.bob, method.clone(), path, body.clone()).await;
        assert_ne!(answer["code"], 0, "{method} {path} {body}: {answer}");
    }
    assert_eq!(
        names(s, &p.ann, "cloudreve://my/Team").await,
        ["Sub", "a.txt"]
    );
    assert_eq!(
        names(s, &p.ann, "cloudreve://my").await,
        ["Private", "Team"]
    );
    assert_eq!(s.download(&p.ann, "cloudreve://my/Team/a.txt").await, A);
}

#[tokio::test]
async fn outside_the_grant_and_for_others_it_is_as_if_nothing_were_there() {
    let p = setup().await;
    ann_grants(&p, "Team", &p.bob, "read").await;
    let s = &p.server;
    // Bob outside the granted folder, Carol everywhere: the answer of a missing path.
    for (who, path) in [
        (&p.bob, ""),
        (&p.bob, "Private"),
        (&p.bob, "Private/p.txt"),
        (&p.carol, "Team"),
        (&p.carol, "Team/a.txt"),
        (&p.carol, "Private"),
        (&p.carol, "Nothing/here"),
    ] {
        let listed = list(s, who, &p.anns(path)).await;
        assert_eq!(listed["code"], NOT_FOUND, "{path}: {listed}");
        let url = url_of(s, who, &p.anns(path)).await;
        assert_ne!(url["code"], 0, "{path}: {url}");
    }
    let missing = list(s, &p.bob, &p.anns("Team/none")).await;
    let hidden = list(s, &p.carol, &p.anns("Team")).await;
    assert_eq!(missing["code"], hidden["code"]);
    assert_eq!(missing["msg"], hidden["msg"]);
    // Thumbnails and archives go through the same check.
    let thumb = s
        .get_as(
            &format!(
                "/file/thumb?uri={}",
                stratus_tests::query_escape(&p.anns("Team/a.txt"))
            ),
            &p.carol.access_token,
        )
        .await;
    assert_ne!(thumb["code"], 0, "{thumb}");
    let zip = send(
        s,
        &p.carol,
        Method::POST,
        "/file/archive",
        json!({"uris": [p.anns("Team")]}),
    )
    .await;
    assert_ne!(zip["code"], 0, "{zip}");
}

#[tokio::test]
async fn shared_with_me_lists_grants_beside_saved_shares() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "read").await;
    ann_grants(&p, "Private/p.txt", &p.bob, "write").await;
    // A saved share of Carol's folder, as before.
    send(
        s,
        &p.carol,
        Method::POST,
        "/file/create",
        json!({"uri": "cloudreve://my/Carols", "type": "folder"}),
    )
    .await;
    let (id, _) = s.share(&p.carol, "cloudreve://my/Carols", json!({})).await;
    let saved = send(
        s,
        &p.bob,
        Method::POST,
        "/file/create",
        json!({
            "uri": "cloudreve://my/Carols",
            "type": "file",
            "metadata": {"sys:shared_redirect": format!("cloudreve://{id}@share")}
        }),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");

    let listed = list(s, &p.bob, "cloudreve://shared_with_me").await;
    assert_eq!(listed["code"], 0, "{listed}");
    let files = listed["data"]["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 3, "{listed}");
    for granted in [p.anns("Private/p.txt"), p.anns("Team")] {
        assert!(paths.contains(&granted.as_str()), "{granted}: {listed}");
    }
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("cloudreve://shared_with_me/")),
        "{listed}"
    );
    // Ann's own listing of shared_with_me shows none of it; Carol's neither.
    let anns = list(s, &p.ann, "cloudreve://shared_with_me").await;
    assert_eq!(anns["data"]["files"].as_array().unwrap().len(), 0, "{anns}");
    let carols = list(s, &p.carol, "cloudreve://shared_with_me").await;
    assert_eq!(
        carols["data"]["files"].as_array().unwrap().len(),
        0,
        "{carols}"
    );
    // A granted file downloads through its path.
    assert_eq!(
        s.download(&p.bob, &p.anns("Private/p.txt")).await,
        b"private"
    );
    // But not its folder's other files, nor the folder.
    assert_eq!(list(s, &p.bob, &p.anns("Private")).await["code"], NOT_FOUND);
}
