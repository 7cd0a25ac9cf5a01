//! Ending sessions: sign-out and password changes refuse the session's access tokens at once
//! (on every instance within the revocation cache's window), and a refresh token works once:
//! used again, it ends its whole chain.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use crate::session::{refresh, sign_out};

const PW: &str = "correct-horse";

/// The code of `GET /user/me` as `token`, with the HTTP status.
async fn me(server: &TestServer, token: &str) -> (u16, i64) {
    let resp = server
        .request_as(Method::GET, "/user/me", token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body = stratus_tests::envelope(resp).await;
    (status, body["code"].as_i64().unwrap())
}

/// Asks `GET /user/me` as `token` until it is refused with code 401, for at most 30 seconds
/// (the revocation cache keeps a few seconds); returns the last answer.
async fn refused_within_deadline(server: &TestServer, token: &str) -> (u16, i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let answer = me(server, token).await;
        if answer.1 == 401 || tokio::time::Instant::now() >= deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn token_pair(body: &Value) -> Session {
    assert_eq!(body["code"], 0, "{body}");
    Session {
        access_token: body["data"]["access_token"].as_str().unwrap().to_owned(),
        refresh_token: body["data"]["refresh_token"].as_str().unwrap().to_owned(),
        user: Value::Null,
    }
}

#[tokio::test]
async fn sign_out_refuses_the_access_token_on_every_instance() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let other = server.login("ann@example.com", PW).await;
    assert_eq!(me(&sibling, &session.access_token).await, (200, 0));

    assert_eq!(sign_out(&server, &session.refresh_token).await["code"], 0);
    // On the instance that signed out: at once.
    assert_eq!(me(&server, &session.access_token).await.1, 401);
    // On the other instance: once its short cache of the chain's state has lapsed.
    assert_eq!(
        refused_within_deadline(&sibling, &session.access_token).await,
        (200, 401)
    );
    assert_eq!(
        refresh(&sibling, &session.refresh_token).await["code"],
        40020
    );
    // Another sign-in of the same account goes on.
    assert_eq!(me(&sibling, &other.access_token).await, (200, 0));
    assert_eq!(me(&server, &other.access_token).await, (200, 0));
}

#[tokio::test]
async fn a_reused_refresh_token_ends_its_chain() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let first = server.login("ann@example.com", PW).await;
    let other = server.login("ann@example.com", PW).await;

    let second = token_pair(&refresh(&server, &first.refresh_token).await);
    let third = token_pair(&refresh(&server, &second.refresh_token).await);
    assert_eq!(me(&server, &third.access_token).await, (200, 0));

    // The first refresh token again: refused, and so is every token of its chain.
    let replay = refresh(&server, &first.refresh_token).await;
    assert_eq!(replay["code"], 40020, "{replay}");
    assert_eq!(refresh(&server, &third.refresh_token).await["code"], 40020);
    for token in [
        &first.access_token,
        &second.access_token,
        &third.access_token,
    ] {
        assert_eq!(me(&server, token).await.1, 401);
    }
    // Other chains of the account are untouched.
    assert_eq!(me(&server, &other.access_token).await, (200, 0));
    assert_eq!(refresh(&server, &other.refresh_token).await["code"], 0);
}

#[tokio::test]
async fn concurrent_uses_of_one_refresh_token_give_one_pair() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let (a, b) = tokio::join!(
        refresh(&server, &session.refresh_token),
        refresh(&server, &session.refresh_token)
    );
    let codes = [a["code"].as_i64().unwrap(), b["code"].as_i64().unwrap()];
    assert!(codes.contains(&40020), "{a} {b}");
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_at_once() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let current = server.login("ann@example.com", PW).await;
    let other_device = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;

    let changed = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            &current.access_token,
            &json!({"current_password": PW, "new_password": "new secret 1"}),
        )
        .await;
    assert_eq!(changed["code"], 0, "{changed}");
    assert_eq!(me(&server, &other_device.access_token).await.1, 401);
    assert_eq!(
        refused_within_deadline(&sibling, &other_device.access_token).await,
        (200, 401)
    );
    // The session that made the change goes on; other accounts are untouched.
    assert_eq!(me(&server, &current.access_token).await, (200, 0));
    assert_eq!(me(&server, &bob.access_token).await, (200, 0));

    // A reset from the command line ends every session of the account, the current one too.
    let fresh = server.login("ann@example.com", "new secret 1").await;
    stratus_server::users::reset(&server.state.db, "ann@example.com", "new secret 2", None)
        .await
        .unwrap();
    assert_eq!(
        refused_within_deadline(&server, &fresh.access_token)
            .await
            .1,
        401
    );
    assert_eq!(
        refused_within_deadline(&server, &current.access_token)
            .await
            .1,
        401
    );
    assert_eq!(me(&server, &bob.access_token).await, (200, 0));
}
