//! Deleting for good: a stopped device cannot empty the trash nor write through a chunked
//! upload, what an open incident holds stays in the trash whoever empties it, and purges count
//! towards a burst like the deletes they make final.

use reqwest::Method;
use serde_json::json;

use super::{ANN, each, incidents, password, put_all, setup, undo};
use crate::{dav::dav, nextcloud_dav::at};

const TRASH: &str = "/remote.php/dav/trashbin/ann@example.com/trash";
const UPLOADS: &str = "/remote.php/dav/uploads/ann@example.com";

#[tokio::test]
async fn a_stopped_device_cannot_empty_the_trash_and_nobody_purges_what_its_incident_holds() {
    let (server, ann) = setup(5).await;
    let (pw, id) = super::access::stopped(&server, &ann).await;
    assert_eq!(server.names_in(&ann, "cloudreve://trash").await.len(), 5);
    // The stopped account's empty of the trash is refused as its other writes are (403 on
    // the Nextcloud paths).
    let emptied = at(&server, "DELETE", TRASH, &pw).send().await.unwrap();
    assert_eq!(emptied.status(), 403);
    assert_eq!(server.names_in(&ann, "cloudreve://trash").await.len(), 5);
    // Her web session, which the guard does not stop, empties the trash: what the incident
    // holds stays.
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_ne!(emptied["code"], 0, "{emptied}");
    assert_eq!(server.names_in(&ann, "cloudreve://trash").await.len(), 5);
    // Undo finds every file.
    let done = undo(&server, &ann, id).await;
    let restored = done["result"]["restored"].as_array().unwrap();
    assert_eq!(restored.len(), 5, "{done}");
    assert!(server.names_in(&ann, "cloudreve://trash").await.is_empty());
}

#[tokio::test]
async fn a_stopped_device_cannot_write_through_a_chunked_upload() {
    let (server, ann) = setup(5).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    // A transfer opened before the stop, with its first chunk.
    let opened = at(&server, "MKCOL", &format!("{UPLOADS}/t-1"), &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 201);
    let chunk = at(&server, "PUT", &format!("{UPLOADS}/t-1/00001"), &pw)
        .body("hello ")
        .send()
        .await
        .unwrap();
    assert_eq!(chunk.status(), 201);
    let (pw, _) = super::access::stopped_with(&server, &ann, pw).await;
    for (method, path) in [
        ("PUT", format!("{UPLOADS}/t-1/00002")),
        ("MKCOL", format!("{UPLOADS}/t-2")),
    ] {
        let refused = at(&server, method, &path, &pw)
            .body("world")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{method} {path}");
    }
    let published = at(&server, "MOVE", &format!("{UPLOADS}/t-1/.file"), &pw)
        .header(
            "Destination",
            server.url(&format!("/remote.php/dav/files/{ANN}/x/joined.txt")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 403);
    let body = published.text().await.unwrap();
    assert!(body.contains("guard against mass deletion"), "{body}");
    let left = server.names_in(&ann, "cloudreve://my/x").await;
    assert!(!left.iter().any(|n| n == "joined.txt"), "{left:?}");
}

#[tokio::test]
async fn emptying_the_trash_counts_as_the_deletes_it_makes_final() {
    let (server, ann) = setup(5).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let made = dav(&server, "MKCOL", "/p", ANN, &pw).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let paths: Vec<String> = (0..3).map(|i| format!("/p/{i}.txt")).collect();
    let files = paths.iter().map(|p| (p.clone(), b"hi".to_vec())).collect();
    put_all(&server, &pw, files, &[201]).await;
    // Three deletes, then three purges of them: the sixth change passes the threshold of 5.
    let deleted = each(&server, &pw, "DELETE", &paths).await;
    assert!(deleted.iter().all(|(s, _)| *s == 204), "{deleted:?}");
    let emptied = at(&server, "DELETE", TRASH, &pw).send().await.unwrap();
    assert_eq!(emptied.status(), 403);
    assert_eq!(server.names_in(&ann, "cloudreve://trash").await.len(), 1);
    let found = incidents(&server, &ann).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["state"], "open");
}
