//! Writes through WebDAV: PUT, MKCOL, MOVE, COPY, DELETE.

use sea_orm::{EntityTrait, QueryOrder};
use stratus_entity::fs_change;
use stratus_server::boolset::group_perm;

use super::{CREATE, DELETE, Journal, MODIFY, RENAME, row, setup, shapes};
use crate::dav::{dav, password, set_group_bits};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn dav_writes_record_their_changes() {
    let (server, ann, owner) = setup().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let mut journal = Journal::of(&server, owner).await;
    let send = |method: &'static str, path: &'static str| dav(&server, method, path, ANN, &pw);

    assert_eq!(send("MKCOL", "/d").send().await.unwrap().status(), 201);
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(CREATE, "/d", None, true)]
    );
    // MKCOL on a taken name is refused and records nothing.
    assert_eq!(send("MKCOL", "/d").send().await.unwrap().status(), 405);
    assert_eq!(journal.take(&server).await, []);

    // A new file is a create (in one step), new content of it a modify.
    assert_eq!(
        send("PUT", "/d/a.txt")
            .body("one")
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(CREATE, "/d/a.txt", None, false)]);
    let a = seen[0].file_id;
    let put = send("PUT", "/d/a.txt").body("two").send().await.unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(MODIFY, "/d/a.txt", None, false)]);
    assert_eq!(seen[0].file_id, a);
    assert_eq!(send("MKCOL", "/d/e").send().await.unwrap().status(), 201);
    assert_eq!(
        send("PUT", "/d/e/f.txt")
            .body("x")
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        shapes(&journal.take(&server).await),
        [
            row(CREATE, "/d/e", None, true),
            row(CREATE, "/d/e/f.txt", None, false)
        ]
    );

    let dest = |path: &str| server.url(&format!("/dav{path}"));
    let r = send("MOVE", "/d/a.txt")
        .header("Destination", dest("/b.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [row(RENAME, "/d/a.txt", Some("/b.txt"), false)]
    );
    assert_eq!(seen[0].file_id, a);
    // Onto a taken name without overwrite: refused, nothing recorded.
    let r = send("MOVE", "/b.txt")
        .header("Destination", dest("/d/e/f.txt"))
        .header("Overwrite", "F")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    assert_eq!(journal.take(&server).await, []);

    let r = send("COPY", "/d")
        .header("Destination", dest("/c"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(CREATE, "/c", None, true)]);
    assert_ne!(seen[0].file_id, a);

    assert_eq!(send("DELETE", "/c").send().await.unwrap().status(), 204);
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(DELETE, "/c", None, true)]
    );

    // The writer's client is named, so its own event stream can skip the change (on SQLite
    // the publish runs on the committer's thread, outside the request).
    let client = "0d7f4f0e-3a4b-4c59-8e51-6a1c1b2d3e4f";
    let put = send("PUT", "/mine.txt")
        .header("X-Cr-Client-Id", client)
        .body("mine")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    journal.take(&server).await;
    let last = fs_change::Entity::find()
        .order_by_desc(fs_change::Column::Id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.from_path, "/mine.txt");
    assert_eq!(last.client_id.as_deref(), Some(client));
}
