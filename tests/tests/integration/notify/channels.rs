//! Channels: a webhook receives signed events (a test, and what `notify::publish` queues),
//! a pending test answers the delivery error verbatim, loopback is refused unless allowed (and
//! the refusal names the setting), a webhook without a secret is a parameter error, secrets are
//! never read back, a mail channel delivers to the SMTP receiver.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::task;
use stratus_server::notify::{self, Event, EventKind};
use stratus_tests::{TestServer, smtp::SmtpServer};

use super::{Hook, allow, assert_signed, post, webhook};
use crate::{
    admin::{admin, admin_events, call, list, ok},
    workflow::wait_task,
};

async fn notify_tasks(server: &TestServer) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::Type.eq("notify"))
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_webhook_receives_signed_events_and_its_secret_is_never_read_back() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let hook = Hook::start().await;
    allow(&server, &boss, "127.0.0.1/32").await;
    let row = webhook(
        &server,
        &boss,
        &hook.url,
        "first-secret",
        json!(["node_down"]),
    )
    .await;
    let id = row["id"].as_i64().unwrap();
    assert_eq!(row["settings"], json!({"url": hook.url}));
    assert_eq!(row["events"], json!(["node_down"]));

    // The saved channel's test: signed with the secret, the event named in the header.
    ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/notification/{id}/test"),
        json!({}),
    )
    .await;
    let test = hook.wait_for("test").await;
    assert_signed(&test, "first-secret");
    let body = test.json();
    assert_eq!(body["event"], "test");
    for field in ["title", "message", "details", "sent_at", "site"] {
        assert!(!body[field].is_null(), "{field}: {body}");
    }
    assert!(test.head.contains("application/json"), "{}", test.head);

    // A published event the channel takes is delivered by a queued task; one it does not
    // take queues nothing.
    let details = json!({"node_id": 7, "error": "connection refused"});
    notify::publish(
        &server.state,
        Event::new(
            EventKind::NodeDown,
            "Node down",
            "It stopped.",
            details.clone(),
        ),
    )
    .await;
    notify::publish(
        &server.state,
        Event::new(EventKind::BackupCompleted, "Done", "Backed up.", json!({})),
    )
    .await;
    let tasks = notify_tasks(&server).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0].user_id.is_none());
    let down = hook.wait_for("node_down").await;
    assert_signed(&down, "first-secret");
    assert_eq!(down.json()["details"], details);
    assert_eq!(down.json()["title"], "Node down");
    wait_task(&server, tasks[0].id, "completed", |t| {
        t.status == "completed"
    })
    .await;

    // An edit without a secret keeps it; none of the answers shows it.
    let edited = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/notification/{id}"),
        json!({"channel": {"name": "renamed", "type": "webhook",
                "settings": {"url": hook.url}, "events": ["node_down", "node_up"]}}),
    )
    .await;
    assert_eq!(edited["name"], "renamed");
    let read = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/notification/{id}"),
        json!({}),
    )
    .await;
    let listed = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/notification",
        list(10, json!({})),
    )
    .await;
    assert_eq!(listed["channels"].as_array().unwrap().len(), 1);
    assert_eq!(listed["pagination"]["total_items"], 1);
    let audit = admin_events(&server, &boss, "notification").await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    for shown in [&edited, &read, &listed, &Value::Array(audit)] {
        assert!(!shown.to_string().contains("first-secret"), "{shown}");
    }
    post(
        &server,
        &boss,
        &format!("/admin/notification/{id}/test"),
        json!({}),
    )
    .await;
    let again = hook.received();
    assert_signed(again.last().unwrap(), "first-secret");

    // A new secret signs from then on.
    ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/notification/{id}"),
        json!({"channel": {"name": "renamed", "type": "webhook",
                "settings": {"url": hook.url, "secret": "second-secret"}}}),
    )
    .await;
    let before = hook.received().len();
    ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/notification/{id}/test"),
        json!({}),
    )
    .await;
    let last = hook.received();
    assert_eq!(last.len(), before + 1);
    assert_signed(last.last().unwrap(), "second-secret");

    ok(
        &server,
        &boss,
        Method::DELETE,
        &format!("/admin/notification/{id}"),
        json!({}),
    )
    .await;
    let gone = call(
        &server,
        Some(&boss),
        Method::GET,
        &format!("/admin/notification/{id}"),
        None,
    )
    .await;
    assert_ne!(gone["code"], 0, "{gone}");
}

