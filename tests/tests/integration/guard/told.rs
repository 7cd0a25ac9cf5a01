//! Who is told when the guard stops a credential: the user by e-mail (what happened, and where
//! to undo it), the administrators' notification channels (a signed `guard_tripped` event),
//! and the audit log.

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::event;
use stratus_tests::smtp::SmtpServer;

use super::{ANN, access::stopped, setup};
use crate::{
    admin::admin,
    notify::{Hook, allow, assert_signed, webhook},
};

#[tokio::test]
async fn the_user_is_mailed_and_the_administrators_channel_and_the_audit_log_get_the_trip() {
    let (server, ann) = setup(5).await;
    let smtp = SmtpServer::start().await;
    let mail = smtp.settings();
    let pairs: Vec<(&str, &str)> = mail.iter().map(|(k, v)| (*k, v.as_str())).collect();
    server.state.settings.set(&pairs).await.unwrap();
    let boss = admin(&server, "boss@example.com").await;
    let hook = Hook::start().await;
    allow(&server, &boss, "127.0.0.1/32").await;
    webhook(
        &server,
        &boss,
        &hook.url,
        "guard-secret",
        json!(["guard_tripped"]),
    )
    .await;

    let (_, id) = stopped(&server, &ann).await;

    let got = smtp.wait_for_mail_to(ANN, Duration::from_secs(20)).await;
    assert!(
        got.subject().contains("many files were deleted or changed"),
        "{}",
        got.subject()
    );
    let text = got.text();
    assert!(text.contains("5 deleted"), "{text}");
    assert!(text.contains("Undo all"), "{text}");
    let link = got
        .link("/settings?tab=security")
        .expect("a link to Security");
    assert!(link.starts_with("http"), "{link}");

    let called = hook.wait_for("guard_tripped").await;
    assert_signed(&called, "guard-secret");
    let body = called.json();
    assert_eq!(body["details"]["incident_id"], id, "{body}");
    assert_eq!(body["details"]["user"], ANN, "{body}");
    assert_eq!(body["details"]["deleted"], 5, "{body}");

    let audit = event::Entity::find()
        .filter(event::Column::Type.eq(63))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    let content = audit[0].content.clone().unwrap();
    assert_eq!(content["incident_id"], id, "{content}");
    // One trip, one mail: the requests refused after it tell nobody again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received(), 1, "{:?}", smtp.mails());
}
