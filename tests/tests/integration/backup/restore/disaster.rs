//! Disaster recovery: an instance backup to a local target; the server stopped and its data
//! dir deleted; `stratus restore` (a process of its own) into a new data dir and database; a
//! new server there: old passwords sign in, every file and version downloads byte for byte,
//! shares open. Blobs of a bucket policy whose bucket was emptied are written back.

use std::path::{Path, PathBuf};

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use stratus_entity::{group, storage_policy};
use stratus_tests::{pg, s3::S3Server};

use super::*;

/// The instance's files: `(owner email, uri, bytes)`.
type Files = Vec<(&'static str, &'static str, Vec<u8>)>;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

/// A bucket policy on `s3` that relays uploads through the server, made the User group's.
async fn bucket_for_users(server: &TestServer, s3: &S3Server) -> i64 {
    let now = chrono::Utc::now();
    let policy = storage_policy::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set("bucket".into()),
        r#type: Set(storage_policy::kind::S3.into()),
        server: Set(s3.endpoint.clone()),
        bucket_name: Set(stratus_tests::s3::BUCKET.into()),
        is_private: Set(true),
        access_key: Set(stratus_tests::s3::ACCESS_KEY.into()),
        secret_key: Set(stratus_tests::s3::SECRET_KEY.into()),
        max_size: Set(0),
        dir_name_rule: Set("uploads/{uid}/{path}".into()),
        file_name_rule: Set("{uid}_{randomkey8}_{originname}".into()),
        settings: Set(s3.policy_settings(json!({"relay": true}))),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let mut users = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    users.storage_policy_id = Set(Some(policy.id));
    users.update(&server.state.db).await.unwrap();
    server.state.storage.invalidate_all();
    policy.id
}

/// Runs `stratus <args>` in a child process (this test binary running [`cli_child`]);
/// answers whether it succeeded and what it printed.
pub(super) fn run_cli(args: &[String]) -> (bool, String) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "backup_restore::disaster::cli_child",
            "--exact",
            "--nocapture",
        ])
        .env(CLI_ENV, serde_json::to_string(args).unwrap())
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const CLI_ENV: &str = "STRATUS_TEST_CLI_ARGS";

/// The `stratus` command line in a process of its own; does nothing unless started by
/// [`run_cli`].
#[test]
fn cli_child() {
    let Ok(args) = std::env::var(CLI_ENV) else {
        return;
    };
    let args: Vec<String> = serde_json::from_str(&args).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut argv = vec!["stratus".to_owned()];
    argv.extend(args);
    if let Err(e) = runtime.block_on(stratus_server::cli::run_async(argv)) {
        eprintln!("stratus: {e:#}");
        std::process::exit(1);
    }
}

/// Writes the target file `{type, settings}` of a local target at `folder`.
pub(super) fn target_file(dir: &Path, folder: &Path) -> PathBuf {
    let path = dir.join("target.json");
    std::fs::write(
        &path,
        json!({"type": "local", "settings": {"path": folder}}).to_string(),
    )
    .unwrap();
    path
}

/// Signs in as `email` on the new server and checks every one of their files.
async fn check_files(server: &TestServer, files: &Files) {
    for (email, uri, bytes) in files {
        let s = server.login(email, PW).await;
        assert_eq!(&server.download(&s, uri).await, bytes, "{email} {uri}");
    }
}

/// What goes wrong besides the lost machine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Also {
    Nothing,
    /// The bucket of the bucket policy was emptied too.
    BucketEmptied,
    /// The blob of the administrator's `local.bin` is damaged on the target.
    BlobCorrupt,
}

