//! The apps' trash bin (`/remote.php/dav/trashbin/<user>/…`) and versions
//! (`/remote.php/dav/versions/<user>/…`): listed with the properties the apps read, restored,
//! deleted for good; for the caller's own drive only, and only through an account that may.

use sea_orm::EntityTrait;
use serde_json::json;

use super::{ANN, ann, at, mkdir, nc, responses, row, value};
use crate::dav::account;

fn trash(path: &str) -> String {
    format!("/remote.php/dav/trashbin/{ANN}/trash{path}")
}

fn versions(path: &str) -> String {
    format!("/remote.php/dav/versions/{ANN}{path}")
}

async fn put(server: &stratus_tests::TestServer, pw: &str, path: &str, body: &'static str) {
    let r = nc(server, "PUT", path, pw).body(body).send().await.unwrap();
    assert!(r.status().is_success(), "PUT {path}: {}", r.status());
}

/// PROPFIND of `path` at `depth`: the responses, each (decoded href, its XML).
async fn list(
    server: &stratus_tests::TestServer,
    pw: &str,
    path: &str,
    depth: &str,
) -> Vec<(String, String)> {
    let r = at(server, "PROPFIND", path, pw)
        .header("Depth", depth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 207, "{path}");
    responses(&r.text().await.unwrap())
}

