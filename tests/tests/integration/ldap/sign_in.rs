//! Directory accounts: one account whether the login is the uid or the e-mail, made on the
//! first sign-in and refreshed on later ones; wrong passwords, injected filters and removed
//! entries sign nobody in; the directory's groups pick the Stratus group.

use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use stratus_entity::external_identity;
use stratus_tests::{TestServer, slapd::Slapd, smtp::SmtpServer};

use super::{sign_in, use_directory};
use crate::admin::{admin, call};

#[tokio::test]
async fn uid_and_email_sign_in_to_one_account_made_once() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;

    let by_uid = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(by_uid["code"], 0, "{by_uid}");
    let user = &by_uid["data"]["user"];
    assert_eq!(user["email"], "alice@example.org");
    assert_eq!(user["nickname"], "Alice Liddell");
    assert_eq!(user["group"]["name"], "User");

    let by_mail = sign_in(&server, "alice@example.org", "wonderland").await;
    assert_eq!(by_mail["code"], 0, "{by_mail}");
    assert_eq!(by_mail["data"]["user"]["id"], user["id"]);
    let links = external_identity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(links, 1, "one account, one link");

    // The directory holds the password: it is neither changed nor reset here.
    let token = by_mail["data"]["token"]["access_token"].as_str().unwrap();
    let change = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            token,
            &json!({"current_password": "wonderland", "new_password": "another-pass-1"}),
        )
        .await;
    assert_eq!(change["code"], 403, "{change}");
    assert!(
        change["msg"].as_str().unwrap().contains("directory"),
        "{change}"
    );
    let smtp = SmtpServer::start().await;
    let mail = smtp.settings();
    let pairs: Vec<(&str, &str)> = mail.iter().map(|(k, v)| (*k, v.as_str())).collect();
    server.state.settings.set(&pairs).await.unwrap();
    let reset = server
        .send_api(
            Method::POST,
            "/user/reset",
            &json!({"email": "alice@example.org"}).to_string(),
        )
        .await
        .1;
    assert_eq!(reset["code"], 403, "{reset}");
    assert!(
        reset["msg"].as_str().unwrap().contains("directory"),
        "{reset}"
    );
    assert_eq!(smtp.received(), 0);
}

#[tokio::test]
async fn wrong_passwords_and_injected_filters_sign_nobody_in() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;

    let wrong = sign_in(&server, "alice", "not-her-password").await;
    assert_eq!(wrong["code"], 40080, "{wrong}");
    // Unescaped, `*)(uid=*` would match every entry (and `*` the first one).
    for login in ["*)(uid=*", "*", "alice)(|(uid=*", "ali*"] {
        let injected = sign_in(&server, login, "wonderland").await;
        assert_eq!(injected["code"], 40080, "{login}: {injected}");
    }
    let unknown = sign_in(&server, "nobody@example.org", "whatever-1").await;
    assert_eq!(unknown["code"], 40080, "{unknown}");
    assert_eq!(
        external_identity::Entity::find()
            .count(&server.state.db)
            .await
            .unwrap(),
        0
    );

    // The admin's test shows what a login resolves to, and that the injection finds nobody.
    let a = admin(&server, "root@example.com").await;
    let test = |login: &str| {
        call(
            &server,
            Some(&a),
            Method::POST,
            "/admin/ldap/test",
            Some(json!({ "login": login })),
        )
    };
    let alice = test("alice").await;
    assert_eq!(alice["code"], 0, "{alice}");
    assert_eq!(alice["data"]["found"], true);
    assert_eq!(alice["data"]["dn"], "uid=alice,ou=people,dc=example,dc=org");
    assert_eq!(alice["data"]["email"], "alice@example.org");
    assert_eq!(
        alice["data"]["groups"],
        json!(["cn=staff,ou=groups,dc=example,dc=org"])
    );
    let injected = test("*)(uid=*").await;
    assert_eq!(injected["data"]["found"], false, "{injected}");
    let member = crate::admin::member(&server, "member@example.com").await;
    let refused = call(
        &server,
        Some(&member),
        Method::POST,
        "/admin/ldap/test",
        Some(json!({"login": "alice"})),
    )
    .await;
    assert_eq!(refused["code"], 403, "{refused}");
}

