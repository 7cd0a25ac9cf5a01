//! Credentials in every state but fresh, one server per state group: stopped by the guard
//! (reads go on, every write is refused, a stopped app lets go of nothing, another user's
//! token of the same app goes on), revoked, banned, reset (every credential of the user cut
//! at its next request, whatever the edge), the group without the right, and an address
//! guessing the account's password.
//!
//! Absent cells: a stopped credential's links and grants (the guard stops changes to the
//! drive's content, which links and grants are not); a link after a password reset (a link
//! is no credential of the password); a release by anyone but the stopped app (a web session
//! is the user's way to let go).

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::group_perm;

use super::{
    Cred::{self, *},
    D::{self, Allowed as A, NotFound as N, Refused as R, Throttled as T, Unauthorized as U},
    Edge::*,
    Op::*,
    Row, State, check, edges, ops, rows,
    world::{ANN, ANN_PW, World},
};
use crate::dav::set_group_bits;

/// List, read and write of each of `creds` on every edge it is accepted on, all `expect`.
fn every_edge(state: State, creds: &[Cred], expect: D) -> Vec<Row> {
    let cells = [(List, expect), (Read, expect), (Write, expect)];
    let mut t = Vec::new();
    for &c in creds {
        for &e in edges(c) {
            t.extend(rows(c, e, state, &cells));
        }
    }
    t
}

/// Every credential of Ann's but the link.
const ANNS: &[Cred] = &[Session, OauthA, DavRo, DavRw, AppPw, S3Ro, S3Rw];

fn stopped_table() -> Vec<Row> {
    let s = State::Stopped;
    let stopped_api = [
        (List, A),
        (Read, A),
        (Write, R),
        (Delete, R),
        (EmptyTrash, R),
        (DeleteVersion, R),
    ];
    let mut t = rows(Session, Api, s, &stopped_api);
    t.extend(rows(OauthA, Api, s, &stopped_api));
    // Issue 63 #6: the stopped app does not let itself go.
    t.extend(rows(OauthA, Api, s, &[(Release, R)]));
    // Issue 63 #1: Ann's app is stopped, Bob's token of the same app is not.
    t.extend(rows(OauthB, Api, s, &[(Write, A), (Delete, A)]));
    let stopped_dav = [(List, A), (Read, A), (Write, R), (Delete, R)];
    // Issue 63 #2, #4b, #5: the account stopped by deletes and the purge of them refuses the
    // trash's empty and the chunked upload as its other writes.
    let stopped_nc = [
        (List, A),
        (Read, A),
        (Write, R),
        (Chunked, R),
        (Delete, R),
        (EmptyTrash, R),
    ];
    for c in [DavRw, AppPw] {
        t.extend(rows(c, Dav, s, &stopped_dav));
        t.extend(rows(c, Nc, s, &stopped_nc));
    }
    t.extend(rows(S3Rw, S3, s, &stopped_dav));
    t
}

