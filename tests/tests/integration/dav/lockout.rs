//! The sign-in throttle at the WebDAV door: a guesser locks out its own address, never the
//! account's WebDAV and sync devices elsewhere, and the user sees the lock in Settings.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::event;
use stratus_server::{boolset::group_perm, events::kind};
use stratus_tests::TestServer;

use super::{PW, dav, password, set_group_bits};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn guessing_locks_out_the_guessing_address_only_and_settings_show_it() {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let from = |ip: &str, pw: &str| {
        dav(&server, "PROPFIND", "/", ANN, pw)
            .header("Depth", "0")
            .header("X-Forwarded-For", ip)
            .send()
    };

    for _ in 0..10 {
        assert_eq!(from("198.51.100.7", "wrong").await.unwrap().status(), 401);
    }
    // The guessing address is refused, the right password too, for the rest of the window.
    let refused = from("198.51.100.7", &pw).await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((590..=600).contains(&wait), "{wait}");
    // A device elsewhere, even one never seen before, goes on working.
    assert_eq!(from("203.0.113.5", &pw).await.unwrap().status(), 207);

    let settings = server.get_as("/user/setting", &ann.access_token).await;
    let locks = settings["data"]["sign_in_locks"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(locks.len(), 1, "{settings}");
    assert_eq!(locks[0]["scope"], "address");
    assert_eq!(locks[0]["ip"], "198.51.100.7");
    let until: chrono::DateTime<chrono::Utc> = locks[0]["until"].as_str().unwrap().parse().unwrap();
    assert!(until > chrono::Utc::now() + chrono::Duration::seconds(590));

    let started = event::Entity::find()
        .filter(event::Column::Type.eq(kind::SIGN_IN_LOCKED))
        .all(&server.state.db)
        .await
        .unwrap();
    let scopes: Vec<_> = started
        .iter()
        .map(|e| e.content.as_ref().unwrap()["scope"].clone())
        .collect();
    assert!(scopes.contains(&"address_account".into()), "{scopes:?}");
    assert!(
        started
            .iter()
            .all(|e| e.ip.as_deref() == Some("198.51.100.7"))
    );
}

/// The Nextcloud paths are the same door: their failures count with `/dav`'s, and a locked
/// address is answered 429 with `Retry-After` there too, while other addresses go on.
#[tokio::test]
async fn nextcloud_paths_count_in_the_same_throttle() {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let nc = |ip: &str, pw: &str| {
        server
            .client
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
                server.url(&format!("/remote.php/dav/files/{ANN}/")),
            )
            .basic_auth(ANN, Some(pw))
            .header("Depth", "0")
            .header("X-Forwarded-For", ip)
            .send()
    };
    let half = stratus_server::auth::sign_in_throttle::MAX_FAILURES / 2;
    for _ in 0..half {
        let resp = dav(&server, "PROPFIND", "/", ANN, "wrong")
            .header("Depth", "0")
            .header("X-Forwarded-For", "198.51.100.9")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }
    for _ in half..stratus_server::auth::sign_in_throttle::MAX_FAILURES {
        assert_eq!(nc("198.51.100.9", "wrong").await.unwrap().status(), 401);
    }
    let refused = nc("198.51.100.9", &pw).await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((590..=600).contains(&wait), "{wait}");
    assert_eq!(nc("203.0.113.9", &pw).await.unwrap().status(), 207);
}
