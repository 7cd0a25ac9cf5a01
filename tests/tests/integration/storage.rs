//! Storage drivers: the shared conformance suite against the local driver, what only the local
//! driver promises (flat memory while streaming, symlinks never lead out of the root), the
//! name rules of spec §8.3, and the registry on the default policy.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use chrono::{TimeZone, Utc};
use futures_util::{StreamExt, stream};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;
use stratus_entity::{entity, storage_policy};
use stratus_server::storage::{
    ByteStream, Bytes, DriverRegistry, LocalDriver, S3Config, S3Driver, StorageDriver,
    StorageError, conformance,
    keys::{self, KeyContext},
    local::READ_CHUNK,
    pending, stream_once,
};
use stratus_tests::{TestServer, s3::S3Server};

#[tokio::test]
async fn local_driver_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let driver = LocalDriver::new(dir.path().join("root"));
    conformance::run_all(&driver, "conformance").await;
}

#[tokio::test]
async fn local_driver_passes_with_absolute_keys_and_pre_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let driver = LocalDriver::new(root.clone()).with_pre_allocate(true);
    conformance::run_all(&driver, &format!("{}/uploads/7", root.display())).await;
    // The canonical spelling of the root is accepted too.
    let canonical = std::fs::canonicalize(&root).unwrap();
    conformance::run_all(&driver, &format!("{}/again", canonical.display())).await;
}

/// Set by [`streaming_128_mib_keeps_memory_flat`] for the child process running [`memory_probe`].
const PROBE_ENV: &str = "STRATUS_STORAGE_MEMORY_PROBE";
const PROBE_SIZE: u64 = 128 << 20;
const PROBE_BLOCK: usize = 64 << 10;
/// Allowed growth of resident memory while 128 MiB go through put and get (less than the
/// object, so buffering it whole would fail).
const PROBE_BOUND_KIB: u64 = 64 << 10;

/// Which driver the probe streams through (`local` or `s3`).
const PROBE_KIND_ENV: &str = "STRATUS_STORAGE_MEMORY_PROBE_KIND";

#[tokio::test]
async fn streaming_128_mib_keeps_memory_flat() {
    run_memory_probe("local").await;
}

#[tokio::test]
async fn streaming_128_mib_through_s3_keeps_memory_flat() {
    run_memory_probe("s3").await;
}

/// Runs [`memory_probe`] in a child process, so the other tests of this binary do not disturb
/// the numbers.
async fn run_memory_probe(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["storage::memory_probe", "--exact", "--nocapture"])
        .env(PROBE_ENV, dir.path())
        .env(PROBE_KIND_ENV, kind)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the {kind} memory probe did not finish within 600 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("memory probe passed"),
        "{kind} memory probe failed:\n{stdout}\n{stderr}"
    );
}

/// The byte at `pos` of the probe object.
fn probe_byte(pos: u64) -> u8 {
    ((pos / PROBE_BLOCK as u64) as u8).wrapping_mul(31) ^ (pos as u8)
}

fn probe_body() -> ByteStream {
    let blocks = PROBE_SIZE / PROBE_BLOCK as u64;
    Box::pin(stream::iter(0..blocks).map(|block| {
        let start = block * PROBE_BLOCK as u64;
        let data: Vec<u8> = (start..start + PROBE_BLOCK as u64)
            .map(probe_byte)
            .collect();
        Ok(Bytes::from(data))
    }))
}

