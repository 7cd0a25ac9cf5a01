//! A share's download limit through every way of downloading: a counted `POST /file/url`
//! serves one download (ranges of it excepted), a zip counts one download per share, and a
//! WebDAV mount of the share takes from the same count. The owner is never counted.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use super::{A, B, file_url, info, make_tree, setup, url_of};
use crate::{
    archive::{allow_archives, fetch_entries, sha},
    dav::{dav, password, set_group_bits},
    download::put_file,
};

/// `GET` (or `HEAD`) `url` with an optional `Range`; the status and the body.
async fn fetch(
    server: &TestServer,
    method: Method,
    url: &str,
    range: Option<&str>,
) -> (u16, Vec<u8>) {
    let mut req = server.client.request(method, url);
    if let Some(range) = range {
        req = req.header("Range", range);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

/// Asserts the answer of a content URL whose one download was served already.
async fn assert_used(server: &TestServer, url: &str, range: Option<&str>) {
    let (status, body) = fetch(server, Method::GET, url, range).await;
    assert_eq!(status, 403, "{range:?}");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], 40005, "{range:?}: {body}");
}

/// `downloaded` and `remain_downloads` of share `id`, as its owner sees them.
async fn counters(server: &TestServer, owner: &Session, id: &str) -> (Value, Value) {
    let shown = info(server, Some(owner), id, &[]).await;
    assert_eq!(shown["code"], 0, "{shown}");
    (
        shown["data"]["downloaded"].clone(),
        shown["data"]["remain_downloads"].clone(),
    )
}

/// `POST /file/url {archive: true}` as `s`; the envelope.
async fn zip(server: &TestServer, s: &Session, uris: &[&str]) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/url",
            &s.access_token,
            &json!({"uris": uris, "archive": true}),
        )
        .await
}

fn zip_url(answer: &Value) -> String {
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"]["urls"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_counted_url_serves_one_download_and_its_later_ranges() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({"downloads": 1}))
        .await;
    let url = url_of(&server, None, &format!("cloudreve://{id}@share/a.txt")).await;
    assert!(url.contains("once="), "{url}");

    // Neither a range from a later byte nor a HEAD is the download.
    assert_eq!(
        fetch(&server, Method::GET, &url, Some("bytes=3-")).await,
        (206, A[3..].to_vec())
    );
    assert_eq!(fetch(&server, Method::HEAD, &url, None).await.0, 200);
    assert_eq!(
        fetch(&server, Method::GET, &url, None).await,
        (200, A.to_vec())
    );

    // A second download from the first byte is refused, however it is asked for.
    let whole = format!("bytes=-{}", A.len());
    for range in [
        None,
        Some("bytes=0-"),
        Some("bytes=0-3"),
        Some(whole.as_str()),
    ] {
        assert_used(&server, &url, range).await;
    }
    // The same download goes on: a player seeking, a transfer resumed.
    assert_eq!(
        fetch(&server, Method::GET, &url, Some("bytes=5-")).await,
        (206, A[5..].to_vec())
    );
    assert_eq!(counters(&server, &ann, &id).await, (json!(1), json!(0)));
}

#[tokio::test]
async fn urls_of_unlimited_shares_and_of_the_owner_are_not_bound() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (open, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let url = url_of(
        &server,
        Some(&bob),
        &format!("cloudreve://{open}@share/a.txt"),
    )
    .await;
    assert!(!url.contains("once="), "{url}");
    for _ in 0..2 {
        assert_eq!(
            fetch(&server, Method::GET, &url, None).await,
            (200, A.to_vec())
        );
    }

    let (limited, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 1}))
        .await;
    let own = url_of(
        &server,
        Some(&ann),
        &format!("cloudreve://{limited}@share/a.txt"),
    )
    .await;
    assert!(!own.contains("once="), "{own}");
    for _ in 0..2 {
        assert_eq!(
            fetch(&server, Method::GET, &own, None).await,
            (200, A.to_vec())
        );
    }
    assert_eq!(
        counters(&server, &ann, &limited).await,
        (json!(0), json!(1))
    );
}

