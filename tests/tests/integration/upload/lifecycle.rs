//! Uploads that succeed (every shape, in parallel, after a restart) and sessions that end
//! without completing (the expiry sentinel).

use super::*;

#[tokio::test]
async fn uploads_of_every_shape_store_exact_bytes_and_charge_exactly() {
    let (server, ann) = setup().await;
    let cases = [
        ("empty.bin", 0usize),
        ("one.bin", 1000),
        ("exact.bin", 2 * CHUNK),
        ("multi.bin", 3 * CHUNK + 17),
    ];
    let mut total = 0;
    for (i, (name, len)) in cases.iter().enumerate() {
        let bytes = data(*len, i as u8);
        let uri = format!("cloudreve://my/docs/sub/{name}");
        upload(&server, &ann, &uri, &bytes).await;
        let info = info(&server, &ann, &uri).await;
        assert_eq!(info["data"]["size"], *len as u64, "{info}");
        assert!(info["data"]["primary_entity"].is_string(), "{info}");
        assert_eq!(blob_sha(&server, &ann, &uri).await, sha(&bytes), "{name}");
        total += *len as i64;
        assert_eq!(user_row(&server, &ann).await.storage, total);
    }
    let left = upload_session::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(left.is_empty());
    // The lock is gone: the file can be renamed.
    let r = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/docs/sub/one.bin", "new_name": "two.bin"}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
}

#[tokio::test]
async fn the_sentinel_drops_expired_sessions() {
    let (server, ann) = setup().await;
    let p = create(&server, &ann, "cloudreve://my/late.bin", 500, json!({})).await;
    let sid = p["data"]["session_id"].as_str().unwrap().to_owned();
    let keep = create(&server, &ann, "cloudreve://my/keep.bin", 10, json!({})).await;
    assert_eq!(keep["code"], 0);
    assert_eq!(
        stratus_server::upload::collect_expired_sessions(&server.state)
            .await
            .unwrap(),
        0
    );
    let row = upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(sid.as_str()))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    active.update(&server.state.db).await.unwrap();
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, &[0; 500]).await["code"],
        40011
    );
    assert_eq!(
        stratus_server::upload::collect_expired_sessions(&server.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        info(&server, &ann, "cloudreve://my/late.bin").await["code"],
        404
    );
    assert_eq!(user_row(&server, &ann).await.storage, 10);
    assert_eq!(
        upload_session::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .len(),
        1
    );
    // The path is free again (lock gone).
    assert_eq!(
        create(&server, &ann, "cloudreve://my/late.bin", 5, json!({})).await["code"],
        0
    );
    let files = file::Entity::find()
        .filter(file::Column::Name.eq("late.bin"))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
}

#[tokio::test]
async fn an_upload_survives_a_restart() {
    let (mut server, ann) = setup().await;
    let bytes = data(2 * CHUNK + 5, 3);
    let sid = open_session(&server, &ann, "cloudreve://my/r.bin", bytes.len()).await;
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    assert_eq!(
        send_chunk(&server, &ann, &sid, 1, chunks[1]).await["code"],
        0
    );
    server.restart().await;
    assert_eq!(
        send_chunk(&server, &ann, &sid, 0, chunks[0]).await["code"],
        0
    );
    assert_eq!(
        send_chunk(&server, &ann, &sid, 2, chunks[2]).await["code"],
        0
    );
    assert_stored_once(&server, &ann, "cloudreve://my/r.bin", &bytes).await;
}

/// Two instances on one database and store: the chunks of one upload may go to either, and
/// whichever receives the last one completes it.
#[tokio::test]
async fn chunks_may_go_to_either_of_two_instances() {
    let (server, ann) = setup().await;
    let other = server.sibling().await;
    let bytes = data(3 * CHUNK + 7, 5);
    let sid = open_session(&server, &ann, "cloudreve://my/two.bin", bytes.len()).await;
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        let to = if i % 2 == 0 { &other } else { &server };
        assert_eq!(send_chunk(to, &ann, &sid, i as i64, chunk).await["code"], 0);
    }
    assert_stored_once(&server, &ann, "cloudreve://my/two.bin", &bytes).await;
}

/// The process stopped after the last chunk was stored, marked and put in place by the
/// driver, but before the database learnt the upload was complete. Sending that chunk again
/// finishes the upload with the bytes already stored, charged once.
#[tokio::test]
async fn an_upload_cut_off_after_its_blob_was_put_in_place_finishes_on_a_resent_chunk() {
    let (mut server, ann) = setup().await;
    let bytes = data(2 * CHUNK + 5, 4);
    let sid = open_session(&server, &ann, "cloudreve://my/cut.bin", bytes.len()).await;
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    for i in 0..2 {
        assert_eq!(
            send_chunk(&server, &ann, &sid, i, chunks[i as usize]).await["code"],
            0
        );
    }
    // What the last chunk's request did before the process stopped.
    let row = upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(sid.as_str()))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let key = row.props["key"].as_str().unwrap().to_owned();
    let driver = server.state.storage.driver(1).await.unwrap();
    let last = stratus_server::storage::stream_once(chunks[2].to_vec());
    driver
        .put_chunk(&key, 2, 2 * CHUNK as u64, last, chunks[2].len() as u64)
        .await
        .unwrap();
    let mut props = row.props.clone();
    props["received"] = json!("111");
    let mut active = row.into_active_model();
    active.props = Set(props);
    active.update(&server.state.db).await.unwrap();
    driver
        .complete_upload(&key, bytes.len() as u64)
        .await
        .unwrap();
    drop(driver);
    server.restart().await;

    let r = send_chunk(&server, &ann, &sid, 2, chunks[2]).await;
    assert_eq!(r["code"], 0, "{r}");
    assert_stored_once(&server, &ann, "cloudreve://my/cut.bin", &bytes).await;
    // The session is gone: a further chunk is refused and changes nothing.
    assert_eq!(
        send_chunk(&server, &ann, &sid, 2, chunks[2]).await["code"],
        40011
    );
}

#[tokio::test]
async fn concurrent_chunks_all_count_and_metadata_lands_at_completion() {
    let (server, ann) = setup().await;
    let bytes = data(6 * CHUNK + 1, 9);
    let extra = json!({"metadata": {"tag:work": "#ff0000"}, "last_modified": 1_700_000_000_000i64});
    let p = create(&server, &ann, "cloudreve://my/par.bin", bytes.len(), extra).await;
    assert_eq!(p["code"], 0, "{p}");
    let sid = p["data"]["session_id"].as_str().unwrap().to_owned();
    let sends = bytes
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| send_chunk(&server, &ann, &sid, i as i64, c));
    for r in futures_util::future::join_all(sends).await {
        assert_eq!(r["code"], 0, "{r}");
    }
    assert_eq!(
        blob_sha(&server, &ann, "cloudreve://my/par.bin").await,
        sha(&bytes)
    );
    let info = info(&server, &ann, "cloudreve://my/par.bin").await;
    assert_eq!(info["data"]["metadata"]["tag:work"], "#ff0000", "{info}");
    assert!(
        info["data"]["metadata"]
            .get("sys:upload_session_id")
            .is_none()
    );
    assert!(
        upload_session::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    // Unknown entity types and bad policy ids are parameter errors.
    let bad = create(
        &server,
        &ann,
        "cloudreve://my/q.bin",
        1,
        json!({"entity_type": "thumb"}),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");
    let bad = create(
        &server,
        &ann,
        "cloudreve://my/q.bin",
        1,
        json!({"policy_id": "nope"}),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");
}
