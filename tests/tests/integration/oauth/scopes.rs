//! Scopes on routes: an application's token reaches only what its scopes allow (40089
//! otherwise), while password sign-in tokens stay unrestricted.

use reqwest::Method;
use serde_json::{Value, json};

use super::{ALL_APP_SCOPES, authorize, setup};

#[tokio::test]
async fn a_read_only_token_lists_files_but_cannot_delete_them() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let made = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/keep.txt", "type": "file"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let reply = authorize(&server, &ann, &app, "openid Files.Read").await;
    let token = reply["access_token"].as_str().unwrap();

    let listed = server.get_as("/file?uri=cloudreve%3A%2F%2Fmy", token).await;
    assert_eq!(listed["code"], 0, "{listed}");
    let names: Vec<&str> = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["keep.txt"]);
    let delete = json!({"uris": ["cloudreve://my/keep.txt"]});
    let refused = server
        .send_as(Method::DELETE, "/file", token, &delete)
        .await;
    assert_eq!(refused["code"], 40089, "{refused}");
    assert_eq!(refused["msg"], "Insufficient scope: Files.Write");
    // Nothing changed; the password session may delete.
    let still = server.get_as("/file?uri=cloudreve%3A%2F%2Fmy", token).await;
    assert_eq!(still["data"]["files"].as_array().unwrap().len(), 1);
    let deleted = server
        .send_as(Method::DELETE, "/file", &ann.access_token, &delete)
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
}

#[tokio::test]
async fn every_route_group_asks_for_its_scope() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid").await;
    let token = reply["access_token"].as_str().unwrap();
    let cases: &[(Method, &str, Value, &str)] = &[
        (
            Method::GET,
            "/file?uri=cloudreve%3A%2F%2Fmy",
            json!(null),
            "Files.Read",
        ),
        (
            Method::POST,
            "/file/create",
            json!({"uri": "cloudreve://my/a", "type": "file"}),
            "Files.Write",
        ),
        (Method::PUT, "/file/upload", json!({}), "Files.Write"),
        (Method::GET, "/share", json!(null), "Shares.Read"),
        (Method::PUT, "/share", json!({}), "Shares.Write"),
        (Method::GET, "/workflow", json!(null), "Workflow.Read"),
        (
            Method::POST,
            "/workflow/archive",
            json!({}),
            "Workflow.Write",
        ),
        (
            Method::POST,
            "/workflow/import",
            json!({}),
            "Workflow.Write",
        ),
        (Method::GET, "/user/me", json!(null), "UserInfo.Read"),
        (Method::GET, "/user/capacity", json!(null), "UserInfo.Read"),
        (Method::GET, "/user/setting", json!(null), "UserInfo.Read"),
        (
            Method::PATCH,
            "/user/setting",
            json!({"nick": "x"}),
            "UserInfo.Write",
        ),
        (
            Method::PUT,
            "/user/authn",
            json!({}),
            "UserSecurityInfo.Write",
        ),
        (Method::GET, "/devices/dav", json!(null), "DavAccount.Read"),
        (Method::GET, "/snapshot", json!(null), "Files.Read"),
    ];
    for (method, path, body, scope) in cases {
        let got = if body.is_null() {
            server.get_as(path, token).await
        } else {
            server.send_as(method.clone(), path, token, body).await
        };
        assert_eq!(got["code"], 40089, "{method} {path}: {got}");
        assert_eq!(
            got["msg"],
            format!("Insufficient scope: {scope}"),
            "{method} {path}"
        );
    }
    // Routes without scopes answer as usual.
    assert_eq!(server.get_as("/site/ping", token).await["code"], 0);
    // A refresh carrying an OAuth access token needs offline_access.
    let r = server
        .send_as(
            Method::POST,
            "/session/token/refresh",
            token,
            &json!({"refresh_token": "x"}),
        )
        .await;
    assert_eq!(r["msg"], "Insufficient scope: offline_access", "{r}");
}

#[tokio::test]
async fn security_changes_need_user_security_scope_inside_the_settings_route() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid UserInfo.Write").await;
    let token = reply["access_token"].as_str().unwrap();
    let nick = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            token,
            &json!({"nick": "Ann B"}),
        )
        .await;
    assert_eq!(nick["code"], 0, "{nick}");
    let pw = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            token,
            &json!({"current_password": crate::admin::PW, "new_password": "another-pass-1"}),
        )
        .await;
    assert_eq!(pw["code"], 40089, "{pw}");
    assert_eq!(pw["msg"], "Insufficient scope: UserSecurityInfo.Write");
    // The password is unchanged.
    server.login("ann@oauth.test", crate::admin::PW).await;
}