/// `(VmRSS, VmHWM)` of this process in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from /proc/self/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Streams 128 MiB through `put` and `get` and checks resident memory (now and at its peak)
/// grew by less than [`PROBE_BOUND_KIB`]. Does nothing unless started by
/// [`streaming_128_mib_keeps_memory_flat`].
#[tokio::test]
async fn memory_probe() {
    let Ok(dir) = std::env::var(PROBE_ENV) else {
        return;
    };
    let local = std::env::var(PROBE_KIND_ENV).as_deref() != Ok("s3");
    // The S3 server is another process: only the driver's own buffers count here.
    let s3 = (!local).then(S3Server::start);
    let driver: Box<dyn StorageDriver> = match &s3 {
        None => Box::new(LocalDriver::new(Path::new(&dir).join("root"))),
        Some(s3) => Box::new(
            S3Driver::new(
                &S3Config::from_policy(&crate::storage_s3::policy(s3, json!({}))).unwrap(),
                Path::new(&dir).join("staging"),
            )
            .unwrap(),
        ),
    };
    // Warm up the runtime, the blocking pool and the allocator before measuring.
    driver
        .put("warm", stream_once(vec![1u8; 1 << 20]), None)
        .await
        .unwrap();
    let _ = stratus_server::storage::collect(driver.get("warm", None).await.unwrap().stream).await;
    let (before, _) = memory_kib();

    driver
        .put("big", probe_body(), Some(PROBE_SIZE))
        .await
        .unwrap();
    let object = driver.get("big", None).await.unwrap();
    assert_eq!(object.size, PROBE_SIZE);
    let mut stream = object.stream;
    let mut pos = 0u64;
    while let Some(piece) = stream.next().await {
        let piece = piece.unwrap();
        assert!(
            !local || piece.len() <= READ_CHUNK,
            "local reads come in pieces of at most READ_CHUNK"
        );
        for &byte in piece.iter() {
            assert_eq!(byte, probe_byte(pos), "byte {pos} differs");
            pos += 1;
        }
    }
    assert_eq!(pos, PROBE_SIZE, "streamed length");

    let (after, peak) = memory_kib();
    println!("VmRSS before {before} KiB, after {after} KiB, peak {peak} KiB");
    assert!(
        after.saturating_sub(before) < PROBE_BOUND_KIB,
        "resident memory grew by {} KiB",
        after - before
    );
    assert!(
        peak.saturating_sub(before) < PROBE_BOUND_KIB,
        "peak resident memory grew by {} KiB",
        peak - before
    );
    println!("memory probe passed");
}

