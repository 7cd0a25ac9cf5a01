//! What each site setting may hold (spec §14.2): the checks `PATCH /admin/settings` runs on a
//! value before anything is saved. A key not in the table is not a setting.

use serde_json::Value;
use url::Url;

use super::settings_schema_later::{self as later, LATER};

/// The kind of value a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// Text that is never returned by the read route (passwords, keys, tokens).
    Secret {
        /// Shortest accepted value; 0 allows clearing it.
        min_len: usize,
    },
    /// Cannot be changed while the server runs (ids derived from it are everywhere).
    Fixed,
    /// `0`/`1` (also `true`/`false`).
    Bool,
    /// A whole number in a range.
    Int { min: i64, max: i64 },
    /// One of the listed words.
    OneOf(&'static [&'static str]),
    /// Empty, or an `http`/`https` URL.
    Url,
    /// Comma-separated `http`/`https` URLs, at least one (`siteURL`).
    UrlList,
    /// An e-mail address.
    Email,
    /// A JSON object.
    JsonObject,
    /// A JSON array.
    JsonArray,
    /// Mail templates: a JSON array of `{language, title, body}`, at least one.
    MailTemplates,
    /// A schedule: `@every <duration>` or a five- or six-field cron line.
    Schedule,
    /// A captcha type Stratus can check.
    Captcha,
    /// Address ranges (CIDRs or single addresses) separated by commas; empty for none.
    Cidrs,
    /// Group ids separated by commas; empty for none. Each must be a group (checked on save).
    GroupIds,
    /// Sidebar links: a JSON array of `{icon, name, url}`.
    NavItems,
    /// Custom property definitions (`custom_props`).
    CustomProps,
    /// A JSON object whose values are strings.
    StringMap,
    /// A secret 32-byte key in base64, never returned.
    MasterKey,
    /// The OpenID Connect providers (`auth::sign_in::oidc::providers`): their secrets are
    /// never returned.
    OidcProviders,
}

/// Captcha types Stratus verifies itself; other types would lock every visitor out.
pub const VERIFIABLE_CAPTCHAS: &[&str] = &["normal"];

const TEN_YEARS: i64 = 10 * 365 * 86_400;
pub(super) const SECONDS: Kind = Kind::Int {
    min: 0,
    max: TEN_YEARS,
};
const COUNT: Kind = Kind::Int {
    min: 0,
    max: 1_000_000,
};
pub(super) const BYTES: Kind = Kind::Int {
    min: 0,
    max: i64::MAX,
};
const WORKERS: Kind = Kind::Int { min: 1, max: 1000 };

