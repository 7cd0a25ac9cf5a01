//! A server process killed (SIGKILL) while a hundred clients send the chunks of their uploads
//! at once: started again on the same database and data folder, every client resumes as
//! Cloudreve's does (the chunk whose request failed is sent again, then the rest) and every
//! upload completes with its exact bytes, charged once; once the sentinel and the recycler
//! ran, no upload session and no partial file is left.
//!
//! The server runs in a child process (the one `dav::crash` starts), so that the kill is real.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use reqwest::Client;
use tokio::sync::watch;

use super::*;
use crate::dav::crash::start_child;

const CLIENTS: usize = 100;
const PART: usize = 256 * 1024;
/// Two whole chunks and a short last one.
const SIZE: usize = 2 * PART + 100_000;
/// Acknowledged chunks (of 300) before the kill: mid-way, with requests in flight.
const ACKED_BEFORE_KILL: usize = 120;
const EMAIL: &str = "kill@example.com";

/// The bytes of client `n`'s upload: each upload differs from the others.
fn body(n: usize) -> Vec<u8> {
    (0..SIZE).map(|i| ((i * 7 + n * 13) % 251) as u8).collect()
}

/// The API answer of one request, or why there is none: the server died under it, or turned
/// the connection away (more than `http_max_connections_per_address` from one address: a
/// hundred clients on loopback are past it), both worth sending again.
async fn call(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let resp = request.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(status.to_string());
    }
    let text = resp.text().await.map_err(|e| e.to_string())?;
    Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}, not JSON ({e}): {text}")))
}

/// Sends the chunks of `sid` in order; a chunk whose request failed is sent again, to the
/// server at its next address once there is one. Returns once the last chunk is acknowledged.
async fn resume(
    client: Client,
    token: String,
    mut base: watch::Receiver<String>,
    sid: String,
    bytes: Vec<u8>,
    acked: Arc<AtomicUsize>,
) {
    let chunks: Vec<&[u8]> = bytes.chunks(PART).collect();
    for (index, chunk) in chunks.iter().enumerate() {
        let mut retried = false;
        for attempt in 0.. {
            let used = base.borrow_and_update().clone();
            let sent = client
                .post(format!("{used}/api/v4/file/upload/{sid}/{index}"))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(chunk.to_vec());
            match call(sent).await {
                Ok(r) if r["code"] == 0 => break,
                // The completion was committed by the killed process, whose answer never
                // came: the session is gone, and the file is checked below.
                Ok(r) if r["code"] == 40011 && retried && index == chunks.len() - 1 => break,
                Ok(r) => panic!("{sid}: chunk {index}: {r}"),
                Err(e) => {
                    assert!(attempt < 40, "{sid}: chunk {index} never went through: {e}");
                    retried = true;
                    // The server at its next address, or the same one again a little later.
                    let next = base.wait_for(|b| *b != used);
                    let _ = tokio::time::timeout(Duration::from_secs(5), next).await;
                }
            }
        }
        acked.fetch_add(1, Ordering::AcqRel);
    }
}

/// Files whose name starts with `prefix` in `dir` and below.
fn files_named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            found.extend(files_named(&path, prefix));
        } else if name.starts_with(prefix) {
            found.push(name);
        }
    }
    found
}

#[tokio::test]
async fn a_hundred_uploads_resume_after_a_kill_and_complete_exactly() {
    let mut server = TestServer::start().await;
    set_chunk_size(&server, PART as i64).await;
    server.create_user(EMAIL, PW).await;
    // Only the child serves until the end.
    server.pause().await;
    let dir = server.data_dir.parent().unwrap().to_owned();
    let db = server.database_url.clone();
    let client = Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let (mut child, first) = start_child(&dir, &db, &client).await;
    let signed = call(
        client
            .post(format!("{first}/api/v4/session/token"))
            .json(&json!({"email": EMAIL, "password": PW})),
    )
    .await
    .unwrap();
    assert_eq!(signed["code"], 0, "{signed}");
    let token = signed["data"]["token"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut sessions = Vec::new();
    for n in 0..CLIENTS {
        let created = call(
            client
                .put(format!("{first}/api/v4/file/upload"))
                .bearer_auth(&token)
                .json(&json!({"uri": format!("cloudreve://my/up/f{n:03}.bin"), "size": SIZE})),
        )
        .await
        .unwrap();
        assert_eq!(created["code"], 0, "{created}");
        assert_eq!(created["data"]["chunk_size"], PART);
        sessions.push(created["data"]["session_id"].as_str().unwrap().to_owned());
    }

    let (tell, base) = watch::channel(first);
    let acked = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = sessions
        .iter()
        .enumerate()
        .map(|(n, sid)| {
            tokio::spawn(resume(
                client.clone(),
                token.clone(),
                base.clone(),
                sid.clone(),
                body(n),
                acked.clone(),
            ))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acked.load(Ordering::Acquire) < ACKED_BEFORE_KILL {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the clients stalled"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().await.unwrap();
    let at_kill = acked.load(Ordering::Acquire);
    assert!(at_kill < 3 * CLIENTS, "the kill came after every chunk");
    let (mut child, next) = start_child(&dir, &db, &client).await;
    tell.send(next).unwrap();
    for c in clients {
        tokio::time::timeout(Duration::from_secs(300), c)
            .await
            .expect("a client finished")
            .unwrap();
    }
    child.kill().await.unwrap();

    // The in-process server takes over the same database and files, and runs the jobs.
    server.restart().await;
    let ann = server.login(EMAIL, PW).await;
    for n in 0..CLIENTS {
        let uri = format!("cloudreve://my/up/f{n:03}.bin");
        assert_eq!(
            sha(&server.download(&ann, &uri).await),
            sha(&body(n)),
            "{uri}"
        );
    }
    assert_eq!(
        user_row(&server, &ann).await.storage,
        (CLIENTS * SIZE) as i64
    );
    stratus_server::upload::collect_expired_sessions(&server.state)
        .await
        .unwrap();
    stratus_server::fs::recycle::collect(&server.state)
        .await
        .unwrap();
    let left = upload_session::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let uploads = server.data_dir.join("uploads");
    assert_eq!(files_named(&uploads, ".stratus-"), Vec::<String>::new());
    let blobs = files_named(&uploads, "");
    assert_eq!(blobs.len(), CLIENTS, "{blobs:?}");
}