#[tokio::test]
async fn symlinks_never_lead_out_of_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let (root, outside) = (dir.path().join("root"), dir.path().join("outside"));
    std::fs::create_dir_all(root.join("real")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), b"secret").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(root.join("real"), root.join("inner")).unwrap();
    let driver = LocalDriver::new(root.clone());
    let invalid = |r: Result<(), StorageError>, what: &str| {
        assert!(
            matches!(r, Err(StorageError::InvalidKey(_))),
            "{what}: expected InvalidKey, got {r:?}"
        );
    };

    for key in [
        "escape/x".to_owned(),
        "escape/sub/x".to_owned(),
        "link.txt".to_owned(),
        format!("{}/escape/abs", root.display()),
    ] {
        invalid(
            driver.put(&key, stream_once("x"), Some(1)).await,
            &format!("put {key}"),
        );
        invalid(
            driver.begin_upload(&key, 1, 1).await.map(drop),
            &format!("begin_upload {key}"),
        );
    }
    for key in ["escape/secret.txt", "link.txt"] {
        invalid(driver.get(key, None).await.map(drop), &format!("get {key}"));
        invalid(driver.head(key).await.map(drop), &format!("head {key}"));
        invalid(driver.copy(key, "stolen").await, &format!("copy {key}"));
    }
    let failed = driver.delete(&["escape/secret.txt".into()]).await.unwrap();
    assert!(
        matches!(failed.as_slice(), [(_, StorageError::InvalidKey(_))]),
        "delete through a symlinked folder: {failed:?}"
    );
    // Deleting a key that is a symlink removes the link, never its target.
    assert!(
        driver
            .delete(&["link.txt".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(std::fs::symlink_metadata(root.join("link.txt")).is_err());
    invalid(driver.list("escape/").await.map(drop), "list escape/");
    let mut outside_now: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    outside_now.sort();
    assert_eq!(outside_now, ["secret.txt"], "something was written outside");
    assert_eq!(
        std::fs::read(outside.join("secret.txt")).unwrap(),
        b"secret"
    );

    // Listing the root neither follows nor shows symlinks.
    driver
        .put("plain", stream_once("p"), Some(1))
        .await
        .unwrap();
    let listed: Vec<_> = driver
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.key)
        .collect();
    assert_eq!(listed, ["plain"]);

    // A symlink to a folder inside the root is fine.
    driver
        .put("inner/x", stream_once("in"), Some(2))
        .await
        .unwrap();
    assert_eq!(std::fs::read(root.join("real/x")).unwrap(), b"in");
}

#[test]
fn key_rules_render_every_placeholder() {
    let mut ctx = KeyContext::new(42, "docs/2024", "photo.final.jpg");
    ctx.now = Utc.with_ymd_and_hms(2024, 3, 5, 7, 8, 9).unwrap()
        + chrono::Duration::nanoseconds(123_456_789);
    let fixed = [
        ("{uid}", "42".to_owned()),
        ("{timestamp}", ctx.now.timestamp().to_string()),
        (
            "{timestamp_nano}",
            ctx.now.timestamp_nanos_opt().unwrap().to_string(),
        ),
        ("{datetime}", "20240305070809".into()),
        ("{date}", "20240305".into()),
        ("{year}", "2024".into()),
        ("{month}", "03".into()),
        ("{day}", "05".into()),
        ("{hour}", "07".into()),
        ("{minute}", "08".into()),
        ("{second}", "09".into()),
        ("{path}", "docs/2024/".into()),
        ("{originname}", "photo.final.jpg".into()),
        ("{ext}", ".jpg".into()),
        ("{originname_without_ext}", "photo.final".into()),
        ("a-{uid}-{year}{month}-b", "a-42-202403-b".into()),
    ];
    for (rule, want) in fixed {
        assert_eq!(keys::render(rule, &ctx), want, "{rule}");
    }
    let random = [
        ("{randomkey16}", 16, true),
        ("{randomkey8}", 8, true),
        ("{randomnum2}", 2, false),
        ("{randomnum3}", 3, false),
        ("{randomnum4}", 4, false),
        ("{randomnum8}", 8, false),
    ];
    for (rule, len, letters) in random {
        let values: Vec<String> = (0..20).map(|_| keys::render(rule, &ctx)).collect();
        for v in &values {
            assert_eq!(v.len(), len, "{rule} → {v}");
            assert!(
                v.chars().all(|c| if letters {
                    c.is_ascii_alphanumeric()
                } else {
                    c.is_ascii_digit()
                }),
                "{rule} → {v}"
            );
        }
        let distinct: std::collections::HashSet<_> = values.iter().collect();
        assert!(distinct.len() > 1, "{rule} is not random: {values:?}");
    }
    let id = uuid::Uuid::parse_str(&keys::render("{uuid}", &ctx)).unwrap();
    assert_eq!(id.get_version_num(), 4);
    assert_ne!(keys::render("{uuid}", &ctx), keys::render("{uuid}", &ctx));

    // Directory rules know only the directory placeholders.
    assert_eq!(
        keys::render_dir("{uid}/{path}{originname}{ext}{uuid}", &ctx),
        "42/docs/2024/{originname}{ext}{uuid}"
    );
    assert_eq!(keys::render("{unknown}{uid", &ctx), "{unknown}{uid");
    let key = keys::blob_key("/srv/up/{uid}/{path}", "{date}_{originname}", &ctx).unwrap();
    assert_eq!(key, "/srv/up/42/docs/2024/20240305_photo.final.jpg");
}

#[tokio::test]
async fn default_policy_stores_blobs_under_the_data_dir() {
    let server = TestServer::start().await;
    let registry = DriverRegistry::new(server.state.db.clone(), server.data_dir.clone());
    let policy = storage_policy::Entity::find_by_id(1)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let driver = registry.driver(1).await.unwrap();
    assert!(driver.capabilities().proxy_required);

    let ctx = KeyContext::new(2, "docs", "a b.txt");
    let key = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &ctx).unwrap();
    let uploads = server.data_dir.join("uploads/2/docs");
    assert!(
        key.starts_with(&format!("{}/", uploads.display())),
        "{key} is not under {}",
        uploads.display()
    );
    driver
        .put(&key, stream_once("hello"), Some(5))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&key).unwrap(), b"hello");
    let got = stratus_server::storage::collect(driver.get(&key, None).await.unwrap().stream)
        .await
        .unwrap();
    assert_eq!(got, b"hello");

    // The default policy pre-allocates uploads.
    let upload = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &ctx).unwrap();
    driver
        .begin_upload(&upload, 1 << 20, 1 << 18)
        .await
        .unwrap();
    let partial_sizes: Vec<u64> = std::fs::read_dir(&uploads)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".stratus-part-")
        })
        .map(|e| e.metadata().unwrap().len())
        .collect();
    assert_eq!(partial_sizes, [1 << 20], "pre-allocated partial file");
    driver.abort_upload(&upload).await.unwrap();

    // Unknown policies and types Stratus does not drive (COS) are errors, not panics.
    assert!(matches!(
        registry.driver(9999).await.map(drop),
        Err(StorageError::Other(_))
    ));
    let cos = storage_policy::ActiveModel {
        name: Set("cos".into()),
        r#type: Set(storage_policy::kind::COS.into()),
        server: Set("http://127.0.0.1:1".into()),
        bucket_name: Set("b".into()),
        is_private: Set(true),
        access_key: Set(String::new()),
        secret_key: Set(String::new()),
        max_size: Set(0),
        dir_name_rule: Set("uploads/{uid}".into()),
        file_name_rule: Set("{uuid}".into()),
        settings: Set(json!({})),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    assert!(matches!(
        registry.driver(cos.id).await.map(drop),
        Err(StorageError::Unsupported(_))
    ));
    registry.invalidate(1).await;
    assert!(registry.driver(1).await.is_ok());
}

