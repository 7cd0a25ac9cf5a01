//! Grants over WebDAV: "Shared with me" at the root of a recipient's session, read and write
//! grants through it, what stays read only, revocation (the next request and the recipient's
//! locks), clashing names, a real item of the folder's name, and what a listing costs.

use reqwest::{Method, Response, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{file, lock, user};
use stratus_server::{boolset::group_perm, ids::IdKind};
use stratus_tests::TestServer;

use super::{A, People, set_grants, setup};
use crate::{
    admin::{admin, call as admin_call},
    download::uid,
};

const BOB: &str = "bob@example.com";
const CAROL: &str = "carol@example.com";
const SWM: &str = "/Shared%20with%20me";
const LOCKINFO: &str = r#"<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>bob</D:owner></D:lockinfo>"#;

/// The three users with WebDAV on, and Bob's password of an account on his whole drive.
async fn with_dav() -> (People, String) {
    let p = setup().await;
    crate::dav::set_group_bits(&p.server, 2, &[(group_perm::WEBDAV, true)]).await;
    let pw = crate::dav::password(&p.server, &p.bob, "cloudreve://my").await;
    (p, pw)
}

/// `method` on `/dav<path>` as `email`.
async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    email: &str,
    pw: &str,
    extra: &[(&str, &str)],
    body: &'static [u8],
) -> Response {
    let mut req = crate::dav::dav(server, method, path, email, pw);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.body(body).send().await.unwrap()
}

/// The status of `method` on `path` as Bob (a PUT of one byte).
async fn status(p: &People, pw: &str, method: &str, path: &str, extra: &[(&str, &str)]) -> u16 {
    let body: &'static [u8] = if method == "PUT" { b"x" } else { b"" };
    call(&p.server, method, path, BOB, pw, extra, body)
        .await
        .status()
        .as_u16()
}

/// The body of a `Depth: 1` PROPFIND of `path` as `email`; asserts 207.
async fn listing(server: &TestServer, path: &str, email: &str, pw: &str) -> String {
    let resp = call(server, "PROPFIND", path, email, pw, &[("Depth", "1")], b"").await;
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS, "{path}");
    let body = resp.text().await.unwrap();
    // Decoded: clients encode names in hrefs differently.
    percent_encoding::percent_decode_str(&body)
        .decode_utf8_lossy()
        .into_owned()
}

/// A `Destination` header for `/dav<path>`.
fn to(server: &TestServer, path: &str) -> String {
    server.url(&format!("/dav{path}"))
}

/// The storage `id` uses.
async fn storage(server: &TestServer, id: i64) -> i64 {
    user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .storage
}

