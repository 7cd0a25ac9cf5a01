//! Torrents and magnets through aria2 that name internal addresses (trackers, web seeds) are
//! refused before aria2 sees them, unless the administrator allows those ranges.

use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::task::status;

use super::{
    aria2::{Aria2, FILES, SECRET, configure, make_torrent, submit_torrent},
    origin::Origin,
    remote_download::{blob_of, ended, same_as_generated, setup, submit, task_id},
};
use crate::archive::upload;

/// Every download aria2 knows of (active, waiting and stopped).
async fn aria2_downloads(aria2: &Aria2) -> Vec<Value> {
    let client = reqwest::Client::new();
    let mut all = Vec::new();
    for (method, params) in [
        ("aria2.tellActive", json!([format!("token:{SECRET}")])),
        (
            "aria2.tellWaiting",
            json!([format!("token:{SECRET}"), 0, 100]),
        ),
        (
            "aria2.tellStopped",
            json!([format!("token:{SECRET}"), 0, 100]),
        ),
    ] {
        let answer: Value = client
            .post(&aria2.rpc)
            .json(&json!({"jsonrpc": "2.0", "id": "1", "method": method, "params": params}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.extend(answer["result"].as_array().cloned().unwrap_or_default());
    }
    all
}

/// Trackers and web seeds of a torrent, and a magnet's trackers, on loopback are refused
/// before aria2 sees them (nothing queued, no request reaches the listener there); once the
/// administrator allows loopback, the same torrent downloads.
#[tokio::test]
async fn torrents_and_magnets_naming_internal_addresses_are_refused() {
    let (server, a) = setup().await;
    let work = tempfile::tempdir().unwrap();
    let aria2 = Aria2::start(work.path()).await;
    configure(&server, &aria2.rpc, SECRET).await;
    server
        .state
        .settings
        .set(&[("remote_download_allowed_cidrs", "")])
        .await
        .unwrap();
    let listener = Origin::start("127.0.0.1").await;
    let seed = listener.url("/");
    let announce = listener.url("/announce");
    // Public addresses (never contacted: every download here is refused or uses the listener).
    let (public_seed, public_tracker) = ("http://93.184.215.14/", "udp://93.184.215.14:6969");

    let cases = [
        (
            "tracker.torrent",
            Some(public_seed),
            Some(announce.as_str()),
            "tracker",
        ),
        (
            "seed.torrent",
            Some(seed.as_str()),
            Some(public_tracker),
            "web seed",
        ),
        (
            "both.torrent",
            Some(seed.as_str()),
            Some(announce.as_str()),
            "refused",
        ),
    ];
    for (name, web_seed, tracker, what) in cases {
        let dir = work.path().join(name);
        let bytes = make_torrent(&dir, web_seed, tracker);
        upload(&server, &a, &format!("cloudreve://my/{name}"), &bytes).await;
        let refused = submit_torrent(&server, &a, name).await;
        assert_eq!(refused["code"], 40001, "{name}: {refused}");
        let msg = refused["msg"].as_str().unwrap();
        assert!(
            msg.contains(what) && msg.contains("internal address"),
            "{name}: {msg}"
        );
    }
    let magnet = format!(
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x&tr={}",
        announce.replace(':', "%3A").replace('/', "%2F")
    );
    let refused = submit(
        &server,
        &a,
        json!({"src": [magnet], "dst": "cloudreve://my/m"}),
    )
    .await;
    assert_eq!(refused["code"], 40001, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("tracker"),
        "{refused}"
    );
    let tasks = stratus_entity::task::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(tasks.is_empty(), "nothing queued: {tasks:?}");
    assert!(aria2_downloads(&aria2).await.is_empty(), "aria2 saw none");
    assert!(listener.seen().is_empty(), "the listener was never reached");

    // Allowed by the administrator: the same torrent goes to aria2 and downloads.
    server
        .state
        .settings
        .set(&[("remote_download_allowed_cidrs", "127.0.0.1/32")])
        .await
        .unwrap();
    let created = submit_torrent(&server, &a, "both.torrent").await;
    assert_eq!(created["code"], 0, "{created}");
    let done = ended(&server, task_id(&server, &created["data"][0])).await;
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
    assert!(
        listener.seen().iter().any(|s| s.path.starts_with("/gen/")),
        "{:?}",
        listener.seen()
    );
}
