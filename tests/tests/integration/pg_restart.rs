//! PostgreSQL restarting under a running server (`pg_ctl restart` is a stop and a start):
//! requests during the outage are answered, with the database error code, instead of hanging
//! or cutting the connection; a write refused then leaves nothing behind; once the database is
//! back the server's connections are re-established without a restart of its own.
//!
//! Runs with `STRATUS_TEST_DATABASE=postgres`, on a cluster of its own (the other tests share
//! theirs, which must stay up).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{
    Session, TestServer,
    pg::{self, OwnCluster, TestBackend},
};

const EMAIL: &str = "pg@example.com";
const PW: &str = "password123";

async fn create(server: &TestServer, s: &Session, name: &str) -> Value {
    let body = json!({"uri": format!("cloudreve://my/{name}"), "type": "folder"});
    server
        .send_as(Method::POST, "/file/create", &s.access_token, &body)
        .await
}

#[tokio::test]
async fn the_server_rides_out_a_postgresql_restart() {
    if pg::test_backend() != TestBackend::Postgres {
        return;
    }
    let cluster = OwnCluster::start().await.unwrap();
    let url = cluster.database("stratus_restart").await.unwrap();
    let server = TestServer::start_with(|c| c.database_url = Some(url)).await;
    server.create_user(EMAIL, PW).await;
    let ann = server.login(EMAIL, PW).await;
    assert_eq!(create(&server, &ann, "before").await["code"], 0);

    cluster.stop().await.unwrap();
    let listed = server
        .get_as("/file?uri=cloudreve%3A%2F%2Fmy", &ann.access_token)
        .await;
    assert_eq!(listed["code"], 50001, "{listed}");
    let made = create(&server, &ann, "during").await;
    assert_eq!(made["code"], 50001, "{made}");

    cluster.start_again().await.unwrap();
    // The pool drops the connections the restart ended and opens new ones.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let listed = server
            .get_as("/file?uri=cloudreve%3A%2F%2Fmy", &ann.access_token)
            .await;
        if listed["code"] == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server never got its database back: {listed}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(server.names_in(&ann, "cloudreve://my").await, ["before"]);
    assert_eq!(create(&server, &ann, "after").await["code"], 0);
    let again = server.login(EMAIL, PW).await;
    assert_eq!(
        server.names_in(&again, "cloudreve://my").await,
        ["after", "before"]
    );
}
