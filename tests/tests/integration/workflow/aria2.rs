//! Torrent downloads through aria2, which the test starts on loopback with an RPC secret.
//! The torrent is made with `mktorrent` with a web seed on the test's origin, so aria2 needs
//! no peer: its files are the origin's generated files `gen/<size>/<name>`.

use std::{path::Path, process::Stdio, time::Duration};

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{node, task::status};
use stratus_tests::{Session, TestServer, smtp::unused_port};
use tokio::process::{Child, Command};

use super::{
    origin::Origin,
    remote_download::{blob_of, ended, same_as_generated, setup, submit, task_id},
    wait_task,
};
use crate::archive::upload;

pub(super) const SECRET: &str = "s3cret-for-tests";

/// aria2c with JSON-RPC on a free loopback port; killed when dropped.
pub(super) struct Aria2 {
    pub(super) rpc: String,
    _child: Child,
}

impl Aria2 {
    pub(super) async fn start(dir: &Path) -> Self {
        let port = unused_port().await;
        let bt_port = unused_port().await;
        let child = Command::new("aria2c")
            .args([
                "--enable-rpc",
                &format!("--rpc-listen-port={port}"),
                &format!("--rpc-secret={SECRET}"),
                "--rpc-listen-all=false",
                "--no-conf=true",
                &format!("--dir={}", dir.display()),
                &format!("--listen-port={bt_port}"),
                "--enable-dht=false",
                "--enable-dht6=false",
                "--bt-enable-lpd=false",
                "--enable-peer-exchange=false",
                "--quiet=true",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("aria2c (package aria2) is installed");
        let rpc = format!("http://127.0.0.1:{port}/jsonrpc");
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let body = json!({"jsonrpc": "2.0", "id": "1", "method": "aria2.getVersion",
                "params": [format!("token:{SECRET}")]});
            if let Ok(r) = client.post(&rpc).json(&body).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "aria2 did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { rpc, _child: child }
    }
}

/// Points the master node's aria2 settings at `server` with `token`, and lets the downloads
/// reach the test's origin on loopback (its web seed and tracker).
pub(super) async fn configure(server: &TestServer, rpc: &str, token: &str) {
    let master = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = master.into_active_model();
    active.settings = Set(json!({"provider": "aria2", "aria2": {"server": rpc, "token": token}}));
    active.update(&server.state.db).await.unwrap();
    server
        .state
        .settings
        .set(&[
            ("queue_remote_download_max_retry", "0"),
            ("queue_remote_download_retry_delay", "0"),
            ("remote_download_allowed_cidrs", "127.0.0.0/8"),
        ])
        .await
        .unwrap();
}

/// Files of the torrent: (size, name) below `gen/<size>/`.
pub(super) const FILES: [(u64, &str); 2] = [(300_000, "a.bin"), (200_000, "b.bin")];

/// A torrent of `gen/` with a web seed on `origin`, uploaded to `cloudreve://my/<name>`.
async fn torrent(server: &TestServer, s: &Session, origin: &Origin, work: &Path, name: &str) {
    let seed = origin.url("/");
    let made = make_torrent(work, Some(&seed), Some("http://127.0.0.1:9/announce"));
    upload(server, s, &format!("cloudreve://my/{name}"), &made).await;
}

/// The bytes of a torrent of `gen/` (made in `work`) with the web seed and tracker given.
pub(super) fn make_torrent(work: &Path, web_seed: Option<&str>, tracker: Option<&str>) -> Vec<u8> {
    for (size, name) in FILES {
        let dir = work.join(format!("gen/{size}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), super::origin::bytes(name, 0, size)).unwrap();
    }
    let out = work.join("t.torrent");
    let _ = std::fs::remove_file(&out);
    let mut args: Vec<&str> = Vec::new();
    if let Some(seed) = web_seed {
        args.extend(["-w", seed]);
    }
    if let Some(tracker) = tracker {
        args.extend(["-a", tracker]);
    }
    let made = std::process::Command::new("mktorrent")
        .args(args)
        .args(["-l", "15", "-o"])
        .arg(&out)
        .arg(work.join("gen"))
        .output()
        .expect("mktorrent (package mktorrent) is installed");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    std::fs::read(&out).unwrap()
}

pub(super) async fn submit_torrent(server: &TestServer, s: &Session, name: &str) -> Value {
    let src = format!("cloudreve://my/{name}");
    submit(
        server,
        s,
        json!({"src_file": src, "dst": "cloudreve://my/bt"}),
    )
    .await
}

fn aria2_folder(server: &TestServer, id: i64) -> std::path::PathBuf {
    server
        .data_dir
        .join(format!("temp/remote_download/aria2-{id}"))
}

#[tokio::test]
async fn a_torrent_downloads_into_the_drive_through_aria2() {
    let (server, a) = setup().await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    configure(&server, &aria2.rpc, SECRET).await;
    let origin = Origin::start("127.0.0.1").await;
    torrent(&server, &a, &origin, work.path(), "t.torrent").await;

    let created = submit_torrent(&server, &a, "t.torrent").await;
    assert_eq!(created["code"], 0, "{created}");
    let id = task_id(&server, &created["data"][0]);
    let done = ended(&server, id).await;
    assert_eq!(
        done.status,
        status::COMPLETED,
        "{:?} {}",
        done.public_state,
        done.log
    );
    for (size, name) in FILES {
        let (row, path) = blob_of(&server, name).await.expect("in the drive");
        assert_eq!(row.size as u64, size);
        assert!(same_as_generated(&path, name, size).await, "{name} differs");
    }
    let download = &done.public_state["summary"]["props"]["download"];
    assert_eq!(download["files"].as_array().unwrap().len(), 2, "{download}");
    assert!(
        !aria2_folder(&server, id).exists(),
        "aria2's files are removed"
    );
}

#[tokio::test]
async fn a_torrent_download_can_skip_files_and_be_canceled() {
    let (server, a) = setup().await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    configure(&server, &aria2.rpc, SECRET).await;
    let origin = Origin::start("127.0.0.1").await;
    origin.hold();
    torrent(&server, &a, &origin, work.path(), "t.torrent").await;

    // Leave out b.bin while the web seed waits, then let it go.
    let created = submit_torrent(&server, &a, "t.torrent").await;
    let id = task_id(&server, &created["data"][0]);
    let hash = created["data"][0]["id"].as_str().unwrap().to_owned();
    let listed = wait_task(&server, id, "listed its files", |t| {
        t.public_state["summary"]["props"]["download"]["files"]
            .as_array()
            .is_some_and(|f| f.len() == 2)
    })
    .await;
    let files = &listed.public_state["summary"]["props"]["download"]["files"];
    let b_index = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"].as_str().unwrap().ends_with("b.bin"))
        .map(|f| f["index"].as_u64().unwrap())
        .unwrap();
    let path = format!("/workflow/download/{hash}");
    let picked = server
        .send_as(
            Method::PATCH,
            &path,
            &a.access_token,
            &json!({"files": [{"index": b_index, "download": false}]}),
        )
        .await;
    assert_eq!(picked["code"], 0, "{picked}");
    origin.release();
    let done = ended(&server, id).await;
    assert_eq!(
        done.status,
        status::COMPLETED,
        "{:?} {}",
        done.public_state,
        done.log
    );
    assert!(
        blob_of(&server, "a.bin").await.is_some(),
        "{:?} {}",
        done.public_state,
        done.log
    );
    assert!(
        blob_of(&server, "b.bin").await.is_none(),
        "b.bin was left out"
    );

    // A download stuck on its web seed is canceled: aria2 drops it and its files go.
    let origin2 = Origin::start("127.0.0.1").await;
    origin2.hold();
    let work2 = tempfile::tempdir().unwrap();
    torrent(&server, &a, &origin2, work2.path(), "t2.torrent").await;
    let created = submit_torrent(&server, &a, "t2.torrent").await;
    let id = task_id(&server, &created["data"][0]);
    let hash = created["data"][0]["id"].as_str().unwrap().to_owned();
    wait_task(&server, id, "started", |t| {
        t.private_state.contains("\"gid\":\"")
    })
    .await;
    let path = format!("/workflow/download/{hash}");
    let canceled = server
        .send_as(Method::DELETE, &path, &a.access_token, &json!({}))
        .await;
    assert_eq!(canceled["code"], 0, "{canceled}");
    let done = ended(&server, id).await;
    assert_eq!(done.status, status::CANCELED);
    assert!(!aria2_folder(&server, id).exists(), "partial files removed");
    let state: Value = serde_json::from_str(&done.private_state).unwrap();
    let gid = state["gid"].as_str().unwrap();
    let asked = reqwest::Client::new()
        .post(&aria2.rpc)
        .json(
            &json!({"jsonrpc": "2.0", "id": "1", "method": "aria2.tellStatus",
            "params": [format!("token:{SECRET}"), gid]}),
        )
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        asked.get("error").is_some() || asked["result"]["status"] == "removed",
        "aria2 still has it: {asked}"
    );
    origin2.release();
}

#[tokio::test]
async fn a_wrong_secret_or_a_missing_aria2_is_a_clear_task_error() {
    let (server, a) = setup().await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    let origin = Origin::start("127.0.0.1").await;
    torrent(&server, &a, &origin, work.path(), "t.torrent").await;

    configure(&server, &aria2.rpc, "not-the-secret").await;
    let created = submit_torrent(&server, &a, "t.torrent").await;
    let done = ended(&server, task_id(&server, &created["data"][0])).await;
    assert_eq!(done.status, status::ERROR);
    let error = done.public_state["error"].as_str().unwrap();
    assert!(error.contains("secret"), "{error}");

    let nobody = format!("http://127.0.0.1:{}/jsonrpc", unused_port().await);
    configure(&server, &nobody, SECRET).await;
    let created = submit_torrent(&server, &a, "t.torrent").await;
    let done = ended(&server, task_id(&server, &created["data"][0])).await;
    assert_eq!(done.status, status::ERROR);
    let error = done.public_state["error"].as_str().unwrap();
    assert!(error.contains("cannot be reached"), "{error}");
}

/// `POST /admin/node/test/downloader`: aria2's version with the settings in the body (not
/// saved), clear errors for a wrong secret or no aria2, and no downloader on a slave.
#[tokio::test]
async fn the_admin_tests_the_downloader_before_saving_it() {
    let (server, member) = setup().await;
    let root = crate::admin::admin(&server, "root@example.com").await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    let master = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let test = |id: i64, rpc: &str, token: &str| {
        let body = json!({"node": {"id": id, "name": "Master", "type": "master",
            "settings": {"provider": "aria2", "aria2": {"server": rpc, "token": token}}}});
        let (server, root) = (&server, &root);
        async move {
            server
                .send_as(
                    Method::POST,
                    "/admin/node/test/downloader",
                    &root.access_token,
                    &body,
                )
                .await
        }
    };

    let ok = test(master.id, &aria2.rpc, SECRET).await;
    assert_eq!(ok["code"], 0, "{ok}");
    let version = ok["data"].as_str().unwrap();
    assert!(
        version.starts_with(|c: char| c.is_ascii_digit()) && version.contains('.'),
        "{version}"
    );
    // Tested, not saved.
    let after = node::Entity::find_by_id(master.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.settings, master.settings);

    let wrong = test(master.id, &aria2.rpc, "not-the-secret").await;
    assert_eq!(wrong["code"], 40001, "{wrong}");
    assert!(wrong["msg"].as_str().unwrap().contains("secret"), "{wrong}");
    let nobody = format!("http://127.0.0.1:{}/jsonrpc", unused_port().await);
    let gone = test(master.id, &nobody, SECRET).await;
    assert_eq!(gone["code"], 40001, "{gone}");
    assert!(
        gone["msg"].as_str().unwrap().contains("cannot be reached"),
        "{gone}"
    );
    let slave = test(0, &aria2.rpc, SECRET).await;
    assert_ne!(slave["code"], 0, "{slave}");
    assert!(slave["msg"].as_str().unwrap().contains("master"), "{slave}");

    let refused = server
        .send_as(
            Method::POST,
            "/admin/node/test/downloader",
            &member.access_token,
            &json!({"node": {"id": master.id, "name": "Master"}}),
        )
        .await;
    assert_eq!(refused["code"], 403, "{refused}");
}

#[tokio::test]
async fn a_magnet_link_goes_to_aria2_and_can_be_canceled() {
    let (server, a) = setup().await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    configure(&server, &aria2.rpc, SECRET).await;
    // No peer can be found offline: the download stays in aria2 until it is canceled.
    let magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x";
    let created = submit(
        &server,
        &a,
        json!({"src": [magnet], "dst": "cloudreve://my/m"}),
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    let id = task_id(&server, &created["data"][0]);
    let hash = created["data"][0]["id"].as_str().unwrap().to_owned();
    let running = wait_task(&server, id, "watched", |t| {
        t.public_state["summary"]["phase"] == "monitor"
    })
    .await;
    assert_eq!(
        running.public_state["summary"]["props"]["src_str"], magnet,
        "{:?}",
        running.public_state
    );
    let path = format!("/workflow/download/{hash}");
    let canceled = server
        .send_as(Method::DELETE, &path, &a.access_token, &json!({}))
        .await;
    assert_eq!(canceled["code"], 0, "{canceled}");
    assert_eq!(ended(&server, id).await.status, status::CANCELED);
    assert!(!aria2_folder(&server, id).exists());
}

/// The master's aria2 secret is write-only: never shown by the node routes, kept by an edit
/// that sends it empty or leaves it out, replaced by a new one; a server without any secret
/// is refused, on saving and in the downloader test.
#[tokio::test]
async fn the_aria2_secret_is_required_and_never_shown() {
    let (server, _member) = setup().await;
    let root = crate::admin::admin(&server, "root@example.com").await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    let master = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/admin/node/{}", master.id);
    let put = |aria2: Value| {
        let body = json!({"node": {"id": master.id, "name": "Master", "status": "active",
            "settings": {"provider": "aria2", "kept": "yes", "aria2": aria2}}});
        let (server, root, path) = (&server, &root, &path);
        async move {
            server
                .send_as(Method::PUT, path, &root.access_token, &body)
                .await
        }
    };
    let stored = || async {
        node::Entity::find_by_id(master.id)
            .one(&server.state.db)
            .await
            .unwrap()
            .unwrap()
            .settings
    };

    // No secret: refused, nothing saved, and the downloader test refuses it too.
    let refused = put(json!({"server": aria2.rpc, "token": ""})).await;
    assert_eq!(refused["code"], 40001, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("secret"),
        "{refused}"
    );
    assert_eq!(stored().await, master.settings);
    let tested = server
        .send_as(
            Method::POST,
            "/admin/node/test/downloader",
            &root.access_token,
            &json!({"node": {"id": master.id, "name": "Master",
                "settings": {"aria2": {"server": aria2.rpc}}}}),
        )
        .await;
    assert_eq!(tested["code"], 40001, "{tested}");
    assert!(
        tested["msg"].as_str().unwrap().contains("secret"),
        "{tested}"
    );

    let saved = put(json!({"server": aria2.rpc, "token": SECRET})).await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(stored().await["aria2"]["token"], SECRET);
    let got = server.get_as(&path, &root.access_token).await;
    let listed = server
        .send_as(
            Method::POST,
            "/admin/node",
            &root.access_token,
            &json!({"page": 1, "page_size": 50}),
        )
        .await;
    for answer in [&saved, &got, &listed] {
        assert_eq!(answer["code"], 0, "{answer}");
        assert!(!answer.to_string().contains(SECRET), "{answer}");
    }
    assert_eq!(
        got["data"]["settings"]["aria2"]["server"],
        aria2.rpc.as_str()
    );

    // Sent back empty or left out: kept, and the downloader test uses it.
    for aria2_settings in [
        json!({"server": aria2.rpc, "token": ""}),
        json!({"server": aria2.rpc}),
    ] {
        let again = put(aria2_settings).await;
        assert_eq!(again["code"], 0, "{again}");
        assert_eq!(stored().await["aria2"]["token"], SECRET);
        assert_eq!(stored().await["kept"], "yes");
    }
    let tested = server
        .send_as(
            Method::POST,
            "/admin/node/test/downloader",
            &root.access_token,
            &json!({"node": {"id": master.id, "name": "Master",
                "settings": {"aria2": {"server": aria2.rpc, "token": ""}}}}),
        )
        .await;
    assert_eq!(tested["code"], 0, "{tested}");

    // A new one replaces it.
    let replaced = put(json!({"server": aria2.rpc, "token": "another-secret"})).await;
    assert_eq!(replaced["code"], 0, "{replaced}");
    assert_eq!(stored().await["aria2"]["token"], "another-secret");
}
