//! Managing direct links (Cloudreve 4.1–4.12): reuse unless the group has permission bit
//! 17, the owner's list in `extended_info.direct_links`, `DELETE /file/source/:id`, and CORS
//! on content and direct links.

use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::direct_link;
use stratus_server::{
    boolset::{Boolset, group_perm},
    ids::IdKind,
};
use stratus_tests::{Session, TestServer, query_escape};

use super::link_of;
use crate::archive::{PW, my, pattern, setup, update_group, upload};

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let path = format!("/file/info?uri={}&extended=true", query_escape(uri));
    server.get_as(&path, &s.access_token).await
}

async fn revoke(server: &TestServer, s: &Session, id: &str) -> Value {
    server
        .send_as(
            Method::DELETE,
            &format!("/file/source/{id}"),
            &s.access_token,
            &json!({}),
        )
        .await
}

fn hashid_of(link: &str) -> String {
    link.split("/f/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn links_are_reused_unless_the_group_makes_unique_ones() {
    let (server, ann) = setup().await;
    let uri = my("a.txt");
    upload(&server, &ann, &uri, &pattern(1000, 1)).await;
    let first = link_of(&server, &ann, &uri).await;
    assert_eq!(link_of(&server, &ann, &uri).await, first);
    update_group(&server, |g| {
        let mut perms = Boolset::from_bytes(g.permissions.clone());
        perms.set(group_perm::UNIQUE_DIRECT_LINK);
        g.permissions = perms.into_bytes();
    })
    .await;
    let second = link_of(&server, &ann, &uri).await;
    let third = link_of(&server, &ann, &uri).await;
    assert_ne!(second, first);
    assert_ne!(third, second);
    let rows = direct_link::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
}

#[tokio::test]
async fn the_owner_lists_and_revokes_links_and_no_one_else_can() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let uri = my("a.txt");
    upload(&server, &ann, &uri, &pattern(1000, 2)).await;
    // No link yet: no list.
    let before = info(&server, &ann, &uri).await;
    assert_eq!(before["code"], 0, "{before}");
    assert!(
        before["data"]["extended_info"]
            .get("direct_links")
            .is_none(),
        "{before}"
    );

    let link = link_of(&server, &ann, &uri).await;
    let followed = server.client.get(&link).send().await.unwrap();
    assert_eq!(followed.status(), StatusCode::FOUND);
    let shown = info(&server, &ann, &uri).await;
    let links = shown["data"]["extended_info"]["direct_links"]
        .as_array()
        .unwrap_or_else(|| panic!("{shown}"));
    assert_eq!(links.len(), 1, "{shown}");
    let id = hashid_of(&link);
    assert_eq!(links[0]["id"], id.as_str());
    assert_eq!(links[0]["url"], link.as_str());
    assert_eq!(links[0]["downloaded"], 1);
    assert!(links[0]["created_at"].is_string(), "{shown}");

    // A visitor of a share of the file sees its details but not its links.
    let (share, _) = server.share(&ann, &uri, json!({})).await;
    let seen = info(&server, &bob, &format!("cloudreve://{share}@share/a.txt")).await;
    assert_eq!(seen["code"], 0, "{seen}");
    assert!(
        seen["data"]["extended_info"].get("direct_links").is_none(),
        "{seen}"
    );

    // Bob cannot revoke Ann's link: it answers like an unknown one.
    let unknown = server.state.ids.encode(9999, IdKind::SourceLink);
    for (who, target) in [(&bob, id.as_str()), (&ann, unknown.as_str())] {
        let refused = revoke(&server, who, target).await;
        assert_eq!(refused["code"], 404, "{refused}");
        assert_eq!(refused["msg"], "Direct link not found", "{refused}");
    }
    let malformed = revoke(&server, &ann, "not-an-id!").await;
    assert_eq!(malformed["code"], 40001, "{malformed}");
    let anonymous = server
        .client
        .delete(server.api(&format!("/file/source/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(anonymous).await["code"], 401);
    let still = server.client.get(&link).send().await.unwrap();
    assert_eq!(still.status(), StatusCode::FOUND);

    let revoked = revoke(&server, &ann, &id).await;
    assert_eq!(revoked["code"], 0, "{revoked}");
    assert!(
        direct_link::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    let gone = server.client.get(&link).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let after = info(&server, &ann, &uri).await;
    assert!(
        after["data"]["extended_info"].get("direct_links").is_none(),
        "{after}"
    );
    let again = revoke(&server, &ann, &id).await;
    assert_eq!(again["code"], 404, "{again}");
}

#[tokio::test]
async fn content_and_direct_links_answer_cors_for_any_origin() {
    let (server, ann) = setup().await;
    let uri = my("a.txt");
    upload(&server, &ann, &uri, &pattern(1000, 3)).await;
    let link = link_of(&server, &ann, &uri).await;
    let forced = link.replace("/f/", "/f/d/");
    for target in [
        link.as_str(),
        forced.as_str(),
        &server.url("/f/any/thing/below"),
    ] {
        let pre = server
            .client
            .request(Method::OPTIONS, target)
            .header("origin", "https://player.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "range")
            .send()
            .await
            .unwrap();
        assert!(pre.status().is_success(), "{target}: {}", pre.status());
        let h = pre.headers();
        assert_eq!(h["access-control-allow-origin"], "*", "{target}");
        assert_eq!(h["access-control-allow-methods"], "GET, HEAD, OPTIONS");
        let allowed = h["access-control-allow-headers"].to_str().unwrap();
        for name in ["Range", "If-Range", "Authorization", "Content-Type"] {
            assert!(allowed.contains(name), "{allowed}");
        }
        assert!(h.get("access-control-allow-credentials").is_none());
    }
    let followed = server
        .client
        .get(&link)
        .header("origin", "https://player.example")
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::FOUND);
    assert_eq!(followed.headers()["access-control-allow-origin"], "*");
    let location = followed.headers()["location"].to_str().unwrap().to_owned();
    let content = server
        .client
        .get(server.url(&location))
        .header("origin", "https://player.example")
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), StatusCode::PARTIAL_CONTENT);
    let h = content.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    let exposed = h["access-control-expose-headers"].to_str().unwrap();
    for name in [
        "Content-Range",
        "Accept-Ranges",
        "Content-Length",
        "Content-Disposition",
        "ETag",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }
    // The rest of the API is not opened to other origins.
    let ping = server
        .client
        .get(server.api("/site/ping"))
        .header("origin", "https://player.example")
        .send()
        .await
        .unwrap();
    assert!(ping.headers().get("access-control-allow-origin").is_none());
}
