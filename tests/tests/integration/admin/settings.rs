//! `/admin/settings` and `/admin/tool/*`: reading without secrets, per-key checks that change
//! nothing on failure, changes seen at once here and on a sibling instance within its cache
//! lifetime, the test mail, and the audit trail.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{TestServer, smtp::SmtpServer};

use super::{admin, admin_events, call, ok};

async fn patch(server: &TestServer, s: &stratus_tests::Session, settings: Value) -> Value {
    call(
        server,
        Some(s),
        Method::PATCH,
        "/admin/settings",
        Some(json!({ "settings": settings })),
    )
    .await
}

async fn site_title(server: &TestServer) -> String {
    let basic = server.get_api("/site/config/basic").await;
    basic["data"]["title"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn settings_are_read_without_secrets() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let keys = json!({"keys": ["siteName", "secret_key", "hash_id_salt", "smtpPass",
                               "captcha_ReCaptchaSecret", "register_enabled", "no_such_key"]});
    let data = ok(&server, &boss, Method::POST, "/admin/settings", keys).await;
    let map = data.as_object().unwrap();
    assert_eq!(map.len(), 2, "{data}");
    assert_eq!(data["siteName"], "Stratus");
    assert_eq!(data["register_enabled"], "1");
}

#[tokio::test]
async fn a_change_applies_on_the_next_request_and_a_bad_value_changes_nothing() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;

    let saved = patch(
        &server,
        &boss,
        json!({"siteName": "Cloud of Ann", "smtpPass": "hunter2"}),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(saved["data"], json!({"siteName": "Cloud of Ann"}));
    assert_eq!(site_title(&server).await, "Cloud of Ann");

    // One bad value among good ones: refused with the setting's name, nothing saved.
    for (bad, why) in [
        (
            json!({"siteName": "Other", "thumb_width": "wide"}),
            "thumb_width",
        ),
        (
            json!({"siteName": "Other", "register_enabled": "maybe"}),
            "register_enabled",
        ),
        (
            json!({"siteName": "Other", "siteURL": "ftp://x"}),
            "siteURL",
        ),
        (json!({"siteName": "Other", "emojis": "[1]"}), "emojis"),
        (
            json!({"siteName": "Other", "mail_reset_template": "[{\"language\":\"en\"}]"}),
            "mail_reset_template",
        ),
        (
            json!({"siteName": "Other", "hash_id_salt": "new"}),
            "hash_id_salt",
        ),
        (json!({"siteName": "Other", "made_up": "1"}), "made_up"),
        (
            json!({"siteName": "Other", "default_group": "3"}),
            "default_group",
        ),
        (
            json!({"siteName": "Other", "default_group": "99"}),
            "default_group",
        ),
    ] {
        let resp = patch(&server, &boss, bad.clone()).await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
        assert!(resp["msg"].as_str().unwrap().contains(why), "{bad}: {resp}");
    }
    assert_eq!(site_title(&server).await, "Cloud of Ann");

    // Registration follows the setting on the next request.
    let off = patch(&server, &boss, json!({"register_enabled": "0"})).await;
    assert_eq!(off["code"], 0, "{off}");
    let (_, signup) = server
        .send_api(
            Method::POST,
            "/user",
            &json!({"email": "new@example.com", "password": "password123"}).to_string(),
        )
        .await;
    assert_ne!(signup["code"], 0, "{signup}");

    // The change is in the audit log; the secret only as "set".
    let events = admin_events(&server, &boss, "setting").await;
    let first = &events[0]["content"]["changes"];
    assert_eq!(first["siteName"]["to"], "Cloud of Ann", "{events:?}");
    assert_eq!(first["smtpPass"], json!({"from": "", "to": "<secret>"}));
    assert!(!serde_json::to_string(&events).unwrap().contains("hunter2"));
}

#[tokio::test]
async fn a_captcha_stratus_cannot_verify_is_refused() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    for kind in ["recaptcha", "tcaptcha", "turnstile", "cap"] {
        let resp = patch(
            &server,
            &boss,
            json!({"captcha_type": kind, "login_captcha": "1"}),
        )
        .await;
        assert_eq!(resp["code"], 40001, "{kind}: {resp}");
        assert!(
            resp["msg"].as_str().unwrap().contains("captcha_type"),
            "{resp}"
        );
    }
    // Sign-in still works without a captcha: nothing was saved.
    server.login("boss@example.com", super::PW).await;
    let resp = patch(&server, &boss, json!({"captcha_type": "normal"})).await;
    assert_eq!(resp["code"], 0, "{resp}");
}