/// DELETE of `path` below `/dav` as `c`: the status.
async fn dav_delete(w: &World, c: Cred, path: &str) -> u16 {
    w.server
        .client
        .delete(w.server.url(&format!("/dav{path}")))
        .basic_auth(ANN, Some(&w.secret(c).secret))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `DELETE /file` of `Public/<name>` through the API with `token`: the code.
async fn api_delete(w: &World, token: &str, name: &str) -> i64 {
    let uri = format!("cloudreve://my/Public/{name}");
    let done = w
        .server
        .send_as(Method::DELETE, "/file", token, &json!({"uris": [uri]}))
        .await;
    done["code"].as_i64().unwrap_or(-1)
}

/// Trips the guard (three changes per ten minutes) for each writable credential of Ann's:
/// the whole-drive account by two deletes and the purge of them (issue 63 #5), the others by
/// deletes; the web session last, its deletes counted once the site counts sessions.
async fn stop_everything(w: &mut World) {
    let limit = [("guard_burst_files", "3"), ("guard_burst_seconds", "600")];
    w.server.state.settings.set(&limit).await.unwrap();
    for i in 0..2 {
        dav_delete(w, DavRw, &format!("/Public/drw-burst-{i}.txt")).await;
    }
    let trash = format!("/remote.php/dav/trashbin/{ANN}/trash");
    let secret = w.secret(DavRw).secret.clone();
    let purged = w
        .server
        .client
        .delete(w.server.url(&trash))
        .basic_auth(ANN, Some(&secret))
        .send()
        .await
        .unwrap();
    eprintln!(
        "stopped set-up: trash purge by the account: {}",
        purged.status()
    );
    for i in 0..5 {
        dav_delete(w, AppPw, &format!("/Public/app-burst-{i}.txt")).await;
        let path = format!("/bkt/s3rw-burst-{i}.txt");
        ops::signed(w, S3Rw, "DELETE", &path, &[], b"")
            .send()
            .await
            .unwrap();
        let token = w.secret(OauthA).secret.clone();
        api_delete(w, &token, &format!("oa-burst-{i}.txt")).await;
    }
    w.server
        .state
        .settings
        .set(&[("guard_web_sessions", "1")])
        .await
        .unwrap();
    for i in 0..5 {
        let token = w.ann.access_token.clone();
        api_delete(w, &token, &format!("session-burst-{i}.txt")).await;
    }
    let other = w.server.login(ANN, ANN_PW).await;
    let listed = w
        .server
        .get_as("/guard/incident", &other.access_token)
        .await;
    let found = listed["data"]["incidents"].as_array().cloned();
    let oauth = found
        .iter()
        .flatten()
        .find(|i| i["credential"]["kind"] == "oauth")
        .unwrap_or_else(|| panic!("no incident of the app: {listed}"));
    w.incidents.insert("oa", oauth["id"].as_i64().unwrap());
}

#[tokio::test]
async fn parity_of_credentials_the_guard_stopped() {
    let mut w = World::new(|_| {}, true).await;
    stop_everything(&mut w).await;
    check(&w, &stopped_table(), "stopped").await;
}

#[tokio::test]
async fn parity_of_revoked_credentials() {
    let w = World::new(|_| {}, false).await;
    let (server, token) = (&w.server, w.ann.access_token.as_str());
    let revoke = |path: String| async move {
        let done = server
            .send_as(Method::DELETE, &path, token, &json!({}))
            .await;
        assert_eq!(done["code"], 0, "{path}: {done}");
    };
    revoke(format!("/session/oauth/grant/{}", w.app_guid)).await;
    for (route, c) in [("dav", DavRo), ("dav", DavRw), ("app_passwords", AppPw)] {
        revoke(format!("/devices/{route}/{}", w.secret(c).id)).await;
    }
    for c in [S3Ro, S3Rw] {
        revoke(format!("/devices/s3/{}", w.secret(c).id)).await;
    }
    let bob_token = w.bob.access_token.as_str();
    let path = format!("/session/oauth/grant/{}", w.app_guid);
    let done = server
        .send_as(Method::DELETE, &path, bob_token, &json!({}))
        .await;
    assert_eq!(done["code"], 0, "{done}");
    let link = &w.secret(Link).secret;
    let done = server
        .send_as(Method::DELETE, "/share", token, &json!({"ids": [link]}))
        .await;
    assert_eq!(done["code"], 0, "{done}");
    // The web session last: it revoked the others.
    let out = server
        .send_as(
            Method::DELETE,
            "/session/token",
            token,
            &json!({"refresh_token": w.ann.refresh_token}),
        )
        .await;
    assert_eq!(out["code"], 0, "{out}");
    let mut t = every_edge(State::Revoked, ANNS, U);
    t.extend(every_edge(State::Revoked, &[OauthB], U));
    t.extend(rows(Link, Api, State::Revoked, &[(List, N), (Read, N)]));
    check(&w, &t, "revoked").await;
}

/// The administrator edits Ann with `user` (and `extra` beside it).
async fn admin_edits_ann(w: &World, user: serde_json::Value, extra: serde_json::Value) {
    let id = w.user_row(ANN).await;
    let mut body = json!({ "user": user });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let path = format!("/admin/user/{id}");
    let done = w
        .server
        .send_as(Method::PUT, &path, &w.admin.access_token, &body)
        .await;
    assert_eq!(done["code"], 0, "{done}");
}

#[tokio::test]
async fn parity_of_a_banned_users_credentials() {
    let w = World::new(|_| {}, false).await;
    let user = json!({"email": ANN, "status": "manual_banned"});
    admin_edits_ann(&w, user, json!({})).await;
    let mut t = every_edge(State::Banned, ANNS, U);
    // Bob's token of the same app is his, and he is not banned.
    t.extend(every_edge(State::Banned, &[OauthB], A));
    t.extend(rows(Link, Api, State::Banned, &[(List, N), (Read, N)]));
    check(&w, &t, "banned").await;
}

#[tokio::test]
async fn parity_of_credentials_after_a_password_reset() {
    let w = World::new(|_| {}, false).await;
    let id = w.user_row(ANN).await;
    let user = json!({"id": id, "email": ANN});
    admin_edits_ann(&w, user, json!({"password": "set-by-the-admin"})).await;
    let mut t = every_edge(State::Reset, ANNS, U);
    t.extend(every_edge(State::Reset, &[OauthB], A));
    check(&w, &t, "reset").await;
}

#[tokio::test]
async fn parity_of_credentials_of_a_group_without_the_right() {
    let w = World::new(|_| {}, false).await;
    let off = [(group_perm::WEBDAV, false), (group_perm::S3, false)];
    set_group_bits(&w.server, 2, &off).await;
    let mut t = every_edge(State::NoRight, &[DavRo, DavRw, AppPw, S3Ro, S3Rw], R);
    // The API needs neither right.
    t.extend(every_edge(State::NoRight, &[Session, OauthA], A));
    check(&w, &t, "group without the right").await;
}

#[tokio::test]
async fn parity_of_credentials_while_another_address_guesses_the_password() {
    let w = World::new(|_| {}, false).await;
    for _ in 0..10 {
        let resp = w
            .server
            .client
            .request(
                Method::from_bytes(b"PROPFIND").unwrap(),
                w.server.url("/dav/"),
            )
            .basic_auth(ANN, Some("wrong"))
            .header("Depth", "0")
            .header("X-Forwarded-For", ops::BAD_ADDRESS)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }
    // Issue 63 #9: the account's devices elsewhere go on.
    let mut t = every_edge(State::Attacked, &[DavRw, AppPw], A);
    t.extend(every_edge(State::Attacked, &[Session], A));
    // The guessing address itself is throttled, with the right password too, on every
    // WebDAV path (one throttle for every protocol).
    t.extend(rows(DavRw, Dav, State::Guesser, &[(List, T)]));
    t.extend(rows(AppPw, Nc, State::Guesser, &[(List, T)]));
    check(&w, &t, "another address guessing").await;
}
