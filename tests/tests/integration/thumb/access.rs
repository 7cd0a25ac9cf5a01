//! Who may get a thumbnail: requests checked against the caller, share visitors.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_tests::query_escape;

use super::{PW, all_thumbs, assert_fits, fetch, file_row, png, setup, thumb, upload};

#[tokio::test]
async fn requests_are_checked_against_the_caller() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    upload(&server, &ann, "cloudreve://my/p.png", &png(50, 50)).await;
    let path = format!("/file/thumb?uri={}", query_escape("cloudreve://my/p.png"));

    // Not signed in.
    assert_eq!(server.get_api(&path).await["code"], 401);
    // Malformed: no URI, or not a URI.
    assert_eq!(
        server.get_as("/file/thumb", &ann.access_token).await["code"],
        40001
    );
    assert_eq!(
        server
            .get_as("/file/thumb?uri=nope", &ann.access_token)
            .await["code"],
        40001
    );
    // Another user's file: not in Bob's tree, and Ann's tree is closed to him.
    assert_eq!(
        thumb(&server, &bob, "cloudreve://my/p.png").await["code"],
        404
    );
    let ann_id = ann.user["id"].as_str().unwrap();
    assert_eq!(
        thumb(&server, &bob, &format!("cloudreve://{ann_id}@my/p.png")).await["code"],
        404
    );
    assert!(all_thumbs(&server).await.is_empty());

    // The trash does not offer thumbnails (capability bit 10): "no thumbnail", as for any
    // file that has none, so clients show the icon.
    let id = file_row(&server, &ann, "p.png").await.id;
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/p.png"]}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let trashed = file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(trashed.parent_id, None);
    let answer = thumb(
        &server,
        &ann,
        &format!("cloudreve://trash/{}", trashed.name),
    )
    .await;
    assert_eq!(answer["code"], 40077, "{answer}");
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/p.png").await["code"],
        404
    );
}

/// A visitor of a share gets thumbnails through the share URI, anonymously; a locked share
/// gives none until its password is in the URI.
#[tokio::test]
async fn share_visitors_get_thumbnails() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/pics/a.png", &png(400, 200)).await;
    let made = server
        .send_as(
            Method::PUT,
            "/share",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/pics", "is_private": true, "password": "opensesame"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let link = made["data"].as_str().unwrap();
    let id = link.split("/s/").nth(1).unwrap().split('/').next().unwrap();

    let anon = |uri: String| {
        let server = &server;
        async move {
            let resp = server
                .client
                .get(server.api("/file/thumb"))
                .query(&[("uri", uri.as_str())])
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        }
    };
    let locked = anon(format!("cloudreve://{id}@share/a.png")).await;
    assert_eq!(locked["code"], 40069, "{locked}");
    let wrong = anon(format!("cloudreve://{id}:nope@share/a.png")).await;
    assert_eq!(wrong["code"], 40069, "{wrong}");
    let open = anon(format!("cloudreve://{id}:opensesame@share/a.png")).await;
    let (_, picture) = fetch(&server, &open).await;
    assert_fits(&picture, 400, 300, 2.0);
    // Nothing above the shared folder is reachable through it.
    let escape = anon(format!("cloudreve://{id}:opensesame@share/../pics/a.png")).await;
    assert_ne!(escape["code"], 0, "{escape}");
}
