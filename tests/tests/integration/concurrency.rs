//! Many writers at once: SQLite (WAL, busy timeout, `BEGIN IMMEDIATE`) and PostgreSQL must
//! both accept them without "database is locked".

use std::sync::Arc;

use stratus_server::{kv, users};
use stratus_tests::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_all_succeed() {
    let server = Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let db = &server.state.db;
            // A read-then-write transaction (the pattern that deadlocks deferred SQLite
            // transactions) plus plain writes.
            users::create(db, &format!("user{i}@example.com"), "password123", 2).await?;
            kv::put(db, "test", &format!("k{i}"), "v", None).await?;
            kv::put(db, "test", "shared", &i.to_string(), None).await?;
            server
                .state
                .settings
                .set(&[("siteDes", &format!("writer {i}"))])
                .await?;
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let db = &server.state.db;
    assert_eq!(users::count(db).await.unwrap(), 50);
    for i in 0..50 {
        assert_eq!(
            kv::get(db, &format!("k{i}")).await.unwrap().as_deref(),
            Some("v")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kv_value_is_taken_exactly_once() {
    let server = Arc::new(TestServer::start().await);
    for round in 0..5 {
        let key = format!("ticket{round}");
        kv::put(&server.state.db, "test", &key, "secret", None)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let server = server.clone();
            let key = key.clone();
            tasks.push(tokio::spawn(async move {
                kv::take(&server.state.db, &key).await.unwrap()
            }));
        }
        let mut winners = 0;
        for task in tasks {
            if task.await.unwrap().is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn duplicate_email_is_refused() {
    let server = TestServer::start().await;
    let db = &server.state.db;
    users::create(db, "Ann@Example.com", "password123", 2)
        .await
        .unwrap();
    let err = users::create(db, "ann@example.com", "password456", 2)
        .await
        .unwrap_err();
    assert!(matches!(err, users::UsersError::EmailTaken));
    let err = users::create(db, "bob@example.com", "short", 2)
        .await
        .unwrap_err();
    assert!(matches!(err, users::UsersError::InvalidPassword));
    let err = users::create(db, "bob@example.com", "password123", 99)
        .await
        .unwrap_err();
    assert!(matches!(err, users::UsersError::GroupNotFound(99)));
}

/// Each rename reads the site's depth bound, and the settings cache refills itself from the
/// database when it expires. Read inside the rename's write transaction, that refill waited for
/// a second pooled connection while every other one was held by a rename waiting for the write
/// lock: all of them stalled until the pool's 30 s time-out and answered 50001.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn renames_right_after_a_settings_change_all_succeed() {
    let server = Arc::new(TestServer::start().await);
    server.create_user("ren@example.com", "password123").await;
    let s = server.login("ren@example.com", "password123").await;
    const N: usize = 40;
    for i in 0..N {
        let body = serde_json::json!({"uri": format!("cloudreve://my/f{i}.txt"), "type": "file"});
        let created = server
            .send_as(
                reqwest::Method::POST,
                "/file/create",
                &s.access_token,
                &body,
            )
            .await;
        assert_eq!(created["code"], 0, "{created}");
    }
    // Settings written over and over meanwhile: each write drops the cache, so renames
    // refill it while they hold the write lock.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (server, stop) = (server.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let value = format!("write {n}");
                server.state.settings.set(&[("siteDes", &value)]).await?;
            }
            anyhow::Ok(n)
        })
    };
    for round in 0..3 {
        let mut tasks = Vec::new();
        for i in 0..N {
            let (server, token) = (server.clone(), s.access_token.clone());
            tasks.push(tokio::spawn(async move {
                let body = serde_json::json!({
                    "uri": format!("cloudreve://my/{}", name(round, i)),
                    "new_name": name(round + 1, i),
                });
                server
                    .send_as(reqwest::Method::POST, "/file/rename", &token, &body)
                    .await
            }));
        }
        for task in tasks {
            let answer = task.await.unwrap();
            assert_eq!(answer["code"], 0, "round {round}: {answer}");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.await.unwrap().unwrap() > 0);
    let names = server.names_in(&s, "cloudreve://my").await;
    assert_eq!(names.len(), N);
    assert!(names.iter().all(|n| n.starts_with("r3-")), "{names:?}");
}

fn name(round: usize, i: usize) -> String {
    if round == 0 {
        format!("f{i}.txt")
    } else {
        format!("r{round}-{i}.txt")
    }
}