#[tokio::test]
async fn a_pending_test_answers_the_delivery_error_and_loopback_needs_an_allowed_range() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let hook = Hook::start().await;
    let pending = |url: &str| {
        json!({"channel": {"name": "try", "type": "webhook",
                "settings": {"url": url, "secret": "s"}}})
    };

    // Loopback without an allowed range: refused before any connection.
    let refused = post(
        &server,
        &boss,
        "/admin/notification/test",
        pending(&hook.url),
    )
    .await;
    assert_eq!(refused["code"], 40001, "{refused}");
    let msg = refused["msg"].as_str().unwrap();
    assert!(msg.contains("internal address"), "{msg}");
    assert!(hook.received().is_empty());

    // Allowed: the pending channel's test reaches the receiver; nothing is saved.
    allow(&server, &boss, "127.0.0.1/32").await;
    let sent = post(
        &server,
        &boss,
        "/admin/notification/test",
        pending(&hook.url),
    )
    .await;
    assert_eq!(sent["code"], 0, "{sent}");
    assert_signed(&hook.wait_for("test").await, "s");
    let listed = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/notification",
        list(10, json!({})),
    )
    .await;
    assert_eq!(listed["channels"], json!([]));

    // A port nobody listens on: the connection error, verbatim.
    let closed = stratus_tests::smtp::unused_port().await;
    let url = format!("http://127.0.0.1:{closed}/hook");
    let failed = post(&server, &boss, "/admin/notification/test", pending(&url)).await;
    assert_eq!(failed["code"], 40001, "{failed}");
    let msg = failed["msg"].as_str().unwrap().to_lowercase();
    assert!(msg.contains("request to 127.0.0.1 failed"), "{msg}");
    assert!(msg.contains("refused"), "{msg}");

    // Bad channels are refused and nothing is saved.
    for bad in [
        json!({"name": "x", "type": "pager", "settings": {}}),
        json!({"name": "x", "type": "webhook", "settings": {"url": hook.url}}),
        json!({"name": "x", "type": "webhook", "settings": {"url": "ftp://h/x", "secret": "s"}}),
        json!({"name": "x", "type": "webhook", "settings": {"url": hook.url, "secret": "s"},
               "events": ["everything"]}),
        json!({"name": "", "type": "email", "settings": {"to": ["ops@example.com"]}}),
        json!({"name": "x", "type": "email", "settings": {"to": ["not an address"]}}),
        json!({"name": "x", "type": "email", "settings": {"to": []}}),
    ] {
        let resp = call(
            &server,
            Some(&boss),
            Method::PUT,
            "/admin/notification",
            Some(json!({"channel": bad})),
        )
        .await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
    }
    let listed = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/notification",
        list(10, json!({})),
    )
    .await;
    assert_eq!(listed["channels"], json!([]));
}

#[tokio::test]
async fn a_mail_channel_is_tested_through_the_site_smtp_settings() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let sink = SmtpServer::start().await;
    let settings: serde_json::Map<String, Value> = sink
        .settings()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    ok(
        &server,
        &boss,
        Method::PATCH,
        "/admin/settings",
        json!({"settings": settings}),
    )
    .await;
    let row = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/notification",
        json!({"channel": {"name": "ops mail", "type": "email",
                "settings": {"to": ["ops@example.com"]}}}),
    )
    .await;
    // No events named: every event but backup_completed.
    assert_eq!(
        row["events"],
        json!([
            "backup_failed",
            "target_test_failed",
            "node_down",
            "node_up",
            "guard_tripped"
        ])
    );
    let id = row["id"].as_i64().unwrap();
    ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/notification/{id}/test"),
        json!({}),
    )
    .await;
    let mail = sink
        .wait_for_mail_to("ops@example.com", Duration::from_secs(20))
        .await;
    assert!(
        mail.subject().contains("Test notification"),
        "{}",
        mail.subject()
    );
    assert!(mail.text().contains("It works"), "{}", mail.text());

    // With the SMTP server gone, the test answers the SMTP client's error.
    let closed = stratus_tests::smtp::unused_port().await;
    ok(
        &server,
        &boss,
        Method::PATCH,
        "/admin/settings",
        json!({"settings": {"smtpPort": closed.to_string()}}),
    )
    .await;
    let failed = post(
        &server,
        &boss,
        &format!("/admin/notification/{id}/test"),
        json!({}),
    )
    .await;
    assert_eq!(failed["code"], 40001, "{failed}");
    assert!(
        failed["msg"].as_str().unwrap().contains("ops@example.com"),
        "{failed}"
    );
}