#[tokio::test]
async fn a_read_grant_is_listed_and_read_and_every_write_refused() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    assert!(!listing(s, "/", BOB, &pw).await.contains("Shared with me"));
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let root = listing(s, "/", BOB, &pw).await;
    assert!(root.contains("/dav/Shared with me/"), "{root}");
    let folder = listing(s, &format!("{SWM}/"), BOB, &pw).await;
    assert!(folder.contains("/dav/Shared with me/Team/"), "{folder}");
    assert!(!folder.contains("Private"), "{folder}");
    let team = listing(s, &format!("{SWM}/Team/"), BOB, &pw).await;
    assert!(
        team.contains("Team/a.txt") && team.contains("Team/Sub/"),
        "{team}"
    );
    let got = call(s, "GET", &format!("{SWM}/Team/a.txt"), BOB, &pw, &[], b"").await;
    assert_eq!(got.status(), 200);
    // The owner's bytes reach the recipient confined like every answer of /dav.
    assert_eq!(got.headers()["content-security-policy"], "sandbox");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.bytes().await.unwrap().as_ref(), A);
    let got = call(
        s,
        "GET",
        &format!("{SWM}/Team/Sub/b.txt"),
        BOB,
        &pw,
        &[],
        b"",
    )
    .await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"bravo");

    // Inside a read grant, every write is refused.
    let a = format!("{SWM}/Team/a.txt");
    let elsewhere = to(s, &format!("{SWM}/Team/Sub/a.txt"));
    for (method, path, extra) in [
        ("PUT", format!("{SWM}/Team/new.txt"), None),
        ("PUT", a.clone(), None),
        ("MKCOL", format!("{SWM}/Team/New"), None),
        ("DELETE", a.clone(), None),
        ("DELETE", format!("{SWM}/Team/Sub"), None),
        ("MOVE", a.clone(), Some(elsewhere.as_str())),
        ("LOCK", a.clone(), None),
    ] {
        let extra: Vec<(&str, &str)> = extra.map(|d| ("Destination", d)).into_iter().collect();
        let got = status(&p, &pw, method, &path, &extra).await;
        assert_eq!(got, 403, "{method} {path}");
    }
    let proppatch = call(s, "PROPPATCH", &a, BOB, &pw, &[], PATCH).await;
    assert!(!proppatch.text().await.unwrap().contains("200 OK"));
    // Copying out to one's own drive is reading.
    let copy = [("Destination", to(s, "/copy.txt"))];
    let copy: Vec<(&str, &str)> = copy.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(status(&p, &pw, "COPY", &a, &copy).await, 201);
    let got = call(s, "GET", "/copy.txt", BOB, &pw, &[], b"").await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), A);
    // Ann's tree is as it was; Carol, who holds no grant, sees no folder.
    assert_eq!(
        super::names(s, &p.ann, "cloudreve://my/Team").await,
        ["Sub", "a.txt"]
    );
    let carol = crate::dav::password(s, &p.carol, "cloudreve://my").await;
    let theirs = listing(s, "/", CAROL, &carol).await;
    assert!(!theirs.contains("Shared with me"), "{theirs}");
    let none = call(s, "PROPFIND", &format!("{SWM}/"), CAROL, &carol, &[], b"").await;
    assert_eq!(none.status(), 404);
}

const PATCH: &[u8] = br#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:x="urn:x"><D:set><D:prop><x:p>v</x:p></D:prop></D:set></D:propertyupdate>"#;

#[tokio::test]
async fn the_folder_and_the_granted_item_itself_stay_read_only() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let team = format!("{SWM}/Team");
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("PUT", format!("{SWM}/x.txt"), None),
        ("MKCOL", format!("{SWM}/New"), None),
        ("DELETE", SWM.to_owned(), None),
        ("MOVE", SWM.to_owned(), Some(to(s, "/Elsewhere"))),
        ("PROPPATCH", format!("{SWM}/"), None),
        ("DELETE", team.clone(), None),
        ("MOVE", team.clone(), Some(to(s, &format!("{SWM}/Renamed")))),
        ("MOVE", team.clone(), Some(to(s, "/Mine"))),
        ("MOVE", format!("{team}/a.txt"), Some(to(s, "/mine.txt"))),
    ];
    for (method, path, dest) in cases {
        let extra: Vec<(&str, &str)> = dest.iter().map(|d| ("Destination", d.as_str())).collect();
        let body: &'static [u8] = match method {
            "PROPPATCH" => PATCH,
            "PUT" => b"x",
            _ => b"",
        };
        let got = call(s, method, &path, BOB, &pw, &extra, body).await;
        assert_eq!(got.status(), 403, "{method} {path}");
    }
    assert_eq!(
        super::names(s, &p.ann, "cloudreve://my/Team").await,
        ["Sub", "a.txt"]
    );
}

