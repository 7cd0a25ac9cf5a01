//! A server process killed (SIGKILL) while WebDAV clients write into it: after a restart on
//! the same database and data folder, every PUT that was answered is there with its bytes,
//! whatever else is listed is complete (a PUT that was cut off is either all there or not
//! there at all), and no blob is left that no file names.
//!
//! The server runs in a child process: this test binary again, running only
//! [`crash_child_server`] with the data folder and database named in the environment.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use stratus_server::{cli, config::Config, storage::registry::UPLOADS_DIR};
use stratus_tests::pg;
use tokio::process::{Child, Command};

use super::method;

/// Set for the child process: the folder holding its data folder and port file.
const CHILD_DIR: &str = "STRATUS_CRASH_CHILD_DIR";
/// Set for the child process: its database URL, the same across restarts.
const CHILD_DB: &str = "STRATUS_CRASH_CHILD_DB";
const EMAIL: &str = "crash@example.com";
const PASSWORD: &str = "crash-password-1";
/// Writers at once, and answered PUTs before the kill.
const WRITERS: usize = 8;
const ANSWERED_BEFORE_KILL: usize = 120;

/// The body of `name`: its size and bytes follow from the name, so any listed file can be
/// checked. Most are small (the batched path); every seventh is 1 MiB (several body frames).
fn body_of(name: &str) -> Vec<u8> {
    let n: usize = name
        .trim_end_matches(".bin")
        .rsplit('-')
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    let len = if n % 7 == 6 {
        1 << 20
    } else {
        1_000 + n * 37 % 8_000
    };
    let seed = name
        .bytes()
        .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    (0..len)
        .map(|i| seed.wrapping_add((i % 251) as u8))
        .collect()
}

/// Not a test of its own: the server the crash test starts, kills and starts again. Without
/// the environment the crash test sets, it returns at once.
#[tokio::test]
#[ignore = "the child process of a_killed_server_keeps_every_answered_put"]
async fn crash_child_server() {
    let (Ok(dir), Ok(db)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_DB)) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let config = Config {
        data_dir: dir.join("data"),
        database_url: Some(db),
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    };
    let (state, _) = stratus_server::init(config.clone(), false).await.unwrap();
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Written whole, then renamed: the parent never reads half a port number.
    std::fs::write(dir.join("port.tmp"), port.to_string()).unwrap();
    std::fs::rename(dir.join("port.tmp"), dir.join("port")).unwrap();
    stratus_server::serve(listener, state, std::future::pending())
        .await
        .unwrap();
}

/// Starts the child server on `dir` and `db`; returns it and its base URL once it answers.
pub(crate) async fn start_child(dir: &Path, db: &str, client: &Client) -> (Child, String) {
    let _ = std::fs::remove_file(dir.join("port"));
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "dav::crash::crash_child_server",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_DB, db)
        .kill_on_drop(true)
        .spawn()
        .expect("the test binary starts again as the server");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(port) = std::fs::read_to_string(dir.join("port")) {
            let base = format!("http://127.0.0.1:{}", port.trim());
            if client
                .get(format!("{base}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return (child, base);
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs in and creates a DAV account on the caller's files; returns its password.
async fn dav_password(client: &Client, base: &str) -> String {
    let signed = data_of(
        client
            .post(format!("{base}/api/v4/session/token"))
            .json(&json!({"email": EMAIL, "password": PASSWORD})),
    )
    .await;
    let token = signed["token"]["access_token"].as_str().unwrap();
    let account = data_of(
        client
            .put(format!("{base}/api/v4/devices/dav"))
            .bearer_auth(token)
            .json(&json!({"uri": "cloudreve://my", "name": "crash"})),
    )
    .await;
    account["password"].as_str().unwrap().to_owned()
}

/// The `data` of an API answer.
async fn data_of(request: RequestBuilder) -> Value {
    let answer: Value = request.send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"].clone()
}

/// The names PROPFIND lists in `/dav/crash/`.
async fn listed(client: &Client, base: &str, pw: &str) -> BTreeSet<String> {
    let resp = client
        .request(method("PROPFIND"), format!("{base}/dav/crash/"))
        .basic_auth(EMAIL, Some(pw))
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 207);
    let text = resp.text().await.unwrap();
    text.split("<D:href>")
        .skip(1)
        .filter_map(|s| s.split("</D:href>").next())
        .filter_map(|href| href.strip_prefix("/dav/crash/"))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many files there are in `dir` and below.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}

#[tokio::test]
async fn a_killed_server_keeps_every_answered_put() {
    let dir = tempfile::tempdir().unwrap();
    let db = match pg::test_database_url().await {
        Some(url) => url,
        None => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("stratus.db").display()
        ),
    };
    let data_dir = dir.path().join("data").display().to_string();
    let argv = [
        "stratus",
        "--data-dir",
        &data_dir,
        "--database-url",
        &db,
        "create-admin",
        "--email",
        EMAIL,
        "--password",
        PASSWORD,
    ];
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    cli::run_async(argv).await.unwrap();

    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let (mut child, base) = start_child(dir.path(), &db, &client).await;
    let pw = dav_password(&client, &base).await;
    let mkcol = client
        .request(method("MKCOL"), format!("{base}/dav/crash"))
        .basic_auth(EMAIL, Some(&pw))
        .send()
        .await
        .unwrap();
    assert_eq!(mkcol.status(), StatusCode::CREATED);

    // Writers PUT new files until the server is gone; each answered name is recorded.
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let gone = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (client, base, pw) = (client.clone(), base.clone(), pw.clone());
        let (answered, count, gone) = (answered.clone(), count.clone(), gone.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                if gone.load(Ordering::Acquire) {
                    return;
                }
                let name = format!("w{w}-{i}.bin");
                let sent = client
                    .put(format!("{base}/dav/crash/{name}"))
                    .basic_auth(EMAIL, Some(&pw))
                    .body(body_of(&name))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        answered.lock().unwrap().push(name);
                        count.fetch_add(1, Ordering::AcqRel);
                    }
                    Ok(r) => panic!("PUT {name}: {}", r.status()),
                    // The server was killed under this request.
                    Err(_) => return,
                }
            }
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while count.load(Ordering::Acquire) < ANSWERED_BEFORE_KILL {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the writers stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().await.unwrap();
    gone.store(true, Ordering::Release);
    for w in writers {
        w.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();

    // Started again on the same database and files.
    let (_child, base) = start_child(dir.path(), &db, &client).await;
    let pw = dav_password(&client, &base).await;
    let names = listed(&client, &base, &pw).await;
    for name in &answered {
        assert!(names.contains(name), "answered PUT {name} is missing");
    }
    // Every listed file reads back whole, answered or cut off by the kill.
    for name in &names {
        let resp = client
            .get(format!("{base}/dav/crash/{name}"))
            .basic_auth(EMAIL, Some(&pw))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
        let bytes = resp.bytes().await.unwrap();
        assert!(bytes[..] == body_of(name)[..], "{name} reads back changed");
    }
    // No blob is left that no file names: the restart deleted those whose rows never came.
    let uploads = dir.path().join("data").join(UPLOADS_DIR);
    assert_eq!(files_under(&uploads), names.len());

    // And the server still takes writes.
    let again = client
        .put(format!("{base}/dav/crash/after.bin"))
        .basic_auth(EMAIL, Some(&pw))
        .body(vec![1u8; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
}