#[tokio::test]
async fn directory_groups_pick_the_group_and_later_sign_ins_refresh_it() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;
    server
        .state
        .settings
        .set(&[("ldap_group_map", r#"{"staff": 1}"#)])
        .await
        .unwrap();

    let alice = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(alice["data"]["user"]["group"]["name"], "Admin", "{alice}");
    let bob = sign_in(&server, "bob", "can-we-fix-it").await;
    assert_eq!(bob["data"]["user"]["group"]["name"], "User", "{bob}");

    // Alice leaves the staff group and changes her name: the next sign-in follows.
    dir.modify(
        "ldapmodify",
        "dn: cn=staff,ou=groups,dc=example,dc=org\nchangetype: modify\n\
         replace: member\nmember: uid=bob,ou=people,dc=example,dc=org\n\n\
         dn: uid=alice,ou=people,dc=example,dc=org\nchangetype: modify\n\
         replace: cn\ncn: Alice Kingsleigh\n",
    )
    .await;
    let alice = sign_in(&server, "alice@example.org", "wonderland").await;
    assert_eq!(alice["data"]["user"]["group"]["name"], "User", "{alice}");
    assert_eq!(alice["data"]["user"]["nickname"], "Alice Kingsleigh");
    let bob = sign_in(&server, "bob", "can-we-fix-it").await;
    assert_eq!(bob["data"]["user"]["group"]["name"], "Admin", "{bob}");
}

#[tokio::test]
async fn an_entry_removed_from_the_directory_cannot_sign_in() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;
    let first = sign_in(&server, "bob", "can-we-fix-it").await;
    assert_eq!(first["code"], 0, "{first}");

    dir.modify("ldapdelete", "uid=bob,ou=people,dc=example,dc=org\n")
        .await;
    for login in ["bob", "bob@example.org"] {
        let gone = sign_in(&server, login, "can-we-fix-it").await;
        assert_eq!(gone["code"], 40080, "{login}: {gone}");
    }
}

#[tokio::test]
async fn a_local_account_with_the_entrys_address_is_not_taken_over() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    server
        .create_user("alice@example.org", "local-password")
        .await;
    use_directory(&server, &dir).await;

    // The e-mail is a local account's: its own password signs it in, the directory's does not.
    let local = sign_in(&server, "alice@example.org", "local-password").await;
    assert_eq!(local["code"], 0, "{local}");
    let directory = sign_in(&server, "alice@example.org", "wonderland").await;
    assert_eq!(directory["code"], 40080, "{directory}");
    // By uid the directory answers, but its address belongs to the local account.
    let by_uid = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(by_uid["code"], 40032, "{by_uid}");
    assert!(
        by_uid["msg"].as_str().unwrap().contains("exists"),
        "{by_uid}"
    );
}

#[tokio::test]
async fn an_administrator_cannot_give_a_directory_account_a_password() {
    let dir = Slapd::start().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;
    let signed = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(signed["code"], 0, "{signed}");
    let boss = admin(&server, "boss@example.org").await;
    let id = stratus_server::users::find_by_email(&server.state.db, "alice@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let edit = call(
        &server,
        Some(&boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(
            json!({"user": {"id": id, "email": "alice@example.org", "nick": "Alice",
            "group_id": 2}, "password": "set-by-the-admin"}),
        ),
    )
    .await;
    assert_eq!(edit["code"], 40001, "{edit}");
    assert!(
        edit["msg"].as_str().unwrap().contains("directory"),
        "{edit}"
    );
    // Other changes to the account still go through.
    let renamed = call(
        &server,
        Some(&boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(
            json!({"user": {"id": id, "email": "alice@example.org", "nick": "Alice L",
            "group_id": 2}}),
        ),
    )
    .await;
    assert_eq!(renamed["code"], 0, "{renamed}");
}