#[tokio::test]
async fn a_write_grant_takes_uploads_charged_to_the_owner_and_changes_inside() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let (ann, bob) = (uid(s, &p.ann), uid(s, &p.bob));
    let (ann_before, bob_before) = (storage(s, ann).await, storage(s, bob).await);
    let body: &'static [u8] = b"twelve bytes";
    let put = call(
        s,
        "PUT",
        &format!("{SWM}/Team/new.txt"),
        BOB,
        &pw,
        &[],
        body,
    )
    .await;
    assert_eq!(put.status(), 201);
    assert_eq!(storage(s, ann).await, ann_before + body.len() as i64);
    assert_eq!(storage(s, bob).await, bob_before);
    let row = file_named(s, "new.txt").await;
    assert_eq!(row.owner_id, ann, "the new file is the owner's");
    // A new version of a file inside.
    let again = call(s, "PUT", &format!("{SWM}/Team/a.txt"), BOB, &pw, &[], b"v2").await;
    assert_eq!(again.status(), 204);
    let made = call(s, "MKCOL", &format!("{SWM}/Team/Made"), BOB, &pw, &[], b"").await;
    assert_eq!(made.status(), 201);
    let dest = to(s, &format!("{SWM}/Team/Made/moved.txt"));
    let from = format!("{SWM}/Team/new.txt");
    assert_eq!(
        status(&p, &pw, "MOVE", &from, &[("Destination", dest.as_str())]).await,
        201
    );
    assert_eq!(
        super::names(s, &p.ann, "cloudreve://my/Team/Made").await,
        ["moved.txt"]
    );
    // From one's own drive: a copy lands (charged to the owner), a move is refused.
    let mine = call(s, "PUT", "/mine.txt", BOB, &pw, &[], b"mine").await;
    assert_eq!(mine.status(), 201);
    let dest = to(s, &format!("{SWM}/Team/mine.txt"));
    assert_eq!(
        status(
            &p,
            &pw,
            "MOVE",
            "/mine.txt",
            &[("Destination", dest.as_str())]
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &p,
            &pw,
            "COPY",
            "/mine.txt",
            &[("Destination", dest.as_str())]
        )
        .await,
        201
    );
    let gone = call(s, "DELETE", &format!("{SWM}/Team/Made"), BOB, &pw, &[], b"").await;
    assert_eq!(gone.status(), 204);
    assert_eq!(
        super::names(s, &p.ann, "cloudreve://my/Team").await,
        ["Sub", "a.txt", "mine.txt"]
    );
    let got = call(s, "GET", &format!("{SWM}/Team/a.txt"), BOB, &pw, &[], b"").await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"v2");

    // A read-only account stays read only inside a write grant.
    let ro = crate::dav::account(
        s,
        &p.bob,
        json!({"uri": "cloudreve://my", "name": "ro", "readonly": true}),
    )
    .await;
    let ro = ro["password"].as_str().unwrap();
    let put = call(s, "PUT", &format!("{SWM}/Team/ro.txt"), BOB, ro, &[], b"x").await;
    assert_eq!(put.status(), 403);
}

/// The first row named `name` (there is one).
async fn file_named(server: &TestServer, name: &str) -> file::Model {
    use sea_orm::{ColumnTrait, QueryFilter};
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn taking_a_grant_back_ends_access_and_the_recipients_lock_at_once() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let a = format!("{SWM}/Team/a.txt");
    let locked = call(
        s,
        "LOCK",
        &a,
        BOB,
        &pw,
        &[("Timeout", "Second-600")],
        LOCKINFO.as_bytes(),
    )
    .await;
    assert_eq!(locked.status(), 200);
    // The lock is in Ann's tree, and holds against her.
    let deleted = super::send(
        s,
        &p.ann,
        reqwest::Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/Team/a.txt"]}),
    )
    .await;
    assert_eq!(deleted["code"], 40073, "{deleted}");
    let removed = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ People::id(&p.bob): "none" }),
        json!({}),
    )
    .await;
    assert_eq!(removed["code"], 0, "{removed}");
    // The next request finds nothing.
    for path in [a.as_str(), &format!("{SWM}/Team/")] {
        let got = call(s, "PROPFIND", path, BOB, &pw, &[("Depth", "0")], b"").await;
        assert_eq!(got.status(), 404, "{path}");
    }
    assert!(!listing(s, "/", BOB, &pw).await.contains("Shared with me"));
    let locks = lock::Entity::find().all(&s.state.db).await.unwrap();
    assert!(locks.is_empty(), "{locks:?}");
    let deleted = super::send(
        s,
        &p.ann,
        reqwest::Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/Team/a.txt"]}),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
}

#[tokio::test]
async fn lowering_a_grant_to_read_releases_the_recipients_lock_and_not_the_owners() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let a = format!("{SWM}/Team/a.txt");
    let locked = call(s, "LOCK", &a, BOB, &pw, &[], LOCKINFO.as_bytes()).await;
    assert_eq!(locked.status(), 200);
    let ann_pw = crate::dav::password(s, &p.ann, "cloudreve://my").await;
    let own = call(
        s,
        "LOCK",
        "/Private/p.txt",
        "ann@example.com",
        &ann_pw,
        &[],
        LOCKINFO.as_bytes(),
    )
    .await;
    assert_eq!(own.status(), 200);
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let locks = lock::Entity::find().all(&s.state.db).await.unwrap();
    assert_eq!(locks.len(), 1, "{locks:?}");
    assert!(locks[0].uri.ends_with(":/Private/p.txt"), "{locks:?}");
}

