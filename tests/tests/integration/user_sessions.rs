//! `/user/sessions`: each sign-in is a session, listed with its device and last use, and one
//! ended from the list stops its access and refresh tokens as signing out would; nobody sees
//! or ends another account's sessions.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use crate::session::refresh;

const PW: &str = "correct-horse";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

/// Signs in as `email` with `user_agent`.
async fn login_with_agent(server: &TestServer, email: &str, user_agent: &str) -> Session {
    let resp = reqwest::Client::new()
        .post(server.api("/session/token"))
        .header("user-agent", user_agent)
        .json(&json!({"email": email, "password": PW}))
        .send()
        .await
        .unwrap();
    let body = stratus_tests::envelope(resp).await;
    assert_eq!(body["code"], 0, "{body}");
    let token = |k: &str| body["data"]["token"][k].as_str().unwrap().to_owned();
    Session {
        access_token: token("access_token"),
        refresh_token: token("refresh_token"),
        user: body["data"]["user"].clone(),
    }
}

async fn list(server: &TestServer, token: &str) -> Vec<Value> {
    let body = server.get_as("/user/sessions", token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"].as_array().unwrap().clone()
}

async fn revoke(server: &TestServer, token: &str, id: &str) -> Value {
    let resp = server
        .request_as(Method::DELETE, &format!("/user/sessions/{id}"), token)
        .send()
        .await
        .unwrap();
    stratus_tests::envelope(resp).await
}

async fn me_code(server: &TestServer, token: &str) -> i64 {
    server.get_as("/user/me", token).await["code"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn sessions_are_listed_and_one_revoked_stops_at_once() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    server.create_user("ann@example.com", PW).await;
    let laptop = login_with_agent(&server, "ann@example.com", FIREFOX).await;
    let phone = server.login("ann@example.com", PW).await;
    let phone = {
        // A refresh keeps the session, and the list follows its chain.
        let body = refresh(&server, &phone.refresh_token).await;
        assert_eq!(body["code"], 0, "{body}");
        Session {
            access_token: body["data"]["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["data"]["refresh_token"].as_str().unwrap().to_owned(),
            user: Value::Null,
        }
    };

    let sessions = list(&server, &laptop.access_token).await;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let mine: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(mine.len(), 1, "{sessions:?}");
    assert_eq!(mine[0]["device"], "Firefox on Linux");
    assert_eq!(mine[0]["user_agent"], FIREFOX);
    assert_eq!(mine[0]["ip"], "127.0.0.1");
    assert!(mine[0]["created_at"].is_string() && mine[0]["last_used_at"].is_string());
    let other = sessions.iter().find(|s| s["current"] == false).unwrap();
    // Last used first: the refreshed one.
    assert_eq!(sessions[0]["id"], other["id"]);
    let other_id = other["id"].as_str().unwrap().to_owned();

    assert_eq!(me_code(&sibling, &phone.access_token).await, 0);
    let body = revoke(&server, &laptop.access_token, &other_id).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(me_code(&server, &phone.access_token).await, 401);
    assert_eq!(refresh(&sibling, &phone.refresh_token).await["code"], 40020);
    let sessions = list(&server, &laptop.access_token).await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    // Revoked twice, or an id that is no session: not found.
    assert_eq!(
        revoke(&server, &laptop.access_token, &other_id).await["code"],
        404
    );
    assert_eq!(
        revoke(&server, &laptop.access_token, "nope").await["code"],
        404
    );
    // The laptop goes on.
    assert_eq!(me_code(&server, &laptop.access_token).await, 0);
}

#[tokio::test]
async fn another_user_can_neither_list_nor_revoke_a_session() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let ann_sessions = list(&server, &ann.access_token).await;
    assert_eq!(ann_sessions.len(), 1);
    let ann_id = ann_sessions[0]["id"].as_str().unwrap().to_owned();

    let bob_sessions = list(&server, &bob.access_token).await;
    assert_eq!(bob_sessions.len(), 1);
    assert_ne!(bob_sessions[0]["id"], ann_id.as_str());
    let body = revoke(&server, &bob.access_token, &ann_id).await;
    assert_eq!(body["code"], 404, "{body}");
    assert_eq!(me_code(&server, &ann.access_token).await, 0);
    assert_eq!(list(&server, &ann.access_token).await.len(), 1);
    // Signed out, nothing is listed or revoked.
    assert_eq!(server.get_api("/user/sessions").await["code"], 401);
}

#[tokio::test]
async fn sessions_ended_elsewhere_leave_the_list() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let kept = server.login("ann@example.com", PW).await;
    let signed_out = server.login("ann@example.com", PW).await;
    let reused = server.login("ann@example.com", PW).await;
    assert_eq!(list(&server, &kept.access_token).await.len(), 3);
    let body = crate::session::sign_out(&server, &signed_out.refresh_token).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(refresh(&server, &reused.refresh_token).await["code"], 0);
    assert_eq!(refresh(&server, &reused.refresh_token).await["code"], 40020);
    let sessions = list(&server, &kept.access_token).await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["current"], true);
}