#[tokio::test]
async fn a_zip_through_a_share_counts_one_download_and_serves_once() {
    let (server, ann, bob) = setup().await;
    allow_archives(&server, true).await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 2}))
        .await;
    let a = format!("cloudreve://{id}@share/a.txt");
    let sub = format!("cloudreve://{id}@share/Sub");
    let expected = [
        ("Sub/".to_owned(), "dir".to_owned()),
        ("Sub/b.txt".to_owned(), sha(B)),
        ("a.txt".to_owned(), sha(A)),
    ]
    .into_iter()
    .collect();

    // The owner's zips through the share are not counted.
    let own = zip_url(&zip(&server, &ann, &[&a, &sub]).await);
    assert_eq!(fetch_entries(&server, &own).await, expected);
    assert_eq!(counters(&server, &ann, &id).await, (json!(0), json!(2)));

    // One zip of two items is one download, and its URL serves one request.
    let first = zip_url(&zip(&server, &bob, &[&a, &sub]).await);
    assert_eq!(counters(&server, &ann, &id).await, (json!(1), json!(1)));
    assert_eq!(fetch_entries(&server, &first).await, expected);
    let again = server.client.get(&first).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["code"], 404, "{body}");

    // The last download is still served whole, then the share refuses more.
    let last = zip_url(&zip(&server, &bob, &[&a, &sub]).await);
    assert_eq!(counters(&server, &ann, &id).await, (json!(2), json!(0)));
    assert_eq!(fetch_entries(&server, &last).await, expected);
    assert_eq!(zip(&server, &bob, &[&a]).await["code"], 40058);
}

#[tokio::test]
async fn a_signed_out_visitor_gets_a_zip_when_guests_may_download_archives() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 2}))
        .await;
    let a = format!("cloudreve://{id}@share/a.txt");
    let sub = format!("cloudreve://{id}@share/Sub");
    let anonymous_zip = || async {
        let resp = server
            .client
            .post(server.api("/file/url"))
            .json(&json!({"uris": [&a, &sub], "archive": true}))
            .send()
            .await
            .unwrap();
        stratus_tests::envelope(resp).await
    };
    // Guests without the archive permission are refused, and nothing is counted.
    let refused = anonymous_zip().await;
    assert_eq!(refused["code"], 40007, "{refused}");
    assert_eq!(counters(&server, &ann, &id).await, (json!(0), json!(2)));

    set_group_bits(&server, 3, &[(group_perm::ARCHIVE_DOWNLOAD, true)]).await;
    let url = zip_url(&anonymous_zip().await);
    assert_eq!(counters(&server, &ann, &id).await, (json!(1), json!(1)));
    let expected = [
        ("Sub/".to_owned(), "dir".to_owned()),
        ("Sub/b.txt".to_owned(), sha(B)),
        ("a.txt".to_owned(), sha(A)),
    ]
    .into_iter()
    .collect();
    assert_eq!(fetch_entries(&server, &url).await, expected);

    // A guest group that loses the permission no longer gets the zip.
    let url = zip_url(&anonymous_zip().await);
    set_group_bits(&server, 3, &[(group_perm::ARCHIVE_DOWNLOAD, false)]).await;
    let resp = server.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_download_path_takes_from_the_same_limit() {
    let (server, ann, bob) = setup().await;
    allow_archives(&server, true).await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 3}))
        .await;
    let a = format!("cloudreve://{id}@share/a.txt");
    let dav_pw = password(&server, &bob, &format!("cloudreve://{id}@share")).await;
    let dav_get = || async {
        let resp = dav(&server, "GET", "/a.txt", "bob@example.com", &dav_pw)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
    };

    let url = url_of(&server, Some(&bob), &a).await;
    assert_eq!(
        fetch(&server, Method::GET, &url, None).await,
        (200, A.to_vec())
    );
    let zipped = zip_url(&zip(&server, &bob, &[&a]).await);
    assert_eq!(fetch_entries(&server, &zipped).await.len(), 1);
    assert_eq!(dav_get().await, (200, A.to_vec()));
    assert_eq!(counters(&server, &ann, &id).await, (json!(3), json!(0)));

    assert_eq!(file_url(&server, Some(&bob), &[&a]).await["code"], 40058);
    assert_eq!(zip(&server, &bob, &[&a]).await["code"], 40058);
    assert_ne!(dav_get().await.0, 200);
    assert_eq!(counters(&server, &ann, &id).await, (json!(3), json!(0)));
}

