//! Subscriptions refused before the stream: envelopes.

use reqwest::Method;
use serde_json::json;
use stratus_tests::envelope;
use uuid::Uuid;

use super::{create, events_request, setup};
use crate::admin::admin;

#[tokio::test]
async fn bad_client_ids_other_users_folders_and_files_are_refused() {
    let (server, ann, bob) = setup().await;
    create(&server, &ann, "cloudreve://my/Docs/a.txt", "file").await;
    let client = Uuid::new_v4().to_string();
    let call = |s, uri: &'static str, client: &str| {
        let req = events_request(&server, s, uri, client);
        async move {
            let resp = req.send().await.unwrap();
            assert!(
                resp.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json")
            );
            envelope(resp).await
        }
    };
    for bad in ["", "not-a-uuid"] {
        let resp = call(&ann, "cloudreve://my/Docs", bad).await;
        assert_eq!(resp["code"], 40001, "{resp}");
    }
    // Bob cannot reach Ann's folder: his own tree has no such folder.
    let resp = call(&bob, "cloudreve://my/Docs", &client).await;
    assert_eq!(resp["code"], 40001, "{resp}");
    // A file is no folder; nor is the trash a place to subscribe to.
    let resp = call(&ann, "cloudreve://my/Docs/a.txt", &client).await;
    assert_eq!(resp["code"], 40001, "{resp}");
    let resp = call(&ann, "cloudreve://trash", &client).await;
    assert_eq!(resp["code"], 40001, "{resp}");
    // Anonymous callers never subscribe.
    let resp = envelope(
        server
            .client
            .get(server.api("/file/events?uri=cloudreve%3A%2F%2Fmy"))
            .header("X-Cr-Client-Id", &client)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(resp["code"], 401, "{resp}");
    // Nothing was subscribed by any of these.
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        stratus_entity::fs_subscription::Entity::find()
            .count(&server.state.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_feature_flag_off_answers_40019() {
    let (server, ann, _bob) = setup().await;
    let boss = admin(&server, "root@example.com").await;
    let resp = server
        .send_as(
            Method::PATCH,
            "/admin/settings",
            &boss.access_token,
            &json!({"settings": {"fs_event_push_enabled": "0"}}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    let resp = envelope(
        events_request(&server, &ann, "cloudreve://my", &Uuid::new_v4().to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(resp["code"], 40019, "{resp}");
}
