//! Settings Cloudreve added between 4.1 and 4.18 (spec 4.18 §9), with what each may hold.
//! Some belong to features Stratus does not have (Meilisearch/Tika full-text search, client-side
//! encryption, reverse geocoding): they are kept, checked and stored so a
//! site moved from Cloudreve keeps them, and have no effect ([`NO_EFFECT`], documented in
//! `docs/settings.md`).

use serde_json::Value;

use super::settings_schema::{BYTES, Kind};

/// The later settings and their kinds.
pub const LATER: &[(&str, Kind)] = &[
    // Captcha (Cap 2.0 names)
    ("captcha_cap_site_key", Kind::Text),
    ("captcha_cap_secret_key", Kind::Secret { min_len: 0 }),
    (
        "captcha_cap_asset_server",
        Kind::OneOf(&["jsdelivr", "unpkg", "instance"]),
    ),
    // Site look and extra content
    ("custom_nav_items", Kind::NavItems),
    ("custom_props", Kind::CustomProps),
    ("headless_footer_html", Kind::Text),
    ("headless_bottom_html", Kind::Text),
    ("sidebar_bottom_html", Kind::Text),
    ("show_desktop_app_promotion", Kind::Bool),
    ("expose_user_email", Kind::Bool),
    ("map_mapbox_ak", Kind::Text),
    ("viewer_default_apps", Kind::StringMap),
    // Thumbnails and media metadata
    ("thumb_ffmpeg_extra_args", Kind::Text),
    ("thumb_libraw_enabled", Kind::Bool),
    ("thumb_libraw_path", Kind::Text),
    ("thumb_libraw_max_size", BYTES),
    ("thumb_libraw_exts", Kind::Text),
    ("media_meta_geocoding", Kind::Bool),
    (
        "media_meta_geocoding_mapbox_ak",
        Kind::Secret { min_len: 0 },
    ),
    // Client-side encryption
    ("encrypt_master_key", Kind::MasterKey),
    (
        "encrypt_master_key_vault",
        Kind::OneOf(&["setting", "env", "file"]),
    ),
    ("encrypt_master_key_file", Kind::Text),
    ("show_encryption_status", Kind::Bool),
    // File change events
    ("fs_event_push_enabled", Kind::Bool),
    (
        "fs_event_push_max_age",
        // At least an hour: open streams mark their subscription seen every ten minutes.
        Kind::Int {
            min: 3600,
            max: 10 * 365 * 86_400,
        },
    ),
    ("fs_event_push_debounce", Kind::Int { min: 0, max: 3600 }),
    // Full-text search
    ("fts_enabled", Kind::Bool),
    ("fts_index_type", Kind::OneOf(&["meilisearch"])),
    ("fts_extractor_type", Kind::OneOf(&["tika"])),
    ("fts_meilisearch_endpoint", Kind::Url),
    ("fts_meilisearch_api_key", Kind::Secret { min_len: 0 }),
    ("fts_meilisearch_page_size", Kind::Int { min: 1, max: 1000 }),
    ("fts_meilisearch_embed_enabled", Kind::Bool),
    ("fts_meilisearch_embed_config", Kind::JsonObject),
    ("fts_tika_endpoint", Kind::Url),
    ("fts_tika_exts", Kind::Text),
    ("fts_tika_max_file_size", BYTES),
    (
        "fts_chunk_size",
        Kind::Int {
            min: 100,
            max: 1 << 20,
        },
    ),
    ("fts_text_max_bytes", BYTES),
    ("fts_extract_timeout", Kind::Int { min: 1, max: 3600 }),
];

/// Settings that are stored but change nothing in Stratus (it lacks the feature). A test keeps
/// `docs/settings.md` listing each; the admin console marks the same keys.
#[cfg_attr(not(test), allow(dead_code))]
pub const NO_EFFECT: &[&str] = &[
    // Stratus verifies only its own image captcha.
    "captcha_cap_site_key",
    "captcha_cap_secret_key",
    "captcha_cap_asset_server",
    "media_meta_geocoding",
    "media_meta_geocoding_mapbox_ak",
    "encrypt_master_key",
    "encrypt_master_key_vault",
    "encrypt_master_key_file",
    "fts_index_type",
    "fts_extractor_type",
    "fts_meilisearch_endpoint",
    "fts_meilisearch_api_key",
    "fts_meilisearch_embed_enabled",
    "fts_meilisearch_embed_config",
    "fts_tika_endpoint",
    "fts_tika_exts",
];

/// `custom_nav_items`: a JSON array of `{icon, name, url}` with a name and an http(s) URL or a
/// path of this site.
pub fn check_nav_items(value: &Value) -> Result<(), String> {
    let Some(items) = value.as_array() else {
        return Err("must be a JSON array of {icon, name, url}".into());
    };
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| item.get(f).and_then(Value::as_str).unwrap_or_default();
        if field("name").trim().is_empty() {
            return Err(format!("item {i}: name must be a non-empty string"));
        }
        let url = field("url").trim();
        let absolute = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        let local_path = url.starts_with('/') && !url.starts_with("//");
        if !(absolute || local_path) {
            return Err(format!(
                "item {i}: url must be an http(s) URL or a path starting with /"
            ));
        }
        if item.get("icon").is_some_and(|v| !v.is_string()) {
            return Err(format!("item {i}: icon must be a string"));
        }
    }
    Ok(())
}

/// `viewer_default_apps`: a JSON object mapping extensions to viewer ids.
pub fn check_string_map(value: &Value) -> Result<(), String> {
    match value.as_object() {
        Some(map) if map.values().all(Value::is_string) => Ok(()),
        _ => Err("must be a JSON object of {\"<ext>\": \"<viewer id>\"}".into()),
    }
}

/// `encrypt_master_key`: base64 of 32 bytes.
pub fn check_master_key(value: &str) -> Result<(), String> {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(value.trim()) {
        Ok(key) if key.len() == 32 => Ok(()),
        _ => Err("must be 32 bytes in base64".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_without_effect_are_known_and_documented() {
        let doc = include_str!("../../../docs/settings.md");
        for key in NO_EFFECT {
            assert!(
                LATER.iter().any(|(k, _)| k == key),
                "{key} is not a setting"
            );
            assert!(
                doc.contains(&format!("`{key}`")),
                "{key} is not in docs/settings.md"
            );
        }
    }
}
