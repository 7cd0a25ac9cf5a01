//! A directory that hangs or is gone fails its sign-ins within ten seconds with a message
//! saying so, and local accounts, the admin first, sign in meanwhile. The directory's
//! loopback address is refused unless `ldap_allowed_cidrs` lists it.

use std::time::{Duration, Instant};

use stratus_tests::{TestServer, slapd::Slapd};

use super::{sign_in, use_directory};

#[tokio::test]
async fn a_hung_directory_fails_within_ten_seconds_while_the_admin_signs_in() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    stratus_server::users::create(&server.state.db, "root@example.com", "admin-password", 1)
        .await
        .unwrap();
    use_directory(&server, &dir).await;

    dir.freeze();
    let started = Instant::now();
    let (hung, admin) = tokio::join!(sign_in(&server, "alice", "wonderland"), async {
        let answer = sign_in(&server, "root@example.com", "admin-password").await;
        (answer, started.elapsed())
    });
    let hung_took = started.elapsed();
    dir.thaw();

    let (admin, admin_took) = admin;
    assert_eq!(admin["code"], 0, "{admin}");
    assert!(admin_took < Duration::from_secs(5), "{admin_took:?}");
    assert_eq!(hung["code"], 50005, "{hung}");
    assert!(
        hung["msg"]
            .as_str()
            .unwrap()
            .contains("did not answer within 10"),
        "{hung}"
    );
    assert!(hung_took < Duration::from_secs(13), "{hung_took:?}");

    // Once it answers again, so do its sign-ins.
    let back = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(back["code"], 0, "{back}");
}

#[tokio::test]
async fn a_stopped_directory_fails_at_once_and_local_accounts_still_sign_in() {
    let mut dir = Slapd::start().await;
    let server = TestServer::start().await;
    server
        .create_user("local@example.com", "local-password")
        .await;
    use_directory(&server, &dir).await;
    dir.stop().await;

    let started = Instant::now();
    let gone = sign_in(&server, "alice", "wonderland").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(gone["code"], 50005, "{gone}");
    assert!(
        gone["msg"].as_str().unwrap().contains("cannot be reached"),
        "{gone}"
    );
    let local = sign_in(&server, "local@example.com", "local-password").await;
    assert_eq!(local["code"], 0, "{local}");
}

#[tokio::test]
async fn a_loopback_directory_is_refused_unless_allowed() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;
    server
        .state
        .settings
        .set(&[("ldap_allowed_cidrs", "")])
        .await
        .unwrap();
    let refused = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(refused["code"], 50005, "{refused}");
    assert!(
        refused["msg"]
            .as_str()
            .unwrap()
            .contains("ldap_allowed_cidrs"),
        "{refused}"
    );
}