/// Queues a task at `route` (`/workflow/archive` or `/workflow/extract`) as `s`; when it is
/// accepted, waits for it to end and asserts it completed.
async fn task(server: &TestServer, s: &Session, route: &str, src: &str, dst: &str) -> Value {
    use stratus_entity::task::status;
    let asked = server
        .send_as(
            Method::POST,
            route,
            &s.access_token,
            &json!({"src": [src], "dst": dst}),
        )
        .await;
    if asked["code"] == 0 {
        let id = server
            .state
            .ids
            .decode(
                asked["data"]["id"].as_str().unwrap(),
                stratus_server::ids::IdKind::Task,
            )
            .unwrap();
        let done = crate::workflow::wait_task(server, id, "ended", |t| {
            t.status == status::COMPLETED || t.status == status::ERROR
        })
        .await;
        assert_eq!(done.status, status::COMPLETED, "{}", done.public_state);
    }
    asked
}

#[tokio::test]
async fn compress_and_extract_tasks_take_from_the_limit() {
    let (server, ann, bob) = setup().await;
    set_group_bits(&server, 2, &[(group_perm::ARCHIVE_TASK, true)]).await;
    make_tree(&server, &ann).await;
    let packed = crate::workflow::extract::listing::zip_of(&[("in.txt", A)]);
    crate::archive::upload(&server, &ann, "cloudreve://my/pack.zip", &packed).await;
    let (file, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({"downloads": 1}))
        .await;
    let (zip_share, _) = server
        .share(&ann, "cloudreve://my/pack.zip", json!({"downloads": 1}))
        .await;
    let a = format!("cloudreve://{file}@share/a.txt");
    let pack = format!("cloudreve://{zip_share}@share/pack.zip");
    crate::archive::create(&server, &bob, "cloudreve://my/out", "folder").await;

    // The one download goes to the first compress task; the next is refused at once.
    let first = task(
        &server,
        &bob,
        "/workflow/archive",
        &a,
        "cloudreve://my/1.zip",
    )
    .await;
    assert_eq!(first["code"], 0, "{first}");
    assert_eq!(counters(&server, &ann, &file).await, (json!(1), json!(0)));
    let second = task(
        &server,
        &bob,
        "/workflow/archive",
        &a,
        "cloudreve://my/2.zip",
    )
    .await;
    assert_eq!(second["code"], 40058, "{second}");

    // The same for extraction.
    let first = task(
        &server,
        &bob,
        "/workflow/extract",
        &pack,
        "cloudreve://my/out",
    )
    .await;
    assert_eq!(first["code"], 0, "{first}");
    assert_eq!(server.download(&bob, "cloudreve://my/out/in.txt").await, A);
    assert_eq!(
        counters(&server, &ann, &zip_share).await,
        (json!(1), json!(0))
    );
    let second = task(
        &server,
        &bob,
        "/workflow/extract",
        &pack,
        "cloudreve://my/out",
    )
    .await;
    assert_eq!(second["code"], 40058, "{second}");
    assert_eq!(
        server.names_in(&bob, "cloudreve://my").await,
        ["1.zip", "out"]
    );
    assert_eq!(
        server.names_in(&bob, "cloudreve://my/out").await,
        ["in.txt"]
    );
}

