//! Who gets into `/dav`, and where they can go.

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;
use stratus_entity::{event, group};
use stratus_server::{
    boolset::{Boolset, group_perm},
    dav::auth::ROW_TTL,
    events::kind,
};

use super::{PW, account, dav, password, propfind, set_group_bits, setup};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn basic_credentials_are_required_and_failures_recorded() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;

    // OPTIONS needs no credentials (Windows and Finder probe with it).
    let resp = server
        .client
        .request(super::method("OPTIONS"), server.url("/dav/"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["dav"], "1, 2");
    assert_eq!(resp.headers()["ms-author-via"], "DAV");

    let resp = server
        .client
        .request(super::method("PROPFIND"), server.url("/dav/"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let challenge = resp.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Basic realm=\""), "{challenge}");

    // The account password, not the sign-in password; the e-mail in any case.
    assert_eq!(propfind(&server, "/", ANN, PW).await.0, 401);
    assert_eq!(
        propfind(&server, "/", "nobody@example.com", &pw).await.0,
        401
    );
    assert_eq!(propfind(&server, "/", "ANN@Example.com", &pw).await.0, 207);
    let failures = event::Entity::find()
        .filter(event::Column::Type.eq(kind::WEBDAV_LOGIN_FAILED))
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(failures, 2);

    // Ten failures for the account from one address lock that address out for it, even with
    // the right password; a client whose credentials were verified before goes on working, so
    // guessing cannot cut a mounted drive off (other addresses: `lockout.rs`).
    for _ in 0..9 {
        assert_eq!(propfind(&server, "/", ANN, "wrong").await.0, 401);
    }
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 207);
    stratus_server::auth::dav_cache::logins(&server.state).invalidate_all();
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 429);
}

