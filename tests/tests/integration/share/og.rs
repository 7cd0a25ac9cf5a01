//! Link previews for chat apps (Cloudreve 4.12): a crawler's request of a share link gets
//! Open Graph and Twitter card tags; a password share shows nothing of itself until the link
//! carries its password; browsers pass through to the redirect and the app.

use serde_json::json;
use stratus_tests::{TestServer, query_escape};

use super::{make_tree, send, setup};

const CRAWLER: &str = "TelegramBot (like TwitterBot)";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124 Safari/537.36";

/// The page a crawler gets for `path`; asserts the reply's shape.
async fn card(server: &TestServer, path: &str) -> String {
    let resp = server
        .client
        .get(server.url(path))
        .header("user-agent", CRAWLER)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let h = resp.headers();
    assert_eq!(h["content-type"], "text/html; charset=utf-8", "{path}");
    assert_eq!(h["cache-control"], "public, no-cache", "{path}");
    resp.text().await.unwrap()
}

fn meta(page: &str, key: &str) -> String {
    let attr = if key.starts_with("og:") {
        "property"
    } else {
        "name"
    };
    let start = format!("<meta {attr}=\"{key}\" content=\"");
    let from = page
        .find(&start)
        .unwrap_or_else(|| panic!("no {key} in {page}"))
        + start.len();
    page[from..from + page[from..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn crawlers_get_cards_that_keep_locked_shares_private() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let nick = ann.user["nickname"].as_str().unwrap().to_owned();
    let renamed = send(
        &server,
        &ann,
        reqwest::Method::POST,
        "/file/rename",
        json!({"uri": "cloudreve://my/Docs", "new_name": "Q3 plans & Tom's notes"}),
    )
    .await;
    assert_eq!(renamed["code"], 0, "{renamed}");
    let folder_uri = format!("cloudreve://my/{}", query_escape("Q3 plans & Tom's notes"));
    let (folder, _) = server.share(&ann, &folder_uri, json!({})).await;
    let page = card(&server, &format!("/s/{folder}")).await;
    // Escaped, never raw.
    let title = "Q3 plans &amp; Tom&#39;s notes";
    assert_eq!(meta(&page, "og:title"), title, "{page}");
    assert_eq!(meta(&page, "twitter:title"), title);
    assert!(!page.contains("Tom's"), "{page}");
    assert!(
        page.contains(&format!("<title>{title} - Stratus</title>")),
        "{page}"
    );
    assert_eq!(meta(&page, "og:description"), format!("Folder · {nick}"));
    assert_eq!(meta(&page, "og:type"), "website");
    assert_eq!(meta(&page, "og:site_name"), "Stratus");
    assert_eq!(meta(&page, "twitter:card"), "summary");
    assert_eq!(meta(&page, "og:url"), server.url(&format!("/s/{folder}")));
    assert_eq!(
        meta(&page, "og:image"),
        server.url("/static/img/logo512.png")
    );
    assert!(
        page.contains(&format!("/home?path=cloudreve%3A%2F%2F{folder}%40share")),
        "{page}"
    );

    // A password share: nothing of it without the password.
    let (locked, _) = server
        .share(
            &ann,
            "cloudreve://my/top.txt",
            json!({"password": "Secret1"}),
        )
        .await;
    let page = card(&server, &format!("/s/{locked}")).await;
    assert!(!page.contains("top.txt"), "{page}");
    assert_eq!(meta(&page, "og:title"), "Stratus");
    assert_eq!(
        meta(&page, "og:description"),
        format!("Stratus: your files on your own server · {nick}")
    );
    let wrong = card(&server, &format!("/s/{locked}/nope")).await;
    assert!(!wrong.contains("top.txt"), "{wrong}");
    // With it, in the link or in the share URI of /home.
    let page = card(&server, &format!("/s/{locked}/Secret1")).await;
    assert_eq!(meta(&page, "og:title"), "top.txt");
    assert_eq!(meta(&page, "og:description"), format!("10.00 B · {nick}"));
    assert_eq!(
        meta(&page, "og:url"),
        server.url(&format!("/s/{locked}/Secret1"))
    );
    let uri = query_escape(&format!("cloudreve://{locked}:Secret1@share"));
    let page = card(&server, &format!("/home?path={uri}")).await;
    assert_eq!(meta(&page, "og:title"), "top.txt");

    // Bad links.
    let page = card(&server, "/s/not-a-share").await;
    assert_eq!(meta(&page, "og:title"), "Stratus");
    assert_eq!(meta(&page, "og:description"), "Invalid Link");
    let deleted = send(
        &server,
        &ann,
        reqwest::Method::DELETE,
        &format!("/share/{folder}"),
        json!({}),
    )
    .await;
    assert_eq!(deleted["code"], 0);
    let page = card(&server, &format!("/s/{folder}")).await;
    assert_eq!(
        meta(&page, "og:description"),
        "share link not found or expired"
    );
}

#[tokio::test]
async fn browsers_and_other_paths_pass_through() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let resp = server
        .client
        .get(server.url(&format!("/s/{id}")))
        .header("user-agent", BROWSER)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    // A crawler elsewhere, or on /home without a share URI, gets the app.
    for path in ["/home?path=cloudreve%3A%2F%2Fmy", "/home", "/session"] {
        let resp = server
            .client
            .get(server.url(path))
            .header("user-agent", CRAWLER)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let page = resp.text().await.unwrap();
        assert!(!page.contains("og:title"), "{path}: {page}");
    }
    // No view was counted by the crawlers.
    let shown = super::info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(shown["data"]["visited"], 0, "{shown}");
}

#[tokio::test]
async fn an_unlocked_picture_share_shows_its_thumbnail() {
    let (server, ann, _bob) = setup().await;
    crate::download::put_file(&server, &ann, "beach.png", &crate::thumb::png(64, 48)).await;
    let (id, _) = server
        .share(
            &ann,
            "cloudreve://my/beach.png",
            json!({"password": "Secret1"}),
        )
        .await;
    let locked = card(&server, &format!("/s/{id}")).await;
    assert_eq!(
        meta(&locked, "og:image"),
        server.url("/static/img/logo512.png")
    );
    let open = card(&server, &format!("/s/{id}/Secret1")).await;
    let image = meta(&open, "og:image").replace("&amp;", "&");
    assert!(image.contains("/api/v4/file/content/"), "{open}");
    let fetched = server.client.get(&image).send().await.unwrap();
    assert_eq!(fetched.status(), 200, "{image}");
    let nick = ann.user["nickname"].as_str().unwrap();
    let description = meta(&open, "og:description");
    assert!(
        description.ends_with(&format!(" B · {nick}")),
        "{description}"
    );
}
