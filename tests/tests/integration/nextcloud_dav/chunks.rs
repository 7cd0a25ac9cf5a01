//! Chunked uploads v2: chunks staged one request each, joined in order into the file by the
//! MOVE of `.file`, with the same headers as a PUT; aborted by a DELETE; another user's
//! transfer is not found; the quota is checked when the transfer opens.

use md5::{Digest, Md5};

use super::{ANN, ann, at, etag, nc, row};

fn up(transfer: &str) -> String {
    format!("/remote.php/dav/uploads/{ANN}/{transfer}")
}

/// Sends `parts` as the chunks of transfer `t` (named as the desktop client names them).
async fn send(server: &stratus_tests::TestServer, pw: &str, t: &str, parts: &[Vec<u8>]) {
    let made = at(server, "MKCOL", &up(t), pw)
        .header("OC-Total-Length", parts.iter().map(Vec::len).sum::<usize>())
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    // Sent out of order: the names decide the order.
    for (i, part) in parts.iter().enumerate().rev() {
        let put = at(server, "PUT", &format!("{}/{:05}", up(t), i + 1), pw)
            .body(part.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201, "chunk {i}");
    }
}

#[tokio::test]
async fn chunks_are_joined_in_order_into_the_destination() {
    let (server, _s, pw) = ann().await;
    let parts: Vec<Vec<u8>> = (0..3u8).map(|i| vec![b'a' + i; 300_000]).collect();
    let whole: Vec<u8> = parts.concat();
    send(&server, &pw, "t-1", &parts).await;
    let sum = hex::encode(Md5::digest(&whole));
    let dest = server.url(&format!("/remote.php/dav/files/{ANN}/big.bin"));
    let done = at(&server, "MOVE", &format!("{}/.file", up("t-1")), &pw)
        .header("Destination", &dest)
        .header("OC-Total-Length", whole.len())
        .header("X-OC-Mtime", "1600000000")
        .header("OC-Checksum", format!("MD5:{sum}"))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 201);
    let f = row(&server, "big.bin").await;
    assert_eq!(
        done.headers()["oc-fileid"].to_str().unwrap(),
        format!("{:08}ocstratus", f.id)
    );
    assert_eq!(done.headers()["x-oc-mtime"], "accepted");
    assert_eq!(
        done.headers()["oc-etag"].to_str().unwrap(),
        etag(&server, "/big.bin", &pw).await
    );
    assert_eq!(f.updated_at.timestamp(), 1_600_000_000);
    let got = nc(&server, "GET", "/big.bin", &pw).send().await.unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), whole.as_slice());
    // The transfer is gone.
    let again = at(&server, "PUT", &format!("{}/00009", up("t-1")), &pw)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);

    // Over the file: a new version; a wrong checksum stores nothing.
    send(&server, &pw, "t-2", &[b"new".to_vec()]).await;
    let bad = at(&server, "MOVE", &format!("{}/.file", up("t-2")), &pw)
        .header("Destination", &dest)
        .header("OC-Checksum", format!("MD5:{sum}"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let got = nc(&server, "GET", "/big.bin", &pw).send().await.unwrap();
    assert_eq!(got.bytes().await.unwrap().len(), whole.len());
    send(&server, &pw, "t-3", &[b"new".to_vec()]).await;
    let ok = at(&server, "MOVE", &format!("{}/.file", up("t-3")), &pw)
        .header("Destination", &dest)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    let got = nc(&server, "GET", "/big.bin", &pw).send().await.unwrap();
    assert_eq!(got.text().await.unwrap(), "new");
}

#[tokio::test]
async fn transfers_are_aborted_private_and_bounded_by_the_quota() {
    let (server, _s, pw) = ann().await;
    send(&server, &pw, "gone", &[b"x".to_vec()]).await;
    let aborted = at(&server, "DELETE", &up("gone"), &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(aborted.status(), 204);
    let late = at(&server, "PUT", &format!("{}/00002", up("gone")), &pw)
        .body("y")
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 404);

    // Bob cannot reach ann's transfer, under her name or his.
    send(&server, &pw, "mine", &[b"x".to_vec()]).await;
    let (bob_pw, bob_hash) = {
        server.create_user("bob@example.com", "password123").await;
        let bob = server.login("bob@example.com", "password123").await;
        let pw = crate::dav::password(&server, &bob, "cloudreve://my").await;
        (pw, bob.user["id"].as_str().unwrap().to_owned())
    };
    let as_bob = |path: String| {
        server
            .client
            .request(reqwest::Method::PUT, server.url(&path))
            .basic_auth("bob@example.com", Some(bob_pw.clone()))
            .body("z")
    };
    let r = as_bob(format!("{}/00002", up("mine")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = as_bob(format!("/remote.php/dav/uploads/{bob_hash}/mine/00002"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // More than the free space: refused when the transfer opens.
    let over = at(&server, "MKCOL", &up("huge"), &pw)
        .header("OC-Total-Length", (1u64 << 50).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), 507);
    // A name that is not a plain segment is not a transfer.
    let odd = at(&server, "MKCOL", &up("a.b"), &pw).send().await.unwrap();
    assert_eq!(odd.status(), 404);
}

/// Staged chunks are not charged to the quota until the file is joined, so what all of a
/// user's open transfers hold together is bounded by the free space (8 MiB, 3 MiB chunks).
#[tokio::test]
async fn chunks_of_all_open_transfers_together_are_held_to_the_free_space() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let (server, _s, pw) = ann().await;
    let g = stratus_entity::group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut g = g.into_active_model();
    g.max_storage = Set(8 << 20);
    g.update(&server.state.db).await.unwrap();
    let chunk = vec![b'c'; 3 << 20];
    let put = |t: &str, n: &str| {
        at(&server, "PUT", &format!("{}/{n}", up(t)), &pw)
            .body(chunk.clone())
            .send()
    };
    for t in ["s-1", "s-2"] {
        let made = at(&server, "MKCOL", &up(t), &pw).send().await.unwrap();
        assert_eq!(made.status(), 201);
    }
    assert_eq!(put("s-1", "00001").await.unwrap().status(), 201);
    assert_eq!(put("s-1", "00002").await.unwrap().status(), 201);
    // A chunk sent again replaces itself: it is not counted twice.
    assert_eq!(put("s-1", "00002").await.unwrap().status(), 201);
    assert_eq!(put("s-2", "00001").await.unwrap().status(), 507);
    // Giving a transfer up makes room.
    let aborted = at(&server, "DELETE", &up("s-1"), &pw).send().await.unwrap();
    assert_eq!(aborted.status(), 204);
    assert_eq!(put("s-2", "00001").await.unwrap().status(), 201);
}