/// Every setting an administrator may read or write, with its kind.
pub const SETTINGS: &[(&str, Kind)] = &[
    // Site and PWA
    ("siteURL", Kind::UrlList),
    ("siteName", Kind::Text),
    ("siteDes", Kind::Text),
    ("siteID", Kind::Fixed),
    ("siteTitle", Kind::Text),
    ("siteScript", Kind::Text),
    ("site_logo", Kind::Text),
    ("site_logo_light", Kind::Text),
    ("pwa_small_icon", Kind::Text),
    ("pwa_medium_icon", Kind::Text),
    ("pwa_large_icon", Kind::Text),
    (
        "pwa_display",
        Kind::OneOf(&["fullscreen", "standalone", "minimal-ui", "browser"]),
    ),
    ("pwa_theme_color", Kind::Text),
    ("pwa_background_color", Kind::Text),
    ("tos_url", Kind::Url),
    ("privacy_policy_url", Kind::Url),
    ("defaultTheme", Kind::Text),
    ("theme_options", Kind::JsonObject),
    ("show_app_promotion", Kind::Bool),
    ("license", Kind::Text),
    // Accounts
    ("register_enabled", Kind::Bool),
    (
        "default_group",
        Kind::Int {
            min: 1,
            max: i64::MAX,
        },
    ),
    ("email_active", Kind::Bool),
    ("authn_enabled", Kind::Bool),
    ("ban_time", SECONDS),
    (
        "access_token_ttl",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    (
        "refresh_token_ttl",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    ("secret_key", Kind::Secret { min_len: 32 }),
    ("hash_id_salt", Kind::Fixed),
    ("gravatar_server", Kind::Url),
    ("avatar_path", Kind::Text),
    (
        "avatar_size",
        Kind::Int {
            min: 1024,
            max: 1 << 30,
        },
    ),
    ("avatar_size_l", Kind::Int { min: 16, max: 4096 }),
    ("avatar_size_s", Kind::Int { min: 16, max: 4096 }),
    ("logto_enabled", Kind::Bool),
    ("logto_config", Kind::Secret { min_len: 0 }),
    ("qq_login", Kind::Bool),
    ("qq_login_config", Kind::Secret { min_len: 0 }),
    ("phone_required", Kind::Bool),
    ("phone_enabled", Kind::Bool),
    // Captcha
    ("login_captcha", Kind::Bool),
    ("reg_captcha", Kind::Bool),
    ("forget_captcha", Kind::Bool),
    ("captcha_type", Kind::Captcha),
    ("captcha_height", Kind::Int { min: 30, max: 300 }),
    ("captcha_width", Kind::Int { min: 80, max: 800 }),
    ("captcha_mode", Kind::Int { min: 0, max: 3 }),
    ("captcha_ComplexOfNoiseText", Kind::Int { min: 0, max: 2 }),
    ("captcha_ComplexOfNoiseDot", Kind::Int { min: 0, max: 2 }),
    ("captcha_IsShowHollowLine", Kind::Bool),
    ("captcha_IsShowNoiseDot", Kind::Bool),
    ("captcha_IsShowNoiseText", Kind::Bool),
    ("captcha_IsShowSlimeLine", Kind::Bool),
    ("captcha_IsShowSineLine", Kind::Bool),
    ("captcha_CaptchaLen", Kind::Int { min: 4, max: 10 }),
    ("captcha_ReCaptchaKey", Kind::Text),
    ("captcha_ReCaptchaSecret", Kind::Secret { min_len: 0 }),
    ("captcha_turnstile_site_key", Kind::Text),
    ("captcha_turnstile_site_secret", Kind::Secret { min_len: 0 }),
    ("captcha_cap_instance_url", Kind::Url),
    // Mail
    ("fromName", Kind::Text),
    ("fromAdress", Kind::Email),
    ("smtpHost", Kind::Text),
    ("smtpPort", Kind::Int { min: 1, max: 65535 }),
    ("smtpUser", Kind::Text),
    ("smtpPass", Kind::Secret { min_len: 0 }),
    (
        "smtpEncryption",
        Kind::OneOf(&["0", "1", "2", "true", "false", "starttls", "ssl"]),
    ),
    ("replyTo", Kind::Text),
    ("mail_keepalive", SECONDS),
    ("mail_activation_template", Kind::MailTemplates),
    ("mail_reset_template", Kind::MailTemplates),
    // Transfers and file system
    ("maxEditSize", BYTES),
    (
        "archive_timeout",
        Kind::Int {
            min: 1,
            max: TEN_YEARS,
        },
    ),
    (
        "upload_session_timeout",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    (
        "slave_api_timeout",
        Kind::Int {
            min: 1,
            max: 86_400,
        },
    ),
    ("folder_props_timeout", SECONDS),
    ("chunk_retries", Kind::Int { min: 0, max: 100 }),
    ("use_temp_chunk_buffer", Kind::Bool),
    ("max_parallel_transfer", Kind::Int { min: 1, max: 100 }),
    ("temp_path", Kind::Text),
    ("remote_download_allowed_cidrs", Kind::Cidrs),
    ("notification_allowed_cidrs", Kind::Cidrs),
    ("use_cursor_pagination", Kind::Bool),
    (
        "max_page_size",
        Kind::Int {
            min: 10,
            max: 100_000,
        },
    ),
    ("max_recursive_searched_folder", COUNT),
    ("max_folder_depth", Kind::Int { min: 1, max: 65535 }),
    (
        "max_batched_file",
        Kind::Int {
            min: 1,
            max: 1_000_000,
        },
    ),
    (
        "entity_url_default_ttl",
        Kind::Int {
            min: 1,
            max: TEN_YEARS,
        },
    ),
    ("entity_url_cache_margin", SECONDS),
    ("public_resource_maxage", SECONDS),
    ("viewer_session_timeout", SECONDS),
    ("use_sse_for_search", Kind::Bool),
    ("explorer_icons", Kind::JsonArray),
    ("explorer_category_image_query", Kind::Text),
    ("explorer_category_video_query", Kind::Text),
    ("explorer_category_audio_query", Kind::Text),
    ("explorer_category_document_query", Kind::Text),
    ("emojis", Kind::JsonObject),
    (
        "map_provider",
        Kind::OneOf(&["openstreetmap", "google", "mapbox"]),
    ),
    (
        "map_google_tile_type",
        Kind::OneOf(&["regular", "satellite", "terrain"]),
    ),
    ("mime_mapping", Kind::JsonObject),
    ("file_viewers", Kind::JsonArray),
    ("file_app_drawio_enabled", Kind::Bool),
    ("file_app_drawio_url", Kind::Url),
    ("file_app_excalidraw_enabled", Kind::Bool),
    ("file_app_excalidraw_url", Kind::Url),
    // Thumbnails
    ("thumb_width", Kind::Int { min: 16, max: 4096 }),
    ("thumb_height", Kind::Int { min: 16, max: 4096 }),
    ("thumb_entity_suffix", Kind::Text),
    ("thumb_slave_sidecar_suffix", Kind::Text),
    ("thumb_encode_method", Kind::OneOf(&["png", "jpg", "webp"])),
    ("thumb_encode_quality", Kind::Int { min: 1, max: 100 }),
    ("thumb_gc_after_gen", Kind::Bool),
    ("thumb_builtin_enabled", Kind::Bool),
    ("thumb_builtin_max_size", BYTES),
    ("thumb_vips_enabled", Kind::Bool),
    ("thumb_vips_path", Kind::Text),
    ("thumb_vips_exts", Kind::Text),
    ("thumb_vips_max_size", BYTES),
    ("thumb_ffmpeg_enabled", Kind::Bool),
    ("thumb_ffmpeg_path", Kind::Text),
    ("thumb_ffmpeg_exts", Kind::Text),
    ("thumb_ffmpeg_max_size", BYTES),
    ("thumb_ffmpeg_seek", Kind::Text),
    ("thumb_libreoffice_enabled", Kind::Bool),
    ("thumb_libreoffice_path", Kind::Text),
    ("thumb_libreoffice_exts", Kind::Text),
    ("thumb_libreoffice_max_size", BYTES),
    ("thumb_music_cover_enabled", Kind::Bool),
    ("thumb_music_cover_exts", Kind::Text),
    ("thumb_music_cover_max_size", BYTES),
    ("thumb_poppler_enabled", Kind::Bool),
    ("thumb_poppler_path", Kind::Text),
    ("thumb_poppler_exts", Kind::Text),
    ("thumb_poppler_max_size", BYTES),
    ("thumb_heif_enabled", Kind::Bool),
    ("thumb_heif_path", Kind::Text),
    ("thumb_heif_exts", Kind::Text),
    ("thumb_heif_max_size", BYTES),
    ("thumb_generator_timeout", Kind::Int { min: 1, max: 3600 }),
    (
        "thumb_generator_max_memory",
        Kind::Int {
            min: 64 << 20,
            max: i64::MAX,
        },
    ),
    // Media metadata
    ("media_meta", Kind::Bool),
    ("media_meta_exif", Kind::Bool),
    ("media_meta_exif_size_local", BYTES),
    ("media_meta_exif_size_remote", BYTES),
    ("media_meta_exif_brute_force", Kind::Bool),
    ("media_meta_music", Kind::Bool),
    ("media_meta_music_size_local", BYTES),
    ("media_exif_music_size_remote", BYTES),
    ("media_meta_ffprobe", Kind::Bool),
    ("media_meta_ffprobe_path", Kind::Text),
    ("media_meta_ffprobe_size_local", BYTES),
    ("media_meta_ffprobe_size_remote", BYTES),
    (
        "media_meta_ffprobe_timeout",
        Kind::Int { min: 1, max: 3600 },
    ),
    (
        "media_meta_ffprobe_max_memory",
        Kind::Int {
            min: 64 << 20,
            max: i64::MAX,
        },
    ),
    (
        "media_meta_ffprobe_probe_size",
        Kind::Int {
            min: 32,
            max: i64::MAX,
        },
    ),
    (
        "media_meta_ffprobe_analyze_duration",
        Kind::Int { min: 1, max: 3600 },
    ),
    // Directory sign-in (`auth::sign_in::directory`)
    ("ldap_enabled", Kind::Bool),
    ("ldap_url", Kind::Text),
    ("ldap_starttls", Kind::Bool),
    ("ldap_tls_ca", Kind::Text),
    ("ldap_bind_dn", Kind::Text),
    ("ldap_bind_password", Kind::Secret { min_len: 0 }),
    ("ldap_base_dn", Kind::Text),
    ("ldap_user_filter", Kind::Text),
    ("ldap_email_attribute", Kind::Text),
    ("ldap_name_attribute", Kind::Text),
    ("ldap_group_map", Kind::JsonObject),
    (
        "ldap_default_group",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
    ),
    ("ldap_allowed_cidrs", Kind::Cidrs),
    // OpenID Connect sign-in (`auth::sign_in::oidc`)
    ("oidc_providers", Kind::OidcProviders),
    ("oidc_allowed_cidrs", Kind::Cidrs),
    // Queues and cron
    ("queue_media_meta_worker_num", WORKERS),
    ("queue_thumb_worker_num", WORKERS),
    ("queue_recycle_worker_num", WORKERS),
    ("queue_io_intense_worker_num", WORKERS),
    ("queue_remote_download_worker_num", WORKERS),
    ("queue_notify_worker_num", WORKERS),
    ("cron_garbage_collect", Kind::Schedule),
    ("cron_entity_collect", Kind::Schedule),
    ("cron_trash_bin_collect", Kind::Schedule),
    ("cron_oauth_cred_refresh", Kind::Schedule),
    // The guard against mass deletion (`guard/`, docs/guard.md)
    ("guard_enabled", Kind::Bool),
    (
        "guard_burst_files",
        Kind::Int {
            min: 1,
            max: 1_000_000,
        },
    ),
    (
        "guard_burst_seconds",
        Kind::Int {
            min: 1,
            max: 86_400,
        },
    ),
    ("guard_web_sessions", Kind::Bool),
    ("guard_exempt_groups", Kind::GroupIds),
];

/// The kind of setting `key`, `None` when there is no such setting.
pub fn kind_of(key: &str) -> Option<Kind> {
    if let Some((_, kind)) = SETTINGS.iter().chain(LATER).find(|(k, _)| *k == key) {
        return Some(*kind);
    }
    // Queue settings beyond the worker count, for every queue (spec §14.2).
    let queue = key.strip_prefix("queue_")?;
    crate::queue::QUEUES.iter().find_map(|q| {
        let rest = queue.strip_prefix(q)?.strip_prefix('_')?;
        match rest {
            "max_execution" | "backoff_max_duration" | "retry_delay" => Some(SECONDS),
            "backoff_factor" => Some(Kind::Int { min: 1, max: 100 }),
            "max_retry" => Some(Kind::Int { min: 0, max: 1000 }),
            // 0: the default, one fewer than the workers.
            "per_user" => Some(Kind::Int { min: 0, max: 1000 }),
            _ => None,
        }
    })
}

/// Whether the value of `key` is never returned: secrets, and the salt of public ids (with
/// it, anyone could enumerate ids).
pub fn is_secret(key: &str) -> bool {
    key == "hash_id_salt" || matches!(kind_of(key), Some(Kind::Secret { .. } | Kind::MasterKey))
}

/// Checks `value` for setting `key`; the error names the setting and says what is wrong.
pub fn check(key: &str, value: &str) -> Result<(), String> {
    let kind = kind_of(key).ok_or_else(|| format!("{key}: there is no such setting"))?;
    check_kind(kind, value).map_err(|why| format!("{key}: {why}"))
}

fn check_kind(kind: Kind, value: &str) -> Result<(), String> {
    match kind {
        Kind::Text => Ok(()),
        Kind::Cidrs => crate::net::guard::Guard::parse_ranges(value).map(drop),
        Kind::GroupIds => crate::settings::id_list::parse(value).map(drop),
        Kind::OidcProviders => crate::auth::sign_in::oidc::providers::parse(value).map(drop),
        Kind::Secret { min_len } => {
            if value.chars().count() < min_len {
                Err(format!("must be at least {min_len} characters"))
            } else {
                Ok(())
            }
        }
        Kind::Fixed => Err("cannot be changed".into()),
        Kind::Bool => match value.trim() {
            "0" | "1" | "true" | "false" => Ok(()),
            _ => Err(format!("{value:?} is not 0 or 1")),
        },
        Kind::Int { min, max } => match value.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(()),
            Ok(n) => Err(format!("{n} is outside {min}..={max}")),
            Err(_) => Err(format!("{value:?} is not a whole number")),
        },
        Kind::OneOf(words) => {
            if words.contains(&value.trim()) {
                Ok(())
            } else {
                Err(format!("{value:?} is not one of {}", words.join(", ")))
            }
        }
        Kind::Url => {
            if value.trim().is_empty() {
                Ok(())
            } else {
                check_url(value.trim())
            }
        }
        Kind::UrlList => {
            let urls: Vec<&str> = value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if urls.is_empty() {
                return Err("needs at least one URL".into());
            }
            urls.into_iter().try_for_each(check_url)
        }
        Kind::Email => value
            .trim()
            .parse::<lettre::Address>()
            .map(drop)
            .map_err(|e| format!("{value:?} is not an e-mail address: {e}")),
        Kind::JsonObject => match json(value)? {
            Value::Object(_) => Ok(()),
            _ => Err("must be a JSON object".into()),
        },
        Kind::JsonArray => match json(value)? {
            Value::Array(_) => Ok(()),
            _ => Err("must be a JSON array".into()),
        },
        Kind::MailTemplates => check_templates(&json(value)?),
        Kind::NavItems => later::check_nav_items(&json(value)?),
        Kind::CustomProps => crate::settings::custom_props::parse(value).map(drop),
        Kind::StringMap => later::check_string_map(&json(value)?),
        Kind::MasterKey => later::check_master_key(value),
        Kind::Schedule => check_schedule(value.trim()),
        Kind::Captcha => {
            if VERIFIABLE_CAPTCHAS.contains(&value.trim()) {
                Ok(())
            } else {
                Err(format!(
                    "Stratus cannot verify captcha type {value:?}; sign-in would fail for everyone \
                     (supported: {})",
                    VERIFIABLE_CAPTCHAS.join(", ")
                ))
            }
        }
    }
}

fn json(value: &str) -> Result<Value, String> {
    serde_json::from_str(value).map_err(|e| format!("not valid JSON: {e}"))
}

fn check_url(url: &str) -> Result<(), String> {
    match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(_) => Err(format!("{url:?} is not an http or https URL")),
        Err(e) => Err(format!("{url:?} is not a URL: {e}")),
    }
}

fn check_templates(value: &Value) -> Result<(), String> {
    let Some(items) = value.as_array().filter(|a| !a.is_empty()) else {
        return Err("must be a JSON array of {language, title, body}, at least one".into());
    };
    for (i, item) in items.iter().enumerate() {
        for field in ["language", "title", "body"] {
            let text = item.get(field).and_then(Value::as_str).unwrap_or_default();
            if text.trim().is_empty() {
                return Err(format!("template {i}: {field} must be a non-empty string"));
            }
        }
    }
    Ok(())
}

fn check_schedule(value: &str) -> Result<(), String> {
    crate::settings::period::parse(value).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_setting_is_known_and_valid() {
        for (key, value) in crate::settings::DEFAULTS {
            assert!(kind_of(key).is_some(), "{key} has no kind");
            assert!(check(key, value).is_ok(), "{key}: {:?}", check(key, value));
        }
    }

    #[test]
    fn values_are_checked_per_kind() {
        assert!(check("nope", "1").is_err());
        assert!(check("register_enabled", "yes").is_err());
        assert!(check("register_enabled", "0").is_ok());
        assert!(check("thumb_width", "10").is_err());
        assert!(check("thumb_width", "abc").is_err());
        assert!(check("siteURL", "https://a.example, http://b.example:8080").is_ok());
        assert!(check("siteURL", "ftp://a").is_err());
        assert!(check("siteURL", " , ").is_err());
        assert!(check("tos_url", "").is_ok());
        assert!(check("emojis", "[]").is_err());
        assert!(check("mail_reset_template", r#"[{"language":"en","title":"t"}]"#).is_err());
        assert!(check("captcha_type", "recaptcha").is_err());
        assert!(check("captcha_type", "normal").is_ok());
        assert!(check("hash_id_salt", "x").is_err());
        assert!(check("secret_key", "short").is_err());
        assert!(check("cron_entity_collect", "@every 15m").is_ok());
        assert!(check("cron_entity_collect", "@every soon").is_err());
        assert!(check("queue_thumb_max_retry", "3").is_ok());
        assert!(check("queue_thumb_nope", "3").is_err());
        assert!(check("fromAdress", "not an address").is_err());
        assert!(is_secret("smtpPass") && is_secret("secret_key") && !is_secret("siteName"));
        assert!(is_secret("encrypt_master_key") && is_secret("captcha_cap_secret_key"));
        assert!(check("captcha_cap_key_id", "x").is_err());
        assert!(
            check(
                "custom_nav_items",
                r#"[{"icon":"a","name":"Docs","url":"/docs"}]"#
            )
            .is_ok()
        );
        assert!(
            check(
                "custom_nav_items",
                r#"[{"name":"x","url":"javascript:alert(1)"}]"#
            )
            .is_err()
        );
        assert!(check("custom_nav_items", "{}").is_err());
        assert!(check("custom_props", "[]").is_ok());
        assert!(check("custom_props", r#"[{"id":"x","type":"select","name":"X"}]"#).is_err());
        assert!(check("viewer_default_apps", r#"{"md":"markdown"}"#).is_ok());
        assert!(check("viewer_default_apps", r#"{"md":1}"#).is_err());
        assert!(check("encrypt_master_key", "c2hvcnQ=").is_err());
        assert!(check("fts_index_type", "elastic").is_err());
        assert!(check("captcha_cap_asset_server", "unpkg").is_ok());
        assert!(check("fs_event_push_debounce", "-1").is_err());
    }
}