#[tokio::test]
async fn two_grants_of_one_name_are_both_listed_and_a_real_folder_of_that_name_stays() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    // Bob's own folder of the name, made before anything was granted.
    let made = call(s, "MKCOL", SWM, BOB, &pw, &[], b"").await;
    assert_eq!(made.status(), 201);
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    // Carol has a Team too, and grants it to Bob.
    let carol_team = super::send(
        s,
        &p.carol,
        reqwest::Method::POST,
        "/file/create",
        json!({"uri": "cloudreve://my/Team", "type": "folder"}),
    )
    .await;
    assert_eq!(carol_team["code"], 0, "{carol_team}");
    let given = set_grants(
        s,
        &p.carol,
        "cloudreve://my/Team",
        json!({ People::id(&p.bob): "read" }),
        json!({}),
    )
    .await;
    assert_eq!(given["code"], 0, "{given}");
    let root = listing(s, "/", BOB, &pw).await;
    assert!(root.contains("/dav/Shared with me/<"), "{root}");
    let aside = "/Shared with me (received)";
    assert!(root.contains(&format!("/dav{aside}/<")), "{root}");
    let real = listing(s, &format!("{SWM}/"), BOB, &pw).await;
    assert_eq!(real.matches(":response>").count(), 2, "{real}");
    let both = listing(s, &format!("{aside}/"), BOB, &pw).await;
    let (ann, carol) = (nick(s, &p.ann).await, nick(s, &p.carol).await);
    for who in [&ann, &carol] {
        let name = format!("/Team ({who})/");
        assert!(both.contains(&name), "{name} in {both}");
    }
    let again = listing(s, &format!("{aside}/"), BOB, &pw).await;
    assert_eq!(both, again, "the names stay");
    let inside = listing(s, &format!("{aside}/Team ({ann})/"), BOB, &pw).await;
    assert!(inside.contains("a.txt"), "{inside}");
}

/// The nickname of `s`'s user.
async fn nick(server: &TestServer, s: &stratus_tests::Session) -> String {
    let row = user::Entity::find_by_id(uid(server, s))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    row.nick
}

#[tokio::test]
async fn a_granted_folder_of_1000_files_lists_in_a_fixed_number_of_statements() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let ann = uid(s, &p.ann);
    let root = super::counts::root_of(s, ann).await;
    let team = super::counts::id_of(s, root, "Team").await;
    super::counts::insert_rows(s, ann, team, "f", 8, file::kind::FILE).await;
    let path = format!("/remote.php/dav/files/{BOB}/Shared%20with%20me/Team/");
    let (small, n) = statements_of_propfind(s, &path, &pw).await;
    assert_eq!(n, 10 + 1);
    super::counts::insert_rows(s, ann, team, "g", 990, file::kind::FILE).await;
    let (large, n) = statements_of_propfind(s, &path, &pw).await;
    assert_eq!(n, 1000 + 1);
    // One more page of children is read (empty): one statement, and one for a cache that
    // expired under load.
    assert!(
        large <= small + 2,
        "statements with 10 ({small}) and 1,000 files ({large})"
    );
    println!("PROPFIND of a granted folder of 1,000 files: {large} statements");
}

#[tokio::test]
async fn the_shared_with_me_folder_costs_a_fixed_number_of_statements() {
    let (p, pw) = with_dav().await;
    let s = &p.server;
    let (ann, bob) = (uid(s, &p.ann), uid(s, &p.bob));
    let root = super::counts::root_of(s, ann).await;
    let first = super::counts::insert_rows(s, ann, root, "d", 5, file::kind::FOLDER).await;
    super::counts::insert_grants(s, ann, bob, &first).await;
    let path = format!("/remote.php/dav/files/{BOB}/Shared%20with%20me/");
    let (small, n) = statements_of_propfind(s, &path, &pw).await;
    assert_eq!(n, 5 + 1);
    let more = super::counts::insert_rows(s, ann, root, "e", 200, file::kind::FOLDER).await;
    super::counts::insert_grants(s, ann, bob, &more).await;
    let (large, n) = statements_of_propfind(s, &path, &pw).await;
    assert_eq!(n, 205 + 1);
    assert!(
        large <= small + 2,
        "statements with 5 ({small}) and 205 grants ({large})"
    );
    println!("PROPFIND of Shared with me with 205 grants: {large} statements");
}