#[tokio::test]
async fn a_failed_delivery_is_queued_again_later_with_its_error() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    allow(&server, &boss, "127.0.0.1/32").await;
    let closed = stratus_tests::smtp::unused_port().await;
    let url = format!("http://127.0.0.1:{closed}/hook");
    webhook(&server, &boss, &url, "s", json!(["backup_failed"])).await;
    let published = chrono::Utc::now();
    notify::publish(
        &server.state,
        Event::new(
            EventKind::BackupFailed,
            "Backup failed",
            "Disk full.",
            json!({}),
        ),
    )
    .await;
    let tasks = notify_tasks(&server).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0].queue, "notify");
    let retried = wait_task(&server, tasks[0].id, "retried", |t| {
        t.public_state["retry_count"] == 1
    })
    .await;
    assert_eq!(retried.status, "queued");
    // The queue's back-off: the next try waits (30 s by default), it is not run at once.
    assert!(retried.run_at.unwrap() > published + chrono::Duration::seconds(20));
    let error = retried.public_state["error"].as_str().unwrap();
    assert!(error.contains("request to 127.0.0.1 failed"), "{error}");
}

#[tokio::test]
async fn refusals_name_the_ranges_setting_and_a_missing_secret() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use stratus_entity::notification_channel;

    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let hook = Hook::start().await;
    let pending = |settings: Value| json!({"channel": {"name": "try", "type": "webhook", "settings": settings}});

    // Loopback: the refusal says which setting lets it through, the range to add, and where.
    let refused = post(
        &server,
        &boss,
        "/admin/notification/test",
        pending(json!({"url": hook.url, "secret": "s"})),
    )
    .await;
    assert_eq!(refused["code"], 40001, "{refused}");
    let msg = refused["msg"].as_str().unwrap();
    for part in [
        "an internal address",
        "add 127.0.0.1/32 to the setting",
        "notification_allowed_cidrs",
        "Notifications page",
    ] {
        assert!(msg.contains(part), "{part}: {msg}");
    }

    // No secret, or only blanks: a parameter error naming the field, not a failed delivery.
    allow(&server, &boss, "127.0.0.1/32").await;
    for settings in [
        json!({"url": hook.url}),
        json!({"url": hook.url, "secret": "  "}),
    ] {
        let missing = post(
            &server,
            &boss,
            "/admin/notification/test",
            pending(settings),
        )
        .await;
        assert_eq!(missing["code"], 40001, "{missing}");
        assert_eq!(
            missing["msg"],
            "settings.secret: required, to sign what the webhook receives"
        );
    }

    // A saved channel without a secret (written before secrets were checked) is refused the
    // same way rather than sending an unsigned body.
    let now = chrono::Utc::now();
    let row = notification_channel::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set("old".into()),
        r#type: Set("webhook".into()),
        settings: Set(json!({"url": hook.url, "secret": ""})),
        events: Set(json!(["node_down"])),
        enabled: Set(true),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let saved = post(
        &server,
        &boss,
        &format!("/admin/notification/{}/test", row.id),
        json!({}),
    )
    .await;
    assert_eq!(saved["code"], 40001, "{saved}");
    assert!(
        saved["msg"]
            .as_str()
            .unwrap()
            .starts_with("settings.secret: required"),
        "{saved}"
    );
    assert!(hook.received().is_empty());
}
