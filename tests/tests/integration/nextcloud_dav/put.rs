//! The write headers: `X-OC-Mtime`, `OC-Checksum`, and `OC-FileId` / `OC-ETag` / `ETag` on
//! the answers of PUT, MKCOL, MOVE and COPY.

use md5::{Digest, Md5};

use super::{ann, etag, nc, propfind, row, value};

/// The SHA-1 of `abc`.
const ABC_SHA1: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

#[tokio::test]
async fn mtime_is_kept_and_answers_carry_the_file_id_and_etag() {
    let (server, _s, pw) = ann().await;
    let put = nc(&server, "PUT", "/m.txt", &pw)
        .header("X-OC-Mtime", "1500000000")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let h = put.headers().clone();
    assert_eq!(h["x-oc-mtime"], "accepted");
    let f = row(&server, "m.txt").await;
    assert_eq!(f.updated_at.timestamp(), 1_500_000_000);
    assert_eq!(
        h["oc-fileid"].to_str().unwrap(),
        format!("{:08}ocstratus", f.id)
    );
    let tag = etag(&server, "/m.txt", &pw).await;
    assert_eq!(h["oc-etag"].to_str().unwrap(), tag);
    assert_eq!(h["etag"].to_str().unwrap(), tag);
    let (_, body) = propfind(&server, "/m.txt", &pw, "0", "<d:getlastmodified/>").await;
    assert_eq!(
        value(&body, "getlastmodified").unwrap(),
        "Fri, 14 Jul 2017 02:40:00 GMT"
    );

    // MKCOL, MOVE and COPY: the id of what they made.
    let made = nc(&server, "MKCOL", "/d", &pw).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let d = row(&server, "d").await;
    assert_eq!(
        made.headers()["oc-fileid"].to_str().unwrap(),
        format!("{:08}ocstratus", d.id)
    );
    let dest = server.url("/remote.php/dav/files/ann@example.com/d/n.txt");
    let moved = nc(&server, "MOVE", "/m.txt", &pw)
        .header("Destination", &dest)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 201);
    assert_eq!(
        moved.headers()["oc-fileid"].to_str().unwrap(),
        format!("{:08}ocstratus", f.id),
        "a move keeps the id"
    );
    // And the modified time: a rename is no new content.
    let n = row(&server, "n.txt").await;
    assert_eq!(n.updated_at.timestamp(), 1_500_000_000);
    assert_eq!(
        moved.headers()["oc-etag"].to_str().unwrap(),
        tag,
        "nor a new ETag"
    );
    let copied = nc(&server, "COPY", "/d/n.txt", &pw)
        .header(
            "Destination",
            server.url("/remote.php/dav/files/ann@example.com/c.txt"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(copied.status(), 201);
    let c = row(&server, "c.txt").await;
    assert_eq!(
        copied.headers()["oc-fileid"].to_str().unwrap(),
        format!("{:08}ocstratus", c.id)
    );
    assert!(copied.headers().contains_key("oc-etag"));

    // A time that is not a number is refused.
    let bad = nc(&server, "PUT", "/b.txt", &pw)
        .header("X-OC-Mtime", "yesterday")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn checksums_are_verified_and_a_mismatch_stores_nothing() {
    let (server, _s, pw) = ann().await;
    let ok = nc(&server, "PUT", "/s.txt", &pw)
        .header("OC-Checksum", format!("SHA1:{}", ABC_SHA1.to_uppercase()))
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
    let md5 = hex::encode(Md5::digest(b"abc"));
    let ok = nc(&server, "PUT", "/s.txt", &pw)
        .header("OC-Checksum", format!("MD5:{md5}"))
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204, "a new version");

    let used = server
        .storage_of(row(&server, "s.txt").await.owner_id)
        .await;
    // A large body, streamed, whose digest does not match: refused, nothing kept.
    let big = vec![7u8; 3 * 1024 * 1024];
    let bad = nc(&server, "PUT", "/big.bin", &pw)
        .header("OC-Checksum", format!("SHA1:{ABC_SHA1}"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let text = bad.text().await.unwrap();
    assert!(text.contains("checksum"), "{text}");
    let got = nc(&server, "GET", "/big.bin", &pw).send().await.unwrap();
    assert_eq!(got.status(), 404);
    // Over an existing file: the old content stays.
    let bad = nc(&server, "PUT", "/s.txt", &pw)
        .header("OC-Checksum", format!("MD5:{md5}"))
        .body("abd")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let got = nc(&server, "GET", "/s.txt", &pw).send().await.unwrap();
    assert_eq!(got.text().await.unwrap(), "abc");
    let owner = row(&server, "s.txt").await.owner_id;
    assert_eq!(server.storage_of(owner).await, used);
    // A type not verified here is let through.
    let ok = nc(&server, "PUT", "/a.txt", &pw)
        .header("OC-Checksum", "ADLER32:024d0127")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
}

#[tokio::test]
async fn a_verified_checksum_is_listed_while_it_names_the_content() {
    let (server, _s, pw) = ann().await;
    let checksums = |path: &'static str| {
        let server = &server;
        let pw = &pw;
        async move {
            let (status, body) = propfind(server, path, pw, "0", "<oc:checksums/>").await;
            assert_eq!(status, 207, "{body}");
            value(&body, "checksums").unwrap_or_default()
        }
    };
    let put = nc(&server, "PUT", "/s.txt", &pw)
        .header("OC-Checksum", format!("SHA1:{}", ABC_SHA1.to_uppercase()))
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    // (`value` reads up to the first closing tag: the child's opening and text.)
    assert_eq!(
        checksums("/s.txt").await,
        format!("<oc:checksum>SHA1:{ABC_SHA1}")
    );
    // Listed in a folder's Depth 1 too.
    let (_, body) = propfind(&server, "/", &pw, "1", "<oc:checksums/>").await;
    assert!(body.contains(&format!("SHA1:{ABC_SHA1}")), "{body}");
    // Written again without a checksum: none is shown any more.
    let put = nc(&server, "PUT", "/s.txt", &pw)
        .body("abcd")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    assert_eq!(checksums("/s.txt").await, "");
}