#[tokio::test]
async fn a_compress_task_of_files_not_yours_or_into_another_drive_is_refused() {
    let (server, ann, bob) = setup().await;
    set_group_bits(&server, 2, &[(group_perm::ARCHIVE_TASK, true)]).await;
    make_tree(&server, &ann).await;
    put_file(&server, &bob, "mine.txt", b"bob's").await;
    let ann_id = ann.user["id"].as_str().unwrap();

    let missing = task(
        &server,
        &bob,
        "/workflow/archive",
        "cloudreve://my/top.txt",
        "cloudreve://my/x.zip",
    )
    .await;
    assert_eq!(missing["code"], 404, "{missing}");
    let foreign = task(
        &server,
        &bob,
        "/workflow/archive",
        &format!("cloudreve://{ann_id}@my/top.txt"),
        "cloudreve://my/x.zip",
    )
    .await;
    assert_ne!(foreign["code"], 0, "{foreign}");
    let elsewhere = task(
        &server,
        &bob,
        "/workflow/archive",
        "cloudreve://my/mine.txt",
        &format!("cloudreve://{ann_id}@my/x.zip"),
    )
    .await;
    assert_ne!(elsewhere["code"], 0, "{elsewhere}");

    assert_eq!(server.names_in(&bob, "cloudreve://my").await, ["mine.txt"]);
    assert!(
        !server
            .names_in(&ann, "cloudreve://my")
            .await
            .contains(&"x.zip".to_owned())
    );
    let tasks = server
        .get_as("/workflow?category=general", &bob.access_token)
        .await;
    assert_eq!(tasks["data"]["tasks"], json!([]), "{tasks}");
}

/// "Download all" of the web UI for a group that may not have the server build zips (the
/// signed-out visitor's, by default): it lists the share, asks for every file's URL in one
/// `POST /file/url`, then fetches each. That is one download of the share, not one per file.
#[tokio::test]
async fn a_download_all_in_the_browser_counts_one_download() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    put_file(&server, &ann, "c.txt", b"charlie").await;
    let moved = super::send(
        &server,
        &ann,
        Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/c.txt"], "dst": "cloudreve://my/Docs"}),
    )
    .await;
    assert_eq!(moved["code"], 0, "{moved}");
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 2}))
        .await;
    let root = format!("cloudreve://{id}@share");
    let download_all = || async {
        // The walk: the root, then each folder below it.
        let mut files = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            let listed = super::list(&server, None, &folder).await;
            if listed["code"] != 0 {
                return Err(listed);
            }
            for f in listed["data"]["files"].as_array().unwrap() {
                let path = f["path"].as_str().unwrap().to_owned();
                if f["type"] == 1 {
                    folders.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        let uris: Vec<&str> = files.iter().map(String::as_str).collect();
        let answer = file_url(&server, None, &uris).await;
        if answer["code"] != 0 {
            return Err(answer);
        }
        let mut bodies = Vec::new();
        for url in answer["data"]["urls"].as_array().unwrap() {
            let (status, body) =
                fetch(&server, Method::GET, url["url"].as_str().unwrap(), None).await;
            assert_eq!(status, 200);
            bodies.push(body);
        }
        Ok(bodies)
    };
    // Sorted by URI: Sub/b.txt, a.txt, c.txt.
    let expected = [B.to_vec(), A.to_vec(), b"charlie".to_vec()];
    assert_eq!(download_all().await.unwrap(), expected);
    assert_eq!(counters(&server, &ann, &id).await, (json!(1), json!(1)));
    assert_eq!(download_all().await.unwrap(), expected);
    assert_eq!(counters(&server, &ann, &id).await, (json!(2), json!(0)));
    // The limit is spent: the third is refused (the share no longer opens), and nothing more
    // was counted.
    let refused = download_all().await;
    match refused {
        Err(answer) => assert_eq!(answer["code"], 40058, "{answer}"),
        Ok(_) => panic!("a third download-all went through"),
    }
    assert_eq!(counters(&server, &ann, &id).await, (json!(2), json!(0)));
}
