//! The behaviour every [`StorageDriver`] must show, as one suite run against each real backend
//! (local in a temp dir, S3-compatible servers, slave nodes).
//!
//! [`run_all`] works below a key prefix it owns, panics with a message naming the broken
//! expectation, and removes what it stored when it passes.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use sha2::{Digest, Sha256};

use super::{
    ByteRange, ByteStream, Bytes, PresignHeaders, StorageDriver, StorageError, UploadCredential,
};

/// Runs every check against `driver`, using keys below `prefix` (e.g. `conformance` or an
/// absolute folder inside a local root). Panics on the first failure.
pub async fn run_all(driver: &dyn StorageDriver, prefix: &str) {
    let keys = Keys(prefix.trim_end_matches('/').to_owned());
    driver
        .health_check()
        .await
        .unwrap_or_else(|e| panic!("health_check failed: {e}"));
    round_trips(driver, &keys).await;
    failed_puts_store_nothing(driver, &keys).await;
    ranges(driver, &keys).await;
    head_and_copy(driver, &keys).await;
    listing(driver, &keys).await;
    deleting(driver, &keys).await;
    chunked_upload(driver, &keys).await;
    aborted_upload(driver, &keys).await;
    invalid_keys(driver, &keys).await;
    presigning(driver, &keys).await;
    clean_up(driver, &keys).await;
}

struct Keys(String);

impl Keys {
    fn key(&self, name: &str) -> String {
        if self.0.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.0)
        }
    }
}