#[tokio::test]
async fn trashed_items_are_listed_restored_and_deleted_for_good() {
    let (server, s, pw) = ann().await;
    put(&server, &pw, "/a.txt", "alpha").await;
    mkdir(&server, &s, "cloudreve://my/dir").await;
    put(&server, &pw, "/dir/b.txt", "beta").await;
    for path in ["/a.txt", "/dir"] {
        let r = nc(&server, "DELETE", path, &pw).send().await.unwrap();
        assert_eq!(r.status(), 204, "{path}");
    }

    let items = list(&server, &pw, &trash(""), "1").await;
    assert_eq!(items.len(), 3, "{items:?}");
    let item = |name: &str| {
        items
            .iter()
            .find(|(_, xml)| value(xml, "trashbin-filename").as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} not in {items:?}"))
            .clone()
    };
    let (a_href, a_xml) = item("a.txt");
    assert_eq!(
        value(&a_xml, "trashbin-original-location").unwrap(),
        "a.txt"
    );
    assert_eq!(value(&a_xml, "getcontentlength").unwrap(), "5");
    let deleted: i64 = value(&a_xml, "trashbin-deletion-time")
        .unwrap()
        .parse()
        .unwrap();
    assert!((chrono::Utc::now().timestamp() - deleted).abs() < 60);
    let (dir_href, dir_xml) = item("dir");
    assert!(dir_xml.contains("collection"), "{dir_xml}");
    assert!(dir_href.ends_with('/'));
    // Inside a trashed folder.
    let inside = list(&server, &pw, &dir_href, "1").await;
    assert_eq!(inside.len(), 2, "{inside:?}");
    assert_eq!(value(&inside[1].1, "trashbin-filename").unwrap(), "b.txt");

    // Restored to where it was.
    let restore = server.url(&format!("/remote.php/dav/trashbin/{ANN}/restore/a.txt"));
    let r = at(&server, "MOVE", &a_href, &pw)
        .header("Destination", &restore)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let got = nc(&server, "GET", "/a.txt", &pw).send().await.unwrap();
    assert_eq!(got.text().await.unwrap(), "alpha");
    // A MOVE anywhere else is refused.
    let (dir_href, _) = item("dir");
    let r = at(&server, "MOVE", &dir_href, &pw)
        .header(
            "Destination",
            server.url(&format!("/remote.php/dav/files/{ANN}/x")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);

    // Deleted for good, then the trash emptied.
    let r = at(&server, "DELETE", &dir_href, &pw).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(list(&server, &pw, &trash(""), "1").await.len(), 1);
    put(&server, &pw, "/c.txt", "gamma").await;
    nc(&server, "DELETE", "/c.txt", &pw).send().await.unwrap();
    assert_eq!(list(&server, &pw, &trash(""), "1").await.len(), 2);
    let r = at(&server, "DELETE", &trash(""), &pw).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(list(&server, &pw, &trash(""), "1").await.len(), 1);
    assert!(
        stratus_entity::file::Entity::find_by_id(row(&server, "a.txt").await.id)
            .one(&server.state.db)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn only_the_owner_through_a_whole_drive_account_reaches_the_trash() {
    let (server, s, pw) = ann().await;
    put(&server, &pw, "/a.txt", "alpha").await;
    nc(&server, "DELETE", "/a.txt", &pw).send().await.unwrap();
    let items = list(&server, &pw, &trash(""), "1").await;
    let href = items[1].0.clone();

    // Bob, signed in as himself, names ann's trash: 404; his own trash is empty.
    server.create_user("bob@example.com", "password123").await;
    let bob = server.login("bob@example.com", "password123").await;
    let bob_pw = crate::dav::password(&server, &bob, "cloudreve://my").await;
    let as_bob = |m: &str, path: &str| {
        server
            .client
            .request(
                reqwest::Method::from_bytes(m.as_bytes()).unwrap(),
                server.url(path),
            )
            .basic_auth("bob@example.com", Some(bob_pw.clone()))
    };
    for (m, path) in [("PROPFIND", trash("")), ("DELETE", href.clone())] {
        let r = as_bob(m, &path).send().await.unwrap();
        assert_eq!(r.status(), 404, "{m} {path}");
    }
    let own = as_bob("PROPFIND", "/remote.php/dav/trashbin/bob@example.com/trash")
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(responses(&own.text().await.unwrap()).len(), 1);

    // A read-only account lists but does not delete; one rooted at a folder sees no trash.
    let ro = account(
        &server,
        &s,
        json!({"uri": "cloudreve://my", "name": "ro", "readonly": true}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(list(&server, &ro, &trash(""), "1").await.len(), 2);
    let r = at(&server, "DELETE", &href, &ro).send().await.unwrap();
    assert_eq!(r.status(), 403);
    mkdir(&server, &s, "cloudreve://my/sub").await;
    let sub = crate::dav::password(&server, &s, "cloudreve://my/sub").await;
    let r = at(&server, "PROPFIND", &trash(""), &sub)
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Still there.
    assert_eq!(list(&server, &pw, &trash(""), "1").await.len(), 2);
}

#[tokio::test]
async fn earlier_versions_are_listed_read_and_made_current() {
    let (server, _s, pw) = ann().await;
    for body in ["one", "two!", "three"] {
        put(&server, &pw, "/v.txt", body).await;
    }
    let id = row(&server, "v.txt").await.id;
    let kept = list(&server, &pw, &versions(&format!("/versions/{id}")), "1").await;
    assert_eq!(kept.len(), 3, "{kept:?}");
    // Newest first.
    assert_eq!(value(&kept[1].1, "getcontentlength").unwrap(), "4");
    assert_eq!(value(&kept[2].1, "getcontentlength").unwrap(), "3");
    let got = at(&server, "GET", &kept[2].0, &pw).send().await.unwrap();
    assert_eq!(got.status(), 200);
    let h = got.headers().clone();
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(got.text().await.unwrap(), "one");
    let part = at(&server, "GET", &kept[1].0, &pw)
        .header("Range", "bytes=1-2")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.text().await.unwrap(), "wo");

    // Made current: the file reads "one", and "three" is now an earlier version.
    let target = server.url(&format!("/remote.php/dav/versions/{ANN}/restore/target"));
    let r = at(&server, "COPY", &kept[2].0, &pw)
        .header("Destination", &target)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let now = nc(&server, "GET", "/v.txt", &pw).send().await.unwrap();
    assert_eq!(now.text().await.unwrap(), "one");
    let kept = list(&server, &pw, &versions(&format!("/versions/{id}")), "1").await;
    let sizes: Vec<String> = kept[1..]
        .iter()
        .map(|(_, x)| value(x, "getcontentlength").unwrap())
        .collect();
    assert_eq!(sizes, ["5", "4"]);

    // Unknown versions and files, and other users, get 404.
    for path in [
        versions(&format!("/versions/{id}/nope")),
        versions("/versions/999999"),
    ] {
        let r = at(&server, "GET", &path, &pw).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    server.create_user("bob@example.com", "password123").await;
    let bob = server.login("bob@example.com", "password123").await;
    let bob_pw = crate::dav::password(&server, &bob, "cloudreve://my").await;
    let r = server
        .client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            server.url(&format!(
                "/remote.php/dav/versions/bob@example.com/versions/{id}"
            )),
        )
        .basic_auth("bob@example.com", Some(bob_pw))
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
