//! The full round trip: the provider's user gets an account on the first sign-in, and the
//! same one on the next; the one-time code works once and for a minute.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use stratus_entity::{external_identity, kv, user};

use super::{finish, pair, param, round_trip, sign_in};

#[tokio::test]
async fn the_round_trip_makes_the_account_once_and_signs_in_to_it_again() {
    let pair = pair(json!({})).await;
    let landing = round_trip(&pair, &pair.alice, "redirect=/home?path=x").await;
    assert_eq!(param(&landing, "redirect").unwrap(), "/home?path=x");
    let code = param(&landing, "code").unwrap();
    let first = finish(&pair.app, &code).await;
    assert_eq!(first["code"], 0, "{first}");
    let user = &first["data"]["user"];
    assert_eq!(user["email"], "alice@idp.test");
    assert!(first["data"]["token"]["access_token"].is_string());

    let again = sign_in(&pair, &pair.alice).await;
    assert_eq!(again["code"], 0, "{again}");
    assert_eq!(again["data"]["user"]["id"], user["id"]);
    let accounts = user::Entity::find()
        .filter(user::Column::Email.eq("alice@idp.test"))
        .count(&pair.app.state.db)
        .await
        .unwrap();
    let links = external_identity::Entity::find()
        .filter(external_identity::Column::Provider.eq("oidc:idp"))
        .count(&pair.app.state.db)
        .await
        .unwrap();
    assert_eq!((accounts, links), (1, 1));

    // The token works at the client.
    let me = pair
        .app
        .get_as(
            "/user/me",
            again["data"]["token"]["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(me["data"]["email"], "alice@idp.test", "{me}");
}

#[tokio::test]
async fn the_one_time_code_works_once_and_for_a_minute() {
    let pair = pair(json!({})).await;
    let landing = round_trip(&pair, &pair.alice, "").await;
    // Without `redirect` the landing goes home, and never to another site.
    assert_eq!(param(&landing, "redirect").unwrap(), "/home");
    let code = param(&landing, "code").unwrap();
    assert_eq!(finish(&pair.app, &code).await["code"], 0);
    let reused = finish(&pair.app, &code).await;
    assert_eq!(reused["code"], 40023, "{reused}");

    let landing = round_trip(&pair, &pair.alice, "redirect=//evil.example/").await;
    assert_eq!(param(&landing, "redirect").unwrap(), "/home");
    let code = param(&landing, "code").unwrap();
    // A minute later.
    let rows = kv::Entity::find()
        .filter(kv::Column::Kind.eq("oidc_finish"))
        .all(&pair.app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let mut row: kv::ActiveModel = rows[0].clone().into();
    row.expires_at = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
    row.update(&pair.app.state.db).await.unwrap();
    let expired = finish(&pair.app, &code).await;
    assert_eq!(expired["code"], 40023, "{expired}");

    for bad in [json!({}), json!({"code": ""})] {
        let (_, env) = pair
            .app
            .send_api(
                reqwest::Method::POST,
                "/session/oidc/finish",
                &bad.to_string(),
            )
            .await;
        assert_eq!(env["code"], 40001, "{bad}: {env}");
    }
    let unknown = finish(&pair.app, "never-issued").await;
    assert_eq!(unknown["code"], 40023);
}

#[tokio::test]
async fn an_account_with_2fa_gets_the_second_step() {
    let pair = pair(json!({})).await;
    let first = sign_in(&pair, &pair.alice).await;
    assert_eq!(first["code"], 0, "{first}");
    let account = user::Entity::find()
        .filter(user::Column::Email.eq("alice@idp.test"))
        .one(&pair.app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: user::ActiveModel = account.into();
    row.two_factor_secret = Set(Some("JBSWY3DPEHPK3PXP".into()));
    row.update(&pair.app.state.db).await.unwrap();
    let second = sign_in(&pair, &pair.alice).await;
    assert_eq!(second["code"], 203, "{second}");
    assert!(second["data"].is_string());
}
