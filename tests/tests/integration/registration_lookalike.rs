//! Look-alike sign-ups: an address is compared in its canonical form (trailing dot dropped,
//! domain mapped by IDNA), addresses that mix scripts or look like an existing one are
//! refused, and a new account's nick never defaults to one that looks like another user's.

use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait, sea_query::Expr};
use serde_json::{Value, json};
use stratus_entity::user;
use stratus_tests::TestServer;

const PW: &str = "long-enough-1";

async fn register(server: &TestServer, email: &str) -> Value {
    let body = json!({ "email": email, "password": PW }).to_string();
    server.send_api(Method::POST, "/user", &body).await.1
}

async fn accounts(server: &TestServer) -> u64 {
    user::Entity::find().count(&server.state.db).await.unwrap()
}

#[tokio::test]
async fn a_trailing_dot_or_another_idna_form_is_the_same_address() {
    let server = TestServer::start().await;
    assert_eq!(register(&server, "alice@s.test").await["code"], 0);
    for same in ["alice@s.test.", "ALICE@S.TEST.", "alice@S.test"] {
        let body = register(&server, same).await;
        assert_eq!(body["code"], 40032, "{same}: {body}");
    }

    let bob = register(&server, "bob@BÜCHER.test.").await;
    assert_eq!(bob["code"], 0, "{bob}");
    assert_eq!(bob["data"]["email"], "bob@bücher.test");
    for same in [
        "bob@xn--bcher-kva.test",
        "bob@bücher.test",
        "bob@xn--BCHER-kva.test.",
    ] {
        let body = register(&server, same).await;
        assert_eq!(body["code"], 40032, "{same}: {body}");
    }
    for malformed in ["carl@s..test", "carl@.", "carl@xn--a.test"] {
        let body = register(&server, malformed).await;
        assert_eq!(body["code"], 40001, "{malformed}: {body}");
    }
    assert_eq!(accounts(&server).await, 2);

    // Signing in takes any form of the address too.
    server.login("alice@s.test.", PW).await;
    server.login("bob@xn--bcher-kva.test", PW).await;
}

#[tokio::test]
async fn addresses_that_mix_scripts_or_look_like_another_are_refused() {
    let server = TestServer::start().await;
    assert_eq!(register(&server, "alice@s.test").await["code"], 0);

    // A dotless ı (Latin), and a Cyrillic ѕ making a whole Cyrillic label: one script each,
    // but they read as the existing address.
    for look_alike in ["alıce@s.test", "ALIce@ѕ.test"] {
        let body = register(&server, look_alike).await;
        assert_eq!(body["code"], 40032, "{look_alike}: {body}");
    }
    // A Cyrillic а among Latin letters, a Greek ο in a Latin label, an invisible space.
    for mixed in ["аlice@t.test", "bob@gοogle.test", "al\u{200b}ice@t.test"] {
        let body = register(&server, mixed).await;
        assert_eq!(body["code"], 40001, "{mixed}: {body}");
    }
    assert_eq!(accounts(&server).await, 1);

    // Addresses in other scripts are fine when each part keeps to one.
    let cyrillic = register(&server, "иван@пример.test").await;
    assert_eq!(cyrillic["code"], 0, "{cyrillic}");
    let japanese = register(&server, "たなか@例え.test").await;
    assert_eq!(japanese["code"], 0, "{japanese}");
}

#[tokio::test]
async fn the_default_nick_never_looks_like_another_users_nick() {
    let server = TestServer::start().await;
    let alice = register(&server, "alice@s.test").await;
    assert_eq!(alice["data"]["nickname"], "alice");

    for (email, taken) in [("alice@other.test", "alice"), ("Alıce@third.test", "alıce")] {
        let body = register(&server, email).await;
        assert_eq!(body["code"], 0, "{email}: {body}");
        let nick = body["data"]["nickname"].as_str().unwrap();
        assert_ne!(nick, taken, "{email}");
        assert!(nick.starts_with(&format!("{taken}-")), "{email}: {nick}");
    }

    // A nick chosen later counts as well.
    let carol = register(&server, "someone@s.test").await;
    assert_eq!(carol["code"], 0);
    let session = server.login("someone@s.test", PW).await;
    let renamed = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            &session.access_token,
            &json!({ "nick": "Carol" }),
        )
        .await;
    assert_eq!(renamed["code"], 0, "{renamed}");
    let body = register(&server, "carol@s.test").await;
    assert_eq!(body["code"], 0, "{body}");
    assert_ne!(body["data"]["nickname"], "carol");

    // With no one to copy, the local part it is.
    assert_eq!(
        register(&server, "dave@s.test").await["data"]["nickname"],
        "dave"
    );
}

#[tokio::test]
async fn accounts_from_before_skeletons_are_compared_after_a_restart() {
    let mut server = TestServer::start().await;
    assert_eq!(register(&server, "alice@s.test").await["code"], 0);
    // As an older version left the row: no skeletons.
    user::Entity::update_many()
        .col_expr(user::Column::EmailSkeleton, Expr::value(None::<String>))
        .col_expr(user::Column::NickSkeleton, Expr::value(None::<String>))
        .exec(&server.state.db)
        .await
        .unwrap();

    server.restart().await;
    let alike = register(&server, "alıce@s.test").await;
    assert_eq!(alike["code"], 40032, "{alike}");
    let namesake = register(&server, "alice@other.test").await;
    assert_ne!(namesake["data"]["nickname"], "alice", "{namesake}");
}
