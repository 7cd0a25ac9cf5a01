//! The settings Cloudreve added up to 4.18: their defaults, the checks on writing them (a bad
//! value changes nothing), secrets never read back, and the site configuration fields they feed.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use super::{admin, call, ok};

async fn patch(server: &TestServer, s: &Session, settings: Value) -> Value {
    call(
        server,
        Some(s),
        Method::PATCH,
        "/admin/settings",
        Some(json!({ "settings": settings })),
    )
    .await
}

#[tokio::test]
async fn later_keys_have_their_defaults_and_secrets_stay_hidden() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let keys = json!({"keys": [
        "captcha_cap_site_key", "captcha_cap_asset_server", "custom_nav_items", "fts_enabled",
        "expose_user_email", "fs_event_push_enabled", "fs_event_push_max_age",
        "fs_event_push_debounce", "thumb_libraw_exts", "viewer_default_apps",
        "show_desktop_app_promotion", "fts_tika_max_file_size", "encrypt_master_key_vault",
        "secret_key", "encrypt_master_key", "captcha_cap_secret_key", "captcha_cap_key_id",
        "custom_props",
    ]});
    let data = ok(&server, &boss, Method::POST, "/admin/settings", keys).await;
    assert_eq!(data["captcha_cap_site_key"], "");
    assert_eq!(data["captcha_cap_asset_server"], "jsdelivr");
    assert_eq!(data["custom_nav_items"], "[]");
    assert_eq!(data["fts_enabled"], "0");
    assert_eq!(data["expose_user_email"], "1");
    assert_eq!(data["fs_event_push_enabled"], "1");
    assert_eq!(data["fs_event_push_max_age"], "1209600");
    assert_eq!(data["fs_event_push_debounce"], "5");
    assert_eq!(data["viewer_default_apps"], "{}");
    assert_eq!(data["show_desktop_app_promotion"], "1");
    assert_eq!(data["fts_tika_max_file_size"], "26214400");
    assert_eq!(data["encrypt_master_key_vault"], "setting");
    assert_eq!(
        data["thumb_libraw_exts"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        42
    );
    let props: Value = serde_json::from_str(data["custom_props"].as_str().unwrap()).unwrap();
    assert_eq!(props[0]["id"], "description");
    assert_eq!(props[1]["id"], "rating");
    assert_eq!(props[1]["max"], 5);
    for hidden in [
        "secret_key",
        "encrypt_master_key",
        "captcha_cap_secret_key",
        "captcha_cap_key_id",
    ] {
        assert!(data.get(hidden).is_none(), "{hidden}: {data}");
    }
    // The master key exists (generated at install) but is only written, never read.
    let key = server
        .state
        .settings
        .get("encrypt_master_key")
        .await
        .unwrap();
    assert_eq!(key.len(), 44, "base64 of 32 bytes");
}

#[tokio::test]
async fn later_keys_are_checked_and_a_bad_value_changes_nothing() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    for (bad, why) in [
        (json!({"fts_enabled": "maybe"}), "fts_enabled"),
        (
            json!({"fs_event_push_debounce": "-1"}),
            "fs_event_push_debounce",
        ),
        (
            json!({"captcha_cap_asset_server": "cdn"}),
            "captcha_cap_asset_server",
        ),
        (json!({"fts_index_type": "elastic"}), "fts_index_type"),
        (
            json!({"fts_meilisearch_embed_config": "[]"}),
            "fts_meilisearch_embed_config",
        ),
        (
            json!({"viewer_default_apps": "{\"md\": 3}"}),
            "viewer_default_apps",
        ),
        (
            json!({"custom_nav_items": "[{\"name\":\"x\",\"url\":\"javascript:alert(1)\"}]"}),
            "custom_nav_items",
        ),
        (
            json!({"custom_props": "[{\"id\":\"c\",\"name\":\"C\",\"type\":\"select\"}]"}),
            "custom_props",
        ),
        (
            json!({"encrypt_master_key": "c2hvcnQ="}),
            "encrypt_master_key",
        ),
        (json!({"captcha_cap_key_id": "old"}), "captcha_cap_key_id"),
        (json!({"map_provider": "bing"}), "map_provider"),
    ] {
        let mut batch = bad.as_object().unwrap().clone();
        batch.insert("siteName".into(), json!("Changed"));
        let resp = patch(&server, &boss, Value::Object(batch)).await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
        assert!(resp["msg"].as_str().unwrap().contains(why), "{bad}: {resp}");
    }
    let basic = server.get_api("/site/config/basic").await;
    assert_eq!(basic["data"]["title"], "Stratus");

    let saved = patch(
        &server,
        &boss,
        json!({"encrypt_master_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
               "map_provider": "mapbox", "fts_enabled": "1"}),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(
        saved["data"],
        json!({"map_provider": "mapbox", "fts_enabled": "1"})
    );
}