#[tokio::test]
async fn the_group_must_allow_webdav_at_every_request() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 207);
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, false)]).await;
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 403);

    // A change this instance did not make (another node's, or a direct database edit) is
    // seen once the remembered rows expire.
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 207);
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut perms = Boolset::from_bytes(g.permissions.clone());
    perms.set_to(group_perm::WEBDAV, false);
    let mut active = g.into_active_model();
    active.permissions = Set(perms.into_bytes());
    active.update(&server.state.db).await.unwrap();
    let deadline = std::time::Instant::now() + 10 * ROW_TTL;
    while propfind(&server, "/", ANN, &pw).await.0 != 403 {
        assert!(
            std::time::Instant::now() < deadline,
            "the group change was not seen within {:?}",
            10 * ROW_TTL
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn remembered_credentials_stop_with_the_account_or_the_user() {
    let (server, ann) = setup().await;
    let data = account(&server, &ann, json!({"uri": "cloudreve://my", "name": "a"})).await;
    let pw = data["password"].as_str().unwrap().to_owned();
    let other = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 207);
    assert_eq!(propfind(&server, "/", ANN, &other).await.0, 207);

    // A deleted account is refused at its next request, though its password was verified.
    let id = data["id"].as_str().unwrap();
    let resp = server
        .send_as(
            Method::DELETE,
            &format!("/devices/dav/{id}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    assert_eq!(propfind(&server, "/", ANN, &pw).await.0, 401);

    // So is a banned user (once the instance that bans drops what it remembers; other
    // instances within a second).
    let user = stratus_server::users::find_by_email(&server.state.db, ANN)
        .await
        .unwrap()
        .unwrap();
    let mut active = sea_orm::IntoActiveModel::into_active_model(user);
    active.status = sea_orm::ActiveValue::Set(stratus_entity::user::status::MANUAL_BANNED.into());
    sea_orm::ActiveModelTrait::update(active, &server.state.db)
        .await
        .unwrap();
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
    assert_eq!(propfind(&server, "/", ANN, &other).await.0, 401);
}

#[tokio::test]
async fn read_only_accounts_cannot_write() {
    let (server, ann) = setup().await;
    let rw = password(&server, &ann, "cloudreve://my").await;
    let put = dav(&server, "PUT", "/a.txt", ANN, &rw)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let ro = account(
        &server,
        &ann,
        json!({"uri": "cloudreve://my", "name": "ro", "readonly": true}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let dest = server.url("/dav/b.txt");
    for (m, path) in [
        ("PUT", "/b.txt"),
        ("PUT", "/a.txt"),
        ("MKCOL", "/dir"),
        ("DELETE", "/a.txt"),
        ("MOVE", "/a.txt"),
        ("COPY", "/a.txt"),
        ("LOCK", "/a.txt"),
        ("UNLOCK", "/a.txt"),
        ("PROPPATCH", "/a.txt"),
    ] {
        let resp = dav(&server, m, path, ANN, &ro)
            .header("Destination", &dest)
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{m} {path}");
    }
    let get = dav(&server, "GET", "/a.txt", ANN, &ro)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(get.text().await.unwrap(), "hello");
    let (status, body) = propfind(&server, "/", ANN, &ro).await;
    assert_eq!(status, 207);
    assert!(body.contains("/dav/a.txt"), "{body}");
    assert!(!body.contains("b.txt"));
}

#[tokio::test]
async fn traversal_is_refused_and_the_root_confines() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    for path in [
        "cloudreve://my/Outside/secret.txt",
        "cloudreve://my/Sub/inside.txt",
    ] {
        let r = server
            .send_as(
                Method::POST,
                "/file/create",
                t,
                &json!({"uri": path, "type": "file"}),
            )
            .await;
        assert_eq!(r["code"], 0, "{r}");
    }
    let pw = password(&server, &ann, "cloudreve://my/Sub").await;
    // Sent raw: an HTTP client library would resolve `%2e%2e` and `\\` before sending.
    for raw in [
        "/dav/%2e%2e/Outside/secret.txt",
        "/dav/%2E%2E/Outside/secret.txt",
        "/dav/..%2fOutside/secret.txt",
        "/dav/x/..%5c..%5cOutside",
        "/dav/a%00b",
        "/dav/a%5cb",
        "/dav/a\\b",
        "/dav/../Outside/secret.txt",
    ] {
        assert_eq!(raw_get(&server, raw, ANN, &pw).await, 400, "{raw}");
    }
    // A Destination outside the root is refused the same way.
    let resp = dav(&server, "COPY", "/inside.txt", ANN, &pw)
        .header("Destination", server.url("/dav/%2e%2e/Outside/copied.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    // Plain `..` is resolved by the HTTP client or refused; either way nothing outside shows.
    let (status, body) = propfind(&server, "/", ANN, &pw).await;
    assert_eq!(status, 207);
    assert!(
        body.contains("inside.txt") && !body.contains("secret.txt"),
        "{body}"
    );
    assert_eq!(propfind(&server, "/Outside", ANN, &pw).await.0, 404);
}

#[tokio::test]
async fn one_user_cannot_reach_another_users_files() {
    let (server, ann) = setup().await;
    let ann_pw = password(&server, &ann, "cloudreve://my").await;
    let put = dav(&server, "PUT", "/private.txt", ANN, &ann_pw)
        .body("ann's")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let bob_pw = password(&server, &bob, "cloudreve://my").await;
    let bob_email = "bob@example.com";
    assert_eq!(
        propfind(&server, "/private.txt", bob_email, &bob_pw)
            .await
            .0,
        404
    );
    let get = dav(&server, "GET", "/private.txt", bob_email, &bob_pw)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
    // Bob's password does not open Ann's account, nor Ann's Bob's.
    assert_eq!(propfind(&server, "/", ANN, &bob_pw).await.0, 401);
    assert_eq!(propfind(&server, "/", bob_email, &ann_pw).await.0, 401);
    let (_, body) = propfind(&server, "/", bob_email, &bob_pw).await;
    assert!(!body.contains("private.txt"), "{body}");
}

/// Sends `GET <raw>` exactly as written and returns the status code.
async fn raw_get(server: &stratus_tests::TestServer, raw: &str, email: &str, pw: &str) -> u16 {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{pw}"));
    let req = format!(
        "GET {raw} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}
