//! Chunks of one session in any order and in parallel: the received set is stored with the
//! session, and the upload completes once, whichever chunk comes last.

use super::*;

/// The `received` bitmap stored in the session row.
async fn received(server: &TestServer, sid: &str) -> String {
    let row = upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(sid))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    row.props["received"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn six_chunks_sent_in_reverse_and_in_parallel_store_the_right_bytes() {
    let (server, ann) = setup().await;
    let bytes = data(5 * CHUNK + 1234, 3);
    let sid = open_session(&server, &ann, "cloudreve://my/rev.bin", bytes.len()).await;
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    assert_eq!(chunks.len(), 6);
    // The last two first, one by one: the session remembers exactly those.
    for i in [5, 4] {
        let r = send_chunk(&server, &ann, &sid, i, chunks[i as usize]).await;
        assert_eq!(r["code"], 0, "{r}");
    }
    assert_eq!(received(&server, &sid).await, "000011");
    // The rest at once, highest index first.
    let sends = (0..4)
        .rev()
        .map(|i| send_chunk(&server, &ann, &sid, i, chunks[i as usize]));
    for r in futures_util::future::join_all(sends).await {
        assert_eq!(r["code"], 0, "{r}");
    }
    assert_stored_once(&server, &ann, "cloudreve://my/rev.bin", &bytes).await;
    // A chunk sent again after completion finds no session and changes nothing.
    let again = send_chunk(&server, &ann, &sid, 5, chunks[5]).await;
    assert_eq!(again["code"], 40011, "{again}");
    assert_stored_once(&server, &ann, "cloudreve://my/rev.bin", &bytes).await;
}

#[tokio::test]
async fn two_last_chunks_racing_complete_the_upload_once() {
    let (server, ann) = setup().await;
    let mut total = 0;
    for round in 0..4u8 {
        let bytes = data(6 * CHUNK, round);
        let uri = format!("cloudreve://my/race-{round}.bin");
        let sid = open_session(&server, &ann, &uri, bytes.len()).await;
        let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
        for i in 0..4 {
            let r = send_chunk(&server, &ann, &sid, i, chunks[i as usize]).await;
            assert_eq!(r["code"], 0, "{r}");
        }
        let (a, b) = tokio::join!(
            send_chunk(&server, &ann, &sid, 4, chunks[4]),
            send_chunk(&server, &ann, &sid, 5, chunks[5]),
        );
        assert_eq!(a["code"], 0, "{a}");
        assert_eq!(b["code"], 0, "{b}");
        total += bytes.len() as i64;
        assert_eq!(blob_sha(&server, &ann, &uri).await, sha(&bytes));
        assert_eq!(user_row(&server, &ann).await.storage, total);
        let id = server
            .state
            .ids
            .decode(
                info(&server, &ann, &uri).await["data"]["id"]
                    .as_str()
                    .unwrap(),
                IdKind::File,
            )
            .unwrap();
        let versions = stratus_entity::file_entity::Entity::find()
            .filter(stratus_entity::file_entity::Column::FileId.eq(id))
            .all(&server.state.db)
            .await
            .unwrap();
        assert_eq!(versions.len(), 1, "round {round}");
    }
    assert!(
        upload_session::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_policy_summary_reports_chunk_concurrency_only_when_set() {
    let (server, ann) = setup().await;
    let r = create(&server, &ann, "cloudreve://my/a.bin", 10, json!({})).await;
    assert_eq!(r["code"], 0, "{r}");
    assert!(
        r["data"]["storage_policy"]
            .get("chunk_concurrency")
            .is_none(),
        "{r}"
    );
    update_policy(&server, |p| p.settings["chunk_concurrency"] = json!(3)).await;
    let r = create(&server, &ann, "cloudreve://my/b.bin", 10, json!({})).await;
    assert_eq!(r["data"]["storage_policy"]["chunk_concurrency"], 3, "{r}");
}