#[tokio::test]
async fn site_config_carries_the_new_fields() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let nav =
        r#"[{"icon":"fluent:book-24-regular","name":"Docs","url":"https://docs.example.com"}]"#;
    let saved = patch(
        &server,
        &boss,
        json!({
            "custom_nav_items": nav,
            "sidebar_bottom_html": "<b>hello</b>",
            "headless_footer_html": "<i>foot</i>",
            "captcha_cap_site_key": "site-1",
            "map_mapbox_ak": "pk.1",
            "viewer_default_apps": "{\"md\":\"markdown\"}",
            "show_desktop_app_promotion": "0",
            "fts_enabled": "1",
        }),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");

    let basic = server.get_api("/site/config/basic").await["data"].clone();
    assert_eq!(basic["custom_nav_items"][0]["name"], "Docs");
    assert_eq!(
        basic["custom_nav_items"][0]["url"],
        "https://docs.example.com"
    );
    assert_eq!(basic["custom_html"]["sidebar_bottom"], "<b>hello</b>");
    assert_eq!(basic["custom_html"]["headless_footer"], "<i>foot</i>");
    assert!(
        basic["custom_html"].get("headless_bottom").is_none(),
        "{basic}"
    );
    assert_eq!(basic["captcha_cap_site_key"], "site-1");
    assert_eq!(basic["captcha_cap_asset_server"], "jsdelivr");
    assert!(basic.get("captcha_cap_key_id").is_none());
    assert!(basic.get("captcha_cap_secret_key").is_none());

    let explorer = server.get_api("/site/config/explorer").await["data"].clone();
    assert_eq!(explorer["mapbox_ak"], "pk.1");
    assert_eq!(
        explorer["default_viewer_mapping"],
        json!({"md": "markdown"})
    );
    assert_eq!(explorer["custom_props"][1]["type"], "rating");
    assert_eq!(explorer["show_encryption_status"], true);
    // `fts_enabled` was set above: the explorer is told full-text search is on.
    assert_eq!(explorer["full_text_search"], true);

    let app = server.get_api("/site/config/app").await["data"].clone();
    assert_eq!(app["desktop_app_promotion"], false);

    // The built-in generator's pictures and the music cover's audio files (both on by default).
    let thumb = server.get_api("/site/config/thumb").await["data"].clone();
    assert_eq!(
        thumb["thumb_exts"],
        json!([
            "flac", "gif", "jpeg", "jpg", "m4a", "mp3", "ogg", "png", "webp"
        ])
    );
    assert!(thumb.get("title").is_none(), "{thumb}");
    let off = patch(&server, &boss, json!({"thumb_builtin_enabled": "0"})).await;
    assert_eq!(off["code"], 0, "{off}");
    let thumb = server.get_api("/site/config/thumb").await["data"].clone();
    assert_eq!(thumb["thumb_exts"], json!(["flac", "m4a", "mp3", "ogg"]));
    let off = patch(&server, &boss, json!({"thumb_music_cover_enabled": "0"})).await;
    assert_eq!(off["code"], 0, "{off}");
    let thumb = server.get_api("/site/config/thumb").await["data"].clone();
    assert_eq!(thumb["thumb_exts"], json!([]));

    // Unknown sections (Pro's `vas`) answer the basic section.
    let vas = server.get_api("/site/config/vas").await["data"].clone();
    assert_eq!(vas["custom_nav_items"][0]["name"], "Docs");
}