#[tokio::test]
async fn schedules_are_cron_lines_or_go_durations_and_a_bad_one_is_refused() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let read = || {
        ok(
            &server,
            &boss,
            Method::POST,
            "/admin/settings",
            json!({"keys": ["cron_entity_collect"]}),
        )
    };
    for good in ["@every 1h30m", "0 */5 * * * *", "*/7 * * * *", "@daily"] {
        let resp = patch(&server, &boss, json!({"cron_entity_collect": good})).await;
        assert_eq!(resp["code"], 0, "{good}: {resp}");
        assert_eq!(read().await["cron_entity_collect"], good);
    }
    for bad in [
        "61 * * * *",
        "* * * *",
        "0 0 0 1 1 * 2030",
        "@every soon",
        "@every 1500ms",
        "@sometimes",
    ] {
        let resp = patch(&server, &boss, json!({"cron_entity_collect": bad})).await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
        let msg = resp["msg"].as_str().unwrap();
        assert!(msg.contains("cron_entity_collect"), "{bad}: {resp}");
        assert_eq!(read().await["cron_entity_collect"], "@daily", "{bad}");
    }
}

#[tokio::test]
async fn a_sibling_instance_sees_a_change_within_its_cache_lifetime() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    let boss = admin(&server, "boss@example.com").await;
    assert_eq!(site_title(&sibling).await, "Stratus");
    let resp = patch(&server, &boss, json!({"siteName": "Renamed"})).await;
    assert_eq!(resp["code"], 0, "{resp}");
    // The sibling's settings cache lives CACHE_TTL; poll with a generous deadline.
    let ttl = stratus_server::settings::CACHE_TTL;
    let deadline = tokio::time::Instant::now() + ttl * 4;
    while site_title(&sibling).await != "Renamed" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sibling never saw the change"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_test_mail_uses_the_given_settings_and_reports_the_smtp_error() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let sink = SmtpServer::start().await;
    let settings: serde_json::Map<String, Value> = sink
        .settings()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    let sent = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/tool/mail",
        Some(json!({"settings": settings, "to": "ops@example.com"})),
    )
    .await;
    assert_eq!(sent["code"], 0, "{sent}");
    let mail = sink
        .wait_for_mail_to("ops@example.com", Duration::from_secs(20))
        .await;
    assert!(mail.text().contains("test mail"), "{}", mail.text());
    // Nothing was saved: the saved SMTP host is still empty.
    let read = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/settings",
        json!({"keys": ["smtpHost"]}),
    )
    .await;
    assert_eq!(read["smtpHost"], "");

    // A server that refuses the connection: 40028 with the SMTP client's error.
    let closed = stratus_tests::smtp::unused_port().await;
    let failed = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/tool/mail",
        Some(
            json!({"settings": {"smtpHost": "127.0.0.1", "smtpPort": closed.to_string()},
                    "to": "ops@example.com"}),
        ),
    )
    .await;
    assert_eq!(failed["code"], 40028, "{failed}");
    assert!(failed["msg"].as_str().unwrap().contains("SMTP"), "{failed}");

    let bad = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/tool/mail",
        Some(json!({"settings": {"siteName": "x"}, "to": "ops@example.com"})),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");

    let cleared = call(
        &server,
        Some(&boss),
        Method::DELETE,
        "/admin/tool/entityUrlCache",
        None,
    )
    .await;
    assert_eq!(cleared["code"], 0, "{cleared}");
    let wopi = call(
        &server,
        Some(&boss),
        Method::GET,
        "/admin/tool/wopi?endpoint=x",
        None,
    )
    .await;
    assert_eq!(wopi["code"], 40019, "{wopi}");
}
