//! A node that is down: a new upload is refused before any chunk with a clear error and
//! leaves nothing; an upload cut off by the node stopping leaves no file once cancelled;
//! a download is a 502 in the envelope.

use super::*;

#[tokio::test]
async fn a_node_that_is_down_costs_the_drive_nothing() {
    let mut slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    upload(
        &server,
        &ann,
        policy,
        "cloudreve://my/kept.txt",
        b"kept on the node",
    )
    .await;
    let data = pattern(2 * CHUNK, 3);
    let created = open(&server, &ann, policy, "cloudreve://my/cut.bin", data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let (status, sent) = send_chunk(&created, &data, 0).await.unwrap();
    assert_eq!((status, &sent["code"]), (200, &json!(0)), "{sent}");
    slave.stop().await;

    // The client learns the node is gone from its own request.
    assert!(send_chunk(&created, &data, 1).await.is_err());
    let used = server.storage_of(ann_id(&server, &ann)).await;
    // Cancelling drops the placeholder and the reservation (the node cannot be told).
    let sid = created["data"]["session_id"].as_str().unwrap();
    let cancelled = server
        .send_as(
            Method::DELETE,
            "/file/upload",
            &ann.access_token,
            &json!({"id": sid, "uri": "cloudreve://my/cut.bin"}),
        )
        .await;
    assert_eq!(cancelled["code"], 0, "{cancelled}");
    assert!(files_named(&server, "cut.bin").await.is_empty());
    assert_eq!(
        server.storage_of(ann_id(&server, &ann)).await,
        used - data.len() as i64
    );

    // A new upload is refused before any chunk, with the node named as the cause.
    let refused = open(&server, &ann, policy, "cloudreve://my/new.bin", 10).await;
    assert_eq!(refused["code"], 50010, "{refused}");
    assert!(files_named(&server, "new.bin").await.is_empty());
    assert_eq!(listing(&server, &ann).await, vec!["kept.txt"]);

    // A download: the master serves the URL itself and reports the node as a bad gateway.
    let urls = file_url(&server, &ann, "cloudreve://my/kept.txt").await;
    assert_eq!(urls["code"], 0, "{urls}");
    let link = urls["data"]["urls"][0]["url"].as_str().unwrap();
    assert!(link.starts_with(&server.base), "{link}");
    let resp = server.client.get(link).send().await.unwrap();
    assert_eq!(resp.status(), 502);
    let body = stratus_tests::envelope(resp).await;
    assert_eq!(body["code"], 50010, "{body}");
}

fn ann_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

#[tokio::test]
async fn a_master_restart_in_the_middle_of_an_upload_loses_nothing() {
    let slave = SlaveNode::start().await;
    // A fixed port, so the restarted master is where the node calls back.
    let port = stratus_tests::smtp::unused_port().await;
    let mut server = TestServer::start_with(|c| {
        c.listen = format!("127.0.0.1:{port}").parse().unwrap();
    })
    .await;
    let (ann, policy) = setup_on(&server, &slave).await;
    let data = pattern(2 * CHUNK + 10, 4);
    let created = open(
        &server,
        &ann,
        policy,
        "cloudreve://my/across.bin",
        data.len(),
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    let (status, sent) = send_chunk(&created, &data, 0).await.unwrap();
    assert_eq!((status, &sent["code"]), (200, &json!(0)), "{sent}");
    server.restart().await;
    for i in 1..3 {
        let (status, sent) = send_chunk(&created, &data, i).await.unwrap();
        assert_eq!(
            (status, &sent["code"]),
            (200, &json!(0)),
            "chunk {i}: {sent}"
        );
    }
    let urls = file_url(&server, &ann, "cloudreve://my/across.bin").await;
    assert_eq!(urls["code"], 0, "{urls}");
    let link = urls["data"]["urls"][0]["url"].as_str().unwrap();
    let got = reqwest::get(link).await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), data.as_slice());
}
