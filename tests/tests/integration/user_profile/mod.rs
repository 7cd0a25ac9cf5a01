//! `/api/v4/user/info/:id`, `/user/avatar/:id` (and `PUT /user/setting/avatar`) and
//! `/user/search`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::user;
use stratus_server::ids::IdKind;
use stratus_tests::TestServer;

mod avatar;
mod email;

const PASSWORD: &str = "correct horse";

fn hashid(server: &TestServer, id: i64) -> String {
    server.state.ids.encode(id, IdKind::User)
}

/// Inserts an account directly (no password hashing), for searches over many accounts.
async fn insert_user(server: &TestServer, email: &str, nick: &str, status: &str) -> user::Model {
    let now = Utc::now();
    user::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        email: Set(email.to_owned()),
        nick: Set(nick.to_owned()),
        password: Set(None),
        status: Set(status.to_owned()),
        storage: Set(0),
        settings: Set(json!({})),
        group_id: Set(2),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap()
}

async fn soft_delete(server: &TestServer, id: i64) {
    user::Entity::update_many()
        .col_expr(
            user::Column::DeletedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(user::Column::Id.eq(id))
        .exec(&server.state.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn user_info_is_redacted_and_shows_the_email_only_to_signed_in_callers() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    server.create_user("bob@example.com", PASSWORD).await;
    let path = format!("/user/info/{}", hashid(&server, ann.id));

    let anon = server.get_api(&path).await;
    assert_eq!(anon["code"], 0, "{anon}");
    let data = &anon["data"];
    assert_eq!(data["id"], hashid(&server, ann.id));
    assert_eq!(data["nickname"], "ann");
    assert_eq!(data["avatar"], "");
    assert!(data["created_at"].is_string());
    assert_eq!(data["group"]["name"], "User");
    assert_eq!(
        data["group"]["id"],
        server.state.ids.encode(2, IdKind::Group)
    );
    for hidden in ["email", "status", "preferred_theme", "language", "pined"] {
        assert!(data.get(hidden).is_none(), "{hidden} leaked: {data}");
    }
    assert!(data["group"].get("permission").is_none());

    let bob = server.login("bob@example.com", PASSWORD).await;
    let signed_in = server.get_as(&path, &bob.access_token).await;
    assert_eq!(signed_in["code"], 0);
    assert_eq!(signed_in["data"]["email"], "ann@example.com");
    assert!(signed_in["data"].get("status").is_none());
}

#[tokio::test]
async fn user_info_of_malformed_unknown_and_deleted_ids() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;

    for malformed in ["not-an-id", "!!!", "x".repeat(40).as_str()] {
        let body = server.get_api(&format!("/user/info/{malformed}")).await;
        assert_eq!(body["code"], 40001, "{malformed}: {body}");
    }
    // A valid hashid of another kind of object.
    let group_id = server.state.ids.encode(ann.id, IdKind::Group);
    let body = server.get_api(&format!("/user/info/{group_id}")).await;
    assert_eq!(body["code"], 40001, "{body}");

    let unknown = server
        .get_api(&format!("/user/info/{}", hashid(&server, 9_999)))
        .await;
    assert_eq!(unknown["code"], 40021, "{unknown}");

    soft_delete(&server, ann.id).await;
    let deleted = server
        .get_api(&format!("/user/info/{}", hashid(&server, ann.id)))
        .await;
    assert_eq!(deleted["code"], 40021, "{deleted}");
}

#[tokio::test]
async fn search_finds_active_users_by_nick_or_email() {
    let server = TestServer::start().await;
    server.create_user("caller@example.com", PASSWORD).await;
    let session = server.login("caller@example.com", PASSWORD).await;
    let carol = insert_user(&server, "carol@stratus.test", "Carol Danvers", "active").await;
    insert_user(&server, "dave@other.test", "Dave", "active").await;
    insert_user(&server, "inactive@stratus.test", "Carolina", "inactive").await;
    insert_user(&server, "banned@stratus.test", "Caroline", "manual_banned").await;
    let deleted = insert_user(&server, "gone@stratus.test", "Carola", "active").await;
    soft_delete(&server, deleted.id).await;
    insert_user(&server, "under_score@x.test", "Percent 100%", "active").await;

    let search = |keyword: &str| {
        let path = format!(
            "/user/search?keyword={}",
            keyword.replace('%', "%25").replace(' ', "%20")
        );
        let token = session.access_token.clone();
        let server = &server;
        async move { server.get_as(&path, &token).await }
    };
    let emails = |body: &Value| -> Vec<String> {
        assert_eq!(body["code"], 0, "{body}");
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect()
    };

    // By nick, case-insensitively; inactive, banned and deleted accounts are left out.
    let body = search("cAROL").await;
    assert_eq!(emails(&body), ["carol@stratus.test"]);
    let found = &body["data"][0];
    assert_eq!(found["id"], hashid(&server, carol.id));
    assert_eq!(found["nickname"], "Carol Danvers");
    assert_eq!(found["group"]["name"], "User");
    assert!(found.get("status").is_none());
    // By the whole e-mail address, in any case; never by a part of one.
    assert_eq!(
        emails(&search("DAVE@other.test").await),
        ["dave@other.test"]
    );
    assert!(emails(&search("@other.").await).is_empty());
    assert!(emails(&search("ave@other.test").await).is_empty());
    assert!(emails(&search("stratus.test").await).is_empty());
    // LIKE wildcards match only themselves.
    assert!(emails(&search("%%%").await).is_empty());
    assert!(emails(&search("c%l").await).is_empty());
    assert!(emails(&search("r_l").await).is_empty());
    assert!(emails(&search("t_1").await).is_empty());
    assert_eq!(emails(&search("00%").await), ["under_score@x.test"]);
    assert!(emails(&search("nobody-here").await).is_empty());
}

#[tokio::test]
async fn search_answers_at_most_ten_and_checks_its_keyword() {
    let server = TestServer::start().await;
    server.create_user("caller@example.com", PASSWORD).await;
    let session = server.login("caller@example.com", PASSWORD).await;
    for i in 0..12 {
        insert_user(
            &server,
            &format!("many{i}@crowd.test"),
            &format!("Many {i}"),
            "active",
        )
        .await;
    }
    let body = server
        .get_as("/user/search?keyword=many", &session.access_token)
        .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 10);

    for bad in [
        "/user/search?keyword=a",
        "/user/search?keyword=ab",
        "/user/search?keyword=%20ab%20",
        "/user/search?keyword=",
        "/user/search",
    ] {
        let body = server.get_as(bad, &session.access_token).await;
        assert_eq!(body["code"], 40001, "{bad}: {body}");
    }
    let anon = server.get_api("/user/search?keyword=crowd").await;
    assert_eq!(anon["code"], 401);
}