/// At start, a journal of pending blobs left by a process that is gone is read: its blobs that
/// an entity row names stay, the others are deleted, and the journal goes. A journal a live
/// process holds is left alone.
#[tokio::test]
async fn pending_blobs_of_a_stopped_process_are_settled_at_start() {
    let server = TestServer::start().await;
    let driver = server.state.storage.driver(1).await.unwrap();
    let dir = server.data_dir.join(pending::PENDING_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    // A blob whose row was committed, one whose row never came, one recorded but never stored.
    let (named, orphan, never) = (
        "uploads/1/named.bin",
        "uploads/1/orphan.bin",
        "uploads/1/never.bin",
    );
    for key in [named, orphan] {
        driver.put(key, stream_once("blob"), Some(4)).await.unwrap();
    }
    let now = Utc::now();
    entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(entity::kind::VERSION),
        source: Set(named.to_owned()),
        size: Set(4),
        reference_count: Set(1),
        storage_policy_id: Set(1),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let record = |key: &str| format!("1 {}\n", hex::encode(key));
    let dead = dir.join("4242-dead.log");
    std::fs::write(&dead, [named, orphan, never].map(record).concat()).unwrap();
    // A live process's journal: held, so its blob stays.
    let in_flight = "uploads/1/in-flight.bin";
    driver
        .put(in_flight, stream_once("blob"), Some(4))
        .await
        .unwrap();
    let live = dir.join("4243-live.log");
    std::fs::write(&live, record(in_flight)).unwrap();
    let held = std::fs::File::open(&live).unwrap();
    held.lock().unwrap();

    let deleted = pending::recover(&server.data_dir, &server.state.db, &server.state.storage)
        .await
        .unwrap();
    // The orphan, and the one never stored (nothing there to delete).
    assert_eq!(deleted, 2);
    assert!(driver.head(named).await.is_ok());
    assert!(matches!(
        driver.head(orphan).await,
        Err(StorageError::NotFound)
    ));
    assert!(driver.head(in_flight).await.is_ok());
    assert!(!dead.exists());
    assert!(live.exists());
}