/// Damages the target's copy of `uri`'s current blob (same length, other bytes).
async fn corrupt_blob(server: &TestServer, name: &str, backups: &Path) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let f = stratus_entity::file::Entity::find()
        .filter(stratus_entity::file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let blob = stratus_entity::entity::Entity::find_by_id(f.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let hashed = stratus_server::backup::layout::blob_name(blob.storage_policy_id, &blob.source);
    let path = backups
        .join("stratus-backup/blobs")
        .join(&hashed[..2])
        .join(&hashed);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
}

async fn disaster_recovery(also: Also) {
    let bucket_emptied = also == Also::BucketEmptied;
    let s3 = S3Server::start();
    let server = TestServer::start().await;
    let bucket = bucket_for_users(&server, &s3).await;
    let boss = admin(&server).await;
    let (ann, bob, link) = populate(&server, bucket).await;
    let big = pattern(300_000, 7);
    upload(&server, &boss, "cloudreve://my/local.bin", &big, 1).await;
    let files: Files = vec![
        ("boss@example.com", "cloudreve://my/local.bin", big.clone()),
        (
            "ann@example.com",
            "cloudreve://my/new/old/a.txt",
            b"alpha".to_vec(),
        ),
        (
            "ann@example.com",
            "cloudreve://my/doc.txt",
            b"three".to_vec(),
        ),
        (
            "bob@example.com",
            "cloudreve://my/b.bin",
            vec![0, 1, 2, 255],
        ),
    ];
    let _ = (&ann, &bob);

    let backups = tempfile::tempdir().unwrap();
    let record = run_instance_backup(&server, &boss, backups.path()).await;
    assert_eq!(record["status"], "completed", "{record}");
    if also == Also::BlobCorrupt {
        corrupt_blob(&server, "local.bin", backups.path()).await;
    }

    // The machine is lost: the server, its data dir and its database.
    let old_data = server.data_dir.clone();
    let old_url = server.database_url.clone();
    // Stopping the test server also deletes its temporary folder, data dir and SQLite
    // database included.
    server.stop().await;
    let _ = std::fs::remove_dir_all(&old_data);
    if let Some(path) = old_url.strip_prefix("sqlite://") {
        let _ = std::fs::remove_file(path.split('?').next().unwrap());
    }
    assert!(!old_data.exists());
    if bucket_emptied {
        for entry in walk(&s3.bucket_dir) {
            std::fs::remove_file(entry).unwrap();
        }
    }

    let fresh = tempfile::tempdir().unwrap();
    let new_data = fresh.path().join("data");
    let target = target_file(fresh.path(), backups.path());
    let mut args = vec!["--data-dir".to_owned(), new_data.display().to_string()];
    let new_url = pg::test_database_url().await;
    if let Some(url) = &new_url {
        args.extend(["--database-url".to_owned(), url.clone()]);
    }
    let mut list = args.clone();
    list.extend(["backup", "list", "--target"].map(str::to_owned));
    list.push(target.display().to_string());
    let (ok, out) = run_cli(&list);
    assert!(ok, "{out}");
    assert!(out.contains("instance"), "{out}");
    args.extend(["restore", "--target"].map(str::to_owned));
    args.push(target.display().to_string());
    let (ok, out) = run_cli(&args);
    let mut files = files;
    if also == Also::BlobCorrupt {
        // The damaged file is named; every other file was restored.
        assert!(!ok, "{out}");
        assert!(out.contains("boss@example.com:/local.bin"), "{out}");
        assert!(out.contains("SHA-256"), "{out}");
        files.retain(|(_, uri, _)| !uri.ends_with("local.bin"));
    } else {
        assert!(ok, "{out}");
        // Run again: nothing left to do, nothing done twice.
        let (ok, again) = run_cli(&args);
        assert!(ok, "{again}");
        assert!(again.contains("0 blobs written"), "{again}");
    }

    let server = TestServer::start_with(|c| {
        c.data_dir = new_data.clone();
        c.database_url = Some(match &new_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                new_data.join("stratus.db").display()
            ),
        });
    })
    .await;
    check_files(&server, &files).await;
    // Ann's versions all came back.
    let ann = server.login("ann@example.com", PW).await;
    let info = server
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2Fdoc.txt&extended=true",
            &ann.access_token,
        )
        .await;
    assert_eq!(
        info["data"]["extended_info"]["entities"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{info}"
    );
    // The share opens for a visitor.
    let id = link.split("/s/").nth(1).unwrap().split('/').next().unwrap();
    let shared = envelope(
        server
            .client
            .get(server.api(&format!("/share/info/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(shared["code"], 0, "{shared}");
    // New rows do not collide with restored ones.
    server.create_user("new@example.com", PW).await;
    let new = server.login("new@example.com", PW).await;
    upload(&server, &new, "cloudreve://my/n.txt", b"new", 1).await;
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn an_instance_is_rebuilt_on_a_new_machine() {
    disaster_recovery(Also::Nothing).await;
}

#[tokio::test]
async fn blobs_of_an_emptied_bucket_are_written_back() {
    disaster_recovery(Also::BucketEmptied).await;
}

#[tokio::test]
async fn a_corrupt_blob_on_the_target_names_its_file() {
    disaster_recovery(Also::BlobCorrupt).await;
}
