//! What sessions and chunks are refused with: codes 40004/40011/40012/40013/40049/
//! 40051/40052/40054, the upload lock, and the quota race.

use super::*;

#[tokio::test]
async fn chunks_may_be_resent_and_arrive_out_of_order_but_must_fit() {
    let (server, ann) = setup().await;
    let bytes = data(2 * CHUNK + 100, 7);
    let created = create(
        &server,
        &ann,
        "cloudreve://my/a.bin",
        bytes.len(),
        json!({}),
    )
    .await;
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    // Wrong length (short, long, the last chunk's length for a full one): 40013.
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, &chunks[0][..10]).await["code"],
        40013
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 2, &bytes[..CHUNK]).await["code"],
        40013
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 1, chunks[2]).await["code"],
        40013
    );
    // Out of range: 40012.
    assert_eq!(
        send_chunk(&server, &ann, &sid, 3, chunks[2]).await["code"],
        40012
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, -1, chunks[2]).await["code"],
        40012
    );
    // Another user's session: 40011, for chunks and for cancel.
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    assert_eq!(
        send_chunk(&server, &bob, &sid, 0, chunks[0]).await["code"],
        40011
    );
    let r = server
        .send_as(
            Method::DELETE,
            "/file/upload",
            &bob.access_token,
            &json!({"id": sid, "uri": "cloudreve://my/a.bin"}),
        )
        .await;
    assert_eq!(r["code"], 40011, "{r}");
    assert_eq!(
        send_chunk(&server, &ann, "no-such-session", 0, chunks[0]).await["code"],
        40011
    );
    // Out of order, with a re-sent chunk (first sent with wrong bytes, then corrected).
    assert_eq!(
        send_chunk(&server, &ann, &sid, 2, chunks[2]).await["code"],
        0
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, chunks[1]).await["code"],
        0
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, chunks[0]).await["code"],
        0
    );
    assert_eq!(
        info(&server, &ann, "cloudreve://my/a.bin").await["data"]["size"],
        0
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 1, chunks[1]).await["code"],
        0
    );
    assert_stored_once(&server, &ann, "cloudreve://my/a.bin", &bytes).await;
    // The session is gone once complete.
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, chunks[0]).await["code"],
        40011
    );
}

#[tokio::test]
async fn session_creation_checks_target_policy_name_and_ongoing_uploads() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/x.txt", b"hello").await;
    // Existing target: 40004, unless uploading a new version.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/x.txt", 3, json!({})).await["code"],
        40004
    );
    let v = create(
        &server,
        &ann,
        "cloudreve://my/x.txt",
        3,
        json!({"entity_type": "version"}),
    )
    .await;
    assert_eq!(v["code"], 0, "{v}");
    let sid = v["data"]["session_id"].as_str().unwrap().to_owned();
    assert_eq!(v["data"]["storage_policy"]["id"], policy_id(&server));
    assert!(v["data"]["expires"].as_i64().unwrap() > chrono::Utc::now().timestamp() + 80_000);
    // The same path again while it uploads: 40054.
    let again = create(
        &server,
        &ann,
        "cloudreve://my/x.txt",
        3,
        json!({"entity_type": "version"}),
    )
    .await;
    assert_eq!(again["code"], 40054, "{again}");
    assert_eq!(send_chunk(&server, &ann, &sid, 0, b"new").await["code"], 0);
    let info_v = info(&server, &ann, "cloudreve://my/x.txt").await;
    assert_eq!(info_v["data"]["size"], 3);
    assert_eq!(
        blob_sha(&server, &ann, "cloudreve://my/x.txt").await,
        sha(b"new")
    );
    // Versions: the old entity stays charged.
    assert_eq!(user_row(&server, &ann).await.storage, 5 + 3);

    let p = create(&server, &ann, "cloudreve://my/new.txt", 3, json!({})).await;
    let sid = p["data"]["session_id"].as_str().unwrap().to_owned();
    let again = create(&server, &ann, "cloudreve://my/new.txt", 3, json!({})).await;
    assert_eq!(again["code"], 40054, "{again}");
    // The upload lock blocks renaming the path.
    let r = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/new.txt", "new_name": "other.txt"}),
        )
        .await;
    assert_eq!(r["code"], 40073, "{r}");
    assert_eq!(send_chunk(&server, &ann, &sid, 0, b"abc").await["code"], 0);

    // Illegal name: 40052.
    let bad = create(&server, &ann, "cloudreve://my/a%3Ab.txt", 3, json!({})).await;
    assert_eq!(bad["code"], 40052, "{bad}");
    // Too large for the policy: 40049; wrong extension: 40052, as every name check.
    update_policy(&server, |p| {
        p.max_size = 100;
        p.settings["file_type"] = json!(["jpg", "png"]);
    })
    .await;
    assert_eq!(
        create(&server, &ann, "cloudreve://my/big.jpg", 101, json!({})).await["code"],
        40049
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://my/doc.txt", 10, json!({})).await["code"],
        40052
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://my/ok.JPG", 100, json!({})).await["code"],
        0
    );
}

#[tokio::test]
async fn racing_sessions_never_exceed_the_quota_and_cancel_releases() {
    let server = TestServer::start().await;
    set_chunk_size(&server, CHUNK as i64).await;
    let mut g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    g.max_storage = Set(1000);
    g.update(&server.state.db).await.unwrap();
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let (a, b) = tokio::join!(
        create(&server, &ann, "cloudreve://my/a.bin", 600, json!({})),
        create(&server, &ann, "cloudreve://my/b.bin", 600, json!({})),
    );
    let codes = [a["code"].as_i64().unwrap(), b["code"].as_i64().unwrap()];
    assert!(codes.contains(&0) && codes.contains(&40051), "{a} {b}");
    assert_eq!(user_row(&server, &ann).await.storage, 600);
    let (won, uri) = if codes[0] == 0 {
        (&a, "cloudreve://my/a.bin")
    } else {
        (&b, "cloudreve://my/b.bin")
    };
    let sid = won["data"]["session_id"].as_str().unwrap();
    assert_eq!(info(&server, &ann, uri).await["code"], 0);
    let r = server
        .send_as(
            Method::DELETE,
            "/file/upload",
            &ann.access_token,
            &json!({"id": sid, "uri": uri}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(user_row(&server, &ann).await.storage, 0);
    assert_eq!(info(&server, &ann, uri).await["code"], 404);
    assert!(
        entity::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        send_chunk(&server, &ann, sid, 0, &[0; 600]).await["code"],
        40011
    );
    // The path is free again.
    upload(&server, &ann, uri, &data(600, 1)).await;
    assert_eq!(user_row(&server, &ann).await.storage, 600);
}