/// Deterministic bytes that differ at every offset worth checking.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// `data` as a stream of `piece`-byte pieces (odd sizes exercise the drivers' buffering).
fn pieces(data: &[u8], piece: usize) -> ByteStream {
    let data = Bytes::copy_from_slice(data);
    let parts: Vec<_> = (0..data.len())
        .step_by(piece.max(1))
        .map(|at| Ok(data.slice(at..(at + piece).min(data.len()))))
        .collect();
    Box::pin(stream::iter(parts))
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

async fn put(driver: &dyn StorageDriver, key: &str, data: &[u8]) {
    driver
        .put(key, pieces(data, 10_000), Some(data.len() as u64))
        .await
        .unwrap_or_else(|e| panic!("put {key} ({} bytes) failed: {e}", data.len()));
}

/// Reads `key` (or a range of it) whole; returns (object size, range, bytes).
async fn read(
    driver: &dyn StorageDriver,
    key: &str,
    range: Option<ByteRange>,
) -> (u64, (u64, u64), Vec<u8>) {
    let object = driver
        .get(key, range)
        .await
        .unwrap_or_else(|e| panic!("get {key} {range:?} failed: {e}"));
    let (size, span, len) = (object.size, object.range, object.len());
    let mut body = Vec::new();
    let mut stream = object.stream;
    while let Some(piece) = stream.next().await {
        body.extend_from_slice(&piece.unwrap_or_else(|e| panic!("reading {key} failed: {e}")));
    }
    assert_eq!(
        body.len() as u64,
        len,
        "get {key} {range:?}: streamed length"
    );
    (size, span, body)
}

#[track_caller]
fn expect_err<T: std::fmt::Debug>(
    result: Result<T, StorageError>,
    what: &str,
    wanted: &str,
    matches: impl Fn(&StorageError) -> bool,
) {
    match result {
        Err(e) if matches(&e) => {}
        other => panic!("{what}: expected {wanted}, got {other:?}"),
    }
}

fn not_found(e: &StorageError) -> bool {
    matches!(e, StorageError::NotFound)
}

async fn assert_missing(driver: &dyn StorageDriver, key: &str, why: &str) {
    expect_err(
        driver.get(key, None).await,
        &format!("get {key} {why}"),
        "NotFound",
        not_found,
    );
    expect_err(
        driver.head(key).await,
        &format!("head {key} {why}"),
        "NotFound",
        not_found,
    );
}

async fn round_trips(driver: &dyn StorageDriver, keys: &Keys) {
    for (name, len, known_size) in [
        ("rt/empty", 0, true),
        ("rt/empty-unsized", 0, false),
        ("rt/one", 1, true),
        ("rt/mib", 1 << 20, true),
        ("rt/mib-unsized", (1 << 20) + 3, false),
    ] {
        let key = keys.key(name);
        let data = pattern(len, len as u64 + 1);
        let size = known_size.then_some(len as u64);
        driver
            .put(&key, pieces(&data, 7_777), size)
            .await
            .unwrap_or_else(|e| panic!("put {key} ({len} bytes, size {size:?}) failed: {e}"));
        let (size, _, body) = read(driver, &key, None).await;
        assert_eq!(size, len as u64, "get {key}: object size");
        assert_eq!(sha(&body), sha(&data), "get {key}: content differs");
    }
    // Overwriting replaces the content.
    let key = keys.key("rt/one");
    put(driver, &key, b"replaced").await;
    assert_eq!(read(driver, &key, None).await.2, b"replaced", "overwrite");
    // Two writers racing on one key: one of them wins whole, never a mix.
    let (a, b) = (pattern(300_000, 7), pattern(300_000, 8));
    let key = keys.key("rt/race");
    let (ra, rb) = futures_util::join!(
        driver.put(&key, pieces(&a, 4096), Some(a.len() as u64)),
        driver.put(&key, pieces(&b, 4096), Some(b.len() as u64)),
    );
    ra.and(rb)
        .unwrap_or_else(|e| panic!("concurrent puts failed: {e}"));
    let got = sha(&read(driver, &key, None).await.2);
    assert!(
        got == sha(&a) || got == sha(&b),
        "concurrent puts to {key} left a mix of both bodies"
    );
}

async fn failed_puts_store_nothing(driver: &dyn StorageDriver, keys: &Keys) {
    let key = keys.key("fail/new");
    for (len, announced) in [(10, 11), (10, 9)] {
        expect_err(
            driver
                .put(&key, pieces(&pattern(len, 1), 3), Some(announced))
                .await,
            &format!("put of {len} bytes announced as {announced}"),
            "LengthMismatch",
            |e| matches!(e, StorageError::LengthMismatch { expected, .. } if *expected == announced),
        );
        assert_missing(driver, &key, "after a put with the wrong length").await;
    }
    // A failed overwrite keeps the previous object.
    let key = keys.key("fail/existing");
    put(driver, &key, b"original").await;
    expect_err(
        driver.put(&key, pieces(b"longer body", 4), Some(3)).await,
        "overwrite with the wrong length",
        "LengthMismatch",
        |e| matches!(e, StorageError::LengthMismatch { .. }),
    );
    let broken: ByteStream = Box::pin(stream::iter(vec![
        Ok(Bytes::from_static(b"partial")),
        Err(std::io::Error::other("client went away")),
    ]));
    assert!(
        driver.put(&key, broken, None).await.is_err(),
        "a put whose body fails must fail"
    );
    assert_eq!(
        read(driver, &key, None).await.2,
        b"original",
        "a failed overwrite must keep the previous object"
    );
}

async fn ranges(driver: &dyn StorageDriver, keys: &Keys) {
    let key = keys.key("range/mib");
    let data = pattern(1 << 20, 99);
    put(driver, &key, &data).await;
    let size = data.len() as u64;
    let cases = [
        (ByteRange::FromTo(0, 0), (0, 0)),
        (ByteRange::FromTo(0, 99), (0, 99)),
        (ByteRange::FromTo(123_456, 654_321), (123_456, 654_321)),
        (
            ByteRange::FromTo(size - 10, size + 1000),
            (size - 10, size - 1),
        ),
        (ByteRange::From(500_000), (500_000, size - 1)),
        (ByteRange::From(size - 1), (size - 1, size - 1)),
        (ByteRange::Suffix(1), (size - 1, size - 1)),
        (ByteRange::Suffix(70_000), (size - 70_000, size - 1)),
        (ByteRange::Suffix(size * 2), (0, size - 1)),
    ];
    for (range, (start, end)) in cases {
        let (got_size, span, body) = read(driver, &key, Some(range)).await;
        assert_eq!(got_size, size, "{range:?}: size is the whole object's");
        assert_eq!(span, (start, end), "{range:?}: resolved range");
        assert!(
            body == data[start as usize..=end as usize],
            "{range:?}: wrong bytes"
        );
    }
    for range in [
        ByteRange::From(size),
        ByteRange::FromTo(size, size + 5),
        ByteRange::FromTo(10, 9),
        ByteRange::Suffix(0),
    ] {
        expect_err(
            driver.get(&key, Some(range)).await,
            &format!("get {range:?} of {size} bytes"),
            "RangeNotSatisfiable",
            |e| matches!(e, StorageError::RangeNotSatisfiable { size: s } if *s == size),
        );
    }
    let empty = keys.key("rt/empty");
    expect_err(
        driver.get(&empty, Some(ByteRange::From(0))).await,
        "any range of an empty object",
        "RangeNotSatisfiable",
        |e| matches!(e, StorageError::RangeNotSatisfiable { size: 0 }),
    );
    let (size, _, body) = read(driver, &empty, None).await;
    assert!(size == 0 && body.is_empty(), "empty object read whole");
    assert_missing(driver, &keys.key("range/missing"), "that was never stored").await;
}

async fn head_and_copy(driver: &dyn StorageDriver, keys: &Keys) {
    let (a, b) = (keys.key("copy/a"), keys.key("copy/deep/b"));
    let data = pattern(200_001, 5);
    put(driver, &a, &data).await;
    let meta = driver
        .head(&a)
        .await
        .unwrap_or_else(|e| panic!("head {a} failed: {e}"));
    assert_eq!(meta.size, data.len() as u64, "head size");
    assert_eq!(meta.key, a, "head echoes the key");
    let age = chrono::Utc::now() - meta.modified;
    assert!(
        age.num_seconds().abs() < 3600,
        "head modified time is not recent: {}",
        meta.modified
    );
    driver
        .copy(&a, &b)
        .await
        .unwrap_or_else(|e| panic!("copy {a} → {b} failed: {e}"));
    put(driver, &a, b"changed after the copy").await;
    assert_eq!(
        sha(&read(driver, &b, None).await.2),
        sha(&data),
        "the copy must not follow later writes to the source"
    );
    driver
        .copy(&a, &b)
        .await
        .unwrap_or_else(|e| panic!("copy onto an existing key failed: {e}"));
    assert_eq!(read(driver, &b, None).await.2, b"changed after the copy");
    expect_err(
        driver.copy(&keys.key("copy/missing"), &b).await,
        "copy of a missing key",
        "NotFound",
        not_found,
    );
}

async fn listing(driver: &dyn StorageDriver, keys: &Keys) {
    let names = [
        "list/a",
        "list/b",
        "list/sub/c",
        "list/sub/deeper/d",
        "listx",
    ];
    for (i, name) in names.iter().enumerate() {
        put(driver, &keys.key(name), &pattern(i * 10, i as u64)).await;
    }
    // An upload in progress is not an object.
    let pending = keys.key("list/pending");
    driver
        .begin_upload(&pending, 10, 10)
        .await
        .unwrap_or_else(|e| panic!("begin_upload {pending} failed: {e}"));
    let cases: [(&str, &[&str]); 5] = [
        ("list/", &names[..4]),
        ("list", &names[..]),
        ("list/su", &names[2..4]),
        ("list/sub/deeper/", &names[3..4]),
        ("nothing-here/", &[]),
    ];
    for (prefix, want) in cases {
        let prefix = keys.key(prefix);
        let mut got = driver
            .list(&prefix)
            .await
            .unwrap_or_else(|e| panic!("list {prefix} failed: {e}"));
        got.sort_by(|a, b| a.key.cmp(&b.key));
        let got_keys: Vec<_> = got.iter().map(|m| m.key.as_str()).collect();
        let want: Vec<_> = want.iter().map(|n| keys.key(n)).collect();
        assert_eq!(got_keys, want, "list {prefix}");
        for meta in &got {
            let i = names.iter().position(|n| keys.key(n) == meta.key).unwrap();
            assert_eq!(
                meta.size,
                i as u64 * 10,
                "list {prefix}: size of {}",
                meta.key
            );
        }
    }
    driver
        .abort_upload(&pending)
        .await
        .unwrap_or_else(|e| panic!("abort_upload {pending} failed: {e}"));
}

async fn deleting(driver: &dyn StorageDriver, keys: &Keys) {
    let (a, b, missing) = (keys.key("del/a"), keys.key("del/b"), keys.key("del/none"));
    put(driver, &a, b"a").await;
    put(driver, &b, b"b").await;
    let failed = driver
        .delete(&[a.clone(), missing.clone(), a.clone()])
        .await
        .unwrap_or_else(|e| panic!("delete failed: {e}"));
    assert!(
        failed.is_empty(),
        "deleting existing and missing keys: {failed:?}"
    );
    assert_missing(driver, &a, "after delete").await;
    assert_eq!(
        read(driver, &b, None).await.2,
        b"b",
        "delete touched another key"
    );
    let bad = "../outside".to_owned();
    let failed = driver
        .delete(&[bad.clone(), b.clone()])
        .await
        .unwrap_or_else(|e| panic!("delete with an invalid key failed as a whole: {e}"));
    assert!(
        matches!(failed.as_slice(), [(k, StorageError::InvalidKey(_))] if *k == bad),
        "delete reports the invalid key only: {failed:?}"
    );
    assert_missing(driver, &b, "after delete next to an invalid key").await;
}

async fn chunked_upload(driver: &dyn StorageDriver, keys: &Keys) {
    let key = keys.key("upload/big.bin");
    let chunk = 256 * 1024u64;
    let data = pattern(3 * chunk as usize + 1000, 42);
    let size = data.len() as u64;
    let range = |i: u64| (i * chunk) as usize..(((i + 1) * chunk).min(size)) as usize;
    let send = |i: u64, body: Vec<u8>, len: u64| {
        let key = key.clone();
        async move {
            driver
                .put_chunk(&key, i, i * chunk, pieces(&body, 6_000), len)
                .await
        }
    };
    expect_err(
        send(0, data[range(0)].to_vec(), chunk).await,
        "put_chunk before begin_upload",
        "NotFound",
        not_found,
    );
    let credential = driver
        .begin_upload(&key, size, chunk)
        .await
        .unwrap_or_else(|e| panic!("begin_upload {key} failed: {e}"));
    if let UploadCredential::Relay { chunk_size } = credential {
        assert_eq!(chunk_size, chunk, "relay credential chunk size");
    }
    assert_missing(driver, &key, "while its upload is in progress").await;

    // Out of order; chunk 1 first arrives corrupted and is sent again.
    send(3, data[range(3)].to_vec(), 1000)
        .await
        .unwrap_or_else(|e| panic!("put_chunk 3 failed: {e}"));
    send(1, vec![0u8; chunk as usize], chunk)
        .await
        .unwrap_or_else(|e| panic!("put_chunk 1 (first try) failed: {e}"));
    send(0, data[range(0)].to_vec(), chunk)
        .await
        .unwrap_or_else(|e| panic!("put_chunk 0 failed: {e}"));
    for (body_len, what) in [(chunk - 1, "short"), (chunk + 1, "long")] {
        let body = pattern(body_len as usize, 3);
        expect_err(
            send(2, body, chunk).await,
            &format!("put_chunk with a {what} body"),
            "LengthMismatch",
            |e| matches!(e, StorageError::LengthMismatch { expected, .. } if *expected == chunk),
        );
    }
    send(2, data[range(2)].to_vec(), chunk)
        .await
        .unwrap_or_else(|e| panic!("put_chunk 2 failed: {e}"));
    send(1, data[range(1)].to_vec(), chunk)
        .await
        .unwrap_or_else(|e| panic!("put_chunk 1 (re-sent) failed: {e}"));

    expect_err(
        driver.complete_upload(&key, size + 1).await,
        "complete_upload with the wrong size",
        "LengthMismatch",
        |e| matches!(e, StorageError::LengthMismatch { expected, got } if *expected == size + 1 && *got == size),
    );
    driver
        .complete_upload(&key, size)
        .await
        .unwrap_or_else(|e| panic!("complete_upload {key} failed: {e}"));
    driver
        .complete_upload(&key, size)
        .await
        .unwrap_or_else(|e| panic!("completing {key} again failed: {e}"));
    let (got_size, _, body) = read(driver, &key, None).await;
    assert_eq!(got_size, size, "uploaded object size");
    assert_eq!(sha(&body), sha(&data), "uploaded object content");
    assert_eq!(driver.head(&key).await.map(|m| m.size).ok(), Some(size));
}

async fn aborted_upload(driver: &dyn StorageDriver, keys: &Keys) {
    let key = keys.key("abort/file");
    driver
        .begin_upload(&key, 100, 50)
        .await
        .unwrap_or_else(|e| panic!("begin_upload {key} failed: {e}"));
    driver
        .put_chunk(&key, 0, 0, pieces(&pattern(50, 1), 50), 50)
        .await
        .unwrap_or_else(|e| panic!("put_chunk {key} failed: {e}"));
    driver
        .abort_upload(&key)
        .await
        .unwrap_or_else(|e| panic!("abort_upload {key} failed: {e}"));
    assert_missing(driver, &key, "after abort_upload").await;
    expect_err(
        driver
            .put_chunk(&key, 1, 50, pieces(&pattern(50, 1), 50), 50)
            .await,
        "put_chunk after abort_upload",
        "NotFound",
        not_found,
    );
    expect_err(
        driver.complete_upload(&key, 100).await,
        "complete_upload after abort_upload",
        "NotFound",
        not_found,
    );
    driver
        .abort_upload(&key)
        .await
        .unwrap_or_else(|e| panic!("aborting twice failed: {e}"));
    let left = driver.list(&keys.key("abort/")).await.unwrap_or_default();
    assert!(left.is_empty(), "abort_upload left objects: {left:?}");
}

async fn invalid_keys(driver: &dyn StorageDriver, keys: &Keys) {
    let valid = keys.key("rt/mib");
    let bad = [
        "../x".to_owned(),
        keys.key("../../../../x"),
        "/stratus-conformance-outside-the-root/x".to_owned(),
        keys.key("nul\0byte"),
        String::new(),
    ];
    let invalid = |e: &StorageError| matches!(e, StorageError::InvalidKey(_));
    for key in &bad {
        let what = |op: &str| format!("{op} {key:?}");
        expect_err(
            driver.put(key, pieces(b"x", 1), Some(1)).await,
            &what("put"),
            "InvalidKey",
            invalid,
        );
        expect_err(
            driver.get(key, None).await,
            &what("get"),
            "InvalidKey",
            invalid,
        );
        expect_err(driver.head(key).await, &what("head"), "InvalidKey", invalid);
        expect_err(
            driver.copy(&valid, key).await,
            &what("copy to"),
            "InvalidKey",
            invalid,
        );
        expect_err(
            driver.begin_upload(key, 1, 1).await,
            &what("begin_upload"),
            "InvalidKey",
            invalid,
        );
        let failed = driver.delete(std::slice::from_ref(key)).await;
        assert!(
            matches!(failed.as_deref(), Ok([(_, StorageError::InvalidKey(_))])),
            "delete {key:?}: expected InvalidKey, got {failed:?}"
        );
    }
}

async fn presigning(driver: &dyn StorageDriver, keys: &Keys) {
    let key = keys.key("rt/mib");
    let url = driver
        .presign_get(
            &key,
            Duration::from_secs(600),
            PresignHeaders {
                disposition: Some("attachment"),
                content_type: Some("text/plain"),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("presign_get failed: {e}"));
    let caps = driver.capabilities();
    assert_eq!(
        url.is_some(),
        caps.presign,
        "presign_get answers a URL exactly when capabilities().presign"
    );
    assert!(
        !(caps.proxy_required && caps.presign),
        "a driver cannot both require proxying and presign"
    );
    // A validity beyond the driver's longest is cut to it, not refused.
    let long = driver
        .presign_get(
            &key,
            Duration::from_secs(90 * 24 * 3600),
            PresignHeaders::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("presign_get for 90 days failed: {e}"));
    assert_eq!(long.is_some(), caps.presign, "presign_get for 90 days");
}

async fn clean_up(driver: &dyn StorageDriver, keys: &Keys) {
    let prefix = keys.key("");
    let all: Vec<String> = driver
        .list(&prefix)
        .await
        .unwrap_or_else(|e| panic!("list {prefix} failed: {e}"))
        .into_iter()
        .map(|m| m.key)
        .collect();
    let failed = driver
        .delete(&all)
        .await
        .unwrap_or_else(|e| panic!("cleaning up failed: {e}"));
    assert!(failed.is_empty(), "cleaning up: {failed:?}");
    let left = driver.list(&prefix).await.unwrap_or_default();
    assert!(
        left.is_empty(),
        "objects left after deleting them: {left:?}"
    );
}
