//! The e-mail to new recipients: asked for, each user who gets access now is told who shared
//! what and how, with a link to "Shared with me"; nobody is mailed without asking, for a
//! change of an existing grant, or for a group. Without a mail server set up the sharer is told
//! nobody was mailed.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use stratus_tests::smtp::SmtpServer;

use super::{People, send, setup};

#[tokio::test]
async fn new_recipients_are_mailed_when_the_owner_asks() {
    let p = setup().await;
    let smtp = SmtpServer::start().await;
    let mail = smtp.settings();
    let pairs: Vec<(&str, &str)> = mail.iter().map(|(k, v)| (*k, v.as_str())).collect();
    p.server.state.settings.set(&pairs).await.unwrap();
    let grant = |users: serde_json::Value, groups: serde_json::Value, notify: bool| {
        send(
            &p.server,
            &p.ann,
            Method::PUT,
            "/file/permission",
            json!({"uri": "cloudreve://my/Team", "users": users, "groups": groups, "notify": notify}),
        )
    };

    // Carol without asking: no mail. Bob, asking: one.
    let body = grant(json!({ People::id(&p.carol): "read" }), json!({}), false).await;
    assert_eq!(body["code"], 0, "{body}");
    assert!(body["data"].get("mail_sent").is_none(), "{body}");
    let body = grant(json!({ People::id(&p.bob): "write" }), json!({}), true).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["mail_sent"], true, "{body}");
    let got = smtp
        .wait_for_mail_to("bob@example.com", Duration::from_secs(20))
        .await;
    assert!(
        got.subject().contains("shared \"Team\" with you"),
        "{}",
        got.subject()
    );
    let text = got.text();
    assert!(text.contains("ann@example.com"), "{text}");
    assert!(text.contains("view and edit"), "{text}");
    let link = got.link("/home?path=").expect("a link to Shared with me");
    assert!(link.contains("shared_with_me"), "{link}");

    // Bob lowered and Carol raised, asking: neither is new, nobody is mailed; nor is the
    // group's members.
    let body = grant(
        json!({ People::id(&p.bob): "read", People::id(&p.carol): "write" }),
        json!({}),
        true,
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let group = p.ann.user["group"]["id"].as_str().unwrap().to_owned();
    let body = grant(json!({}), json!({ group: "read" }), true).await;
    assert_eq!(body["code"], 0, "{body}");
    assert!(body["data"].get("mail_sent").is_none(), "{body}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received(), 1, "{:?}", smtp.mails());
}

#[tokio::test]
async fn without_mail_set_up_the_sharer_is_told_nobody_was_mailed() {
    let p = setup().await;
    let body = send(
        &p.server,
        &p.ann,
        Method::PUT,
        "/file/permission",
        json!({"uri": "cloudreve://my/Team", "users": { People::id(&p.bob): "read" }, "notify": true}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["mail_sent"], false, "{body}");
    // The grant is made all the same.
    assert_eq!(
        body["data"]["entries"].as_array().unwrap().len(),
        1,
        "{body}"
    );
}