/// The fewest statements of five `Depth: 1` PROPFINDs of `path` (a Nextcloud client's, with
/// `oc:permissions`) as Bob, and the number of entries answered.
async fn statements_of_propfind(server: &TestServer, path: &str, pw: &str) -> (u64, usize) {
    let body = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><d:getetag/><oc:permissions/><oc:fileid/></d:prop></d:propfind>"#;
    let mut fewest = u64::MAX;
    let mut entries = 0;
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let before = stratus_server::db::statements(&server.database_url);
        let resp = server
            .client
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
                server.url(path),
            )
            .basic_auth(BOB, Some(pw))
            .header("Depth", "1")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::MULTI_STATUS);
        let text = resp.text().await.unwrap();
        fewest = fewest.min(stratus_server::db::statements(&server.database_url) - before);
        entries = text.matches(":response>").count() / 2;
        assert!(
            text.contains("<oc:permissions>SMG</oc:permissions>"),
            "{text}"
        );
    }
    (fewest, entries)
}

/// How the recipient loses a group's write grant in
/// [`a_recipient_banned_moved_or_deleted_loses_its_locks_and_others_keep_theirs`].
#[derive(Debug, Clone, Copy)]
enum Loss {
    Banned,
    OtherGroup,
    Deleted,
}

#[tokio::test]
async fn a_recipient_banned_moved_or_deleted_loses_its_locks_and_others_keep_theirs() {
    for loss in [Loss::Banned, Loss::OtherGroup, Loss::Deleted] {
        let (p, pw) = with_dav().await;
        let s = &p.server;
        let users = s.state.ids.encode(2, IdKind::Group);
        let given = set_grants(
            s,
            &p.ann,
            "cloudreve://my/Team",
            json!({}),
            json!({ users: "write" }),
        )
        .await;
        assert_eq!(given["code"], 0, "{given}");
        let carol_pw = crate::dav::password(s, &p.carol, "cloudreve://my").await;
        for (who, pw, path) in [
            (BOB, &pw, "Team/a.txt"),
            (CAROL, &carol_pw, "Team/Sub/b.txt"),
        ] {
            let at = format!("{SWM}/{path}");
            let locked = call(s, "LOCK", &at, who, pw, &[], LOCKINFO.as_bytes()).await;
            assert_eq!(locked.status(), 200, "{loss:?} {who}");
        }
        let boss = admin(s, "boss@example.com").await;
        let bob = uid(s, &p.bob);
        let edit = |fields: serde_json::Value| {
            let mut user = json!({"id": bob, "email": BOB});
            user.as_object_mut()
                .unwrap()
                .extend(fields.as_object().unwrap().clone());
            (
                Method::PUT,
                format!("/admin/user/{bob}"),
                json!({ "user": user }),
            )
        };
        let (method, path, body) = match loss {
            Loss::Banned => edit(json!({"status": "manual_banned"})),
            Loss::OtherGroup => edit(json!({"group_users": 1})),
            Loss::Deleted => (
                Method::POST,
                "/admin/user/batch/delete".to_owned(),
                json!({ "ids": [bob] }),
            ),
        };
        let done = admin_call(s, Some(&boss), method, &path, Some(body)).await;
        assert_eq!(done["code"], 0, "{loss:?}: {done}");
        // Bob's lock went with his access; Carol, who still writes there, keeps hers.
        let locks = lock::Entity::find().all(&s.state.db).await.unwrap();
        assert_eq!(locks.len(), 1, "{loss:?}: {locks:?}");
        assert!(locks[0].uri.ends_with("/Team/Sub/b.txt"), "{locks:?}");
        let deleted = super::send(
            s,
            &p.ann,
            Method::DELETE,
            "/file",
            json!({"uris": ["cloudreve://my/Team/a.txt"]}),
        )
        .await;
        assert_eq!(deleted["code"], 0, "{loss:?}: {deleted}");
    }
}
