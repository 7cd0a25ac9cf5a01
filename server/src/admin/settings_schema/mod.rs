//! What each site setting may hold (spec §14.2, and the settings Cloudreve added up to 4.18,
//! spec 4.18 §9): the checks `PATCH /admin/settings` runs on a value before anything is saved.
//! A key not in the registry ([`FAMILIES`]) is not a setting.
//!
//! One file per family of settings holds its keys and their kinds; `check.rs` checks a value
//! against its kind. Some later settings belong to features Stratus does not have
//! (Meilisearch/Tika full-text search, client-side encryption, reverse geocoding): they are
//! kept, checked and stored so a site moved from Cloudreve keeps them, and have no effect
//! ([`NO_EFFECT`], documented in `docs/settings.md`).

mod accounts;
mod captcha;
mod check;
mod files;
mod fts;
mod guard;
mod mail;
mod media;
mod queues;
mod site;

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
const SECONDS: Kind = Kind::Int {
    min: 0,
    max: TEN_YEARS,
};
const BYTES: Kind = Kind::Int {
    min: 0,
    max: i64::MAX,
};

/// The registry: every family of settings an administrator may read or write, with the kind
/// of each. A key is in one family only.
const FAMILIES: &[&[(&str, Kind)]] = &[
    site::SETTINGS,
    accounts::SETTINGS,
    captcha::SETTINGS,
    mail::SETTINGS,
    files::SETTINGS,
    media::SETTINGS,
    fts::SETTINGS,
    queues::SETTINGS,
    guard::SETTINGS,
];

/// Settings that are stored but change nothing in Stratus (it lacks the feature). A test keeps
/// `docs/settings.md` listing each; the admin console marks the same keys.
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

/// The kind of setting `key`, `None` when there is no such setting.
pub fn kind_of(key: &str) -> Option<Kind> {
    FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .find(|(k, _)| *k == key)
        .map(|(_, kind)| *kind)
        .or_else(|| queues::per_queue(key))
}

/// Whether the value of `key` is never returned: secrets, and the salt of public ids (with
/// it, anyone could enumerate ids).
pub fn is_secret(key: &str) -> bool {
    key == "hash_id_salt" || matches!(kind_of(key), Some(Kind::Secret { .. } | Kind::MasterKey))
}

/// Checks `value` for setting `key`; the error names the setting and says what is wrong.
pub fn check(key: &str, value: &str) -> Result<(), String> {
    let kind = kind_of(key).ok_or_else(|| format!("{key}: there is no such setting"))?;
    check::against(kind, value).map_err(|why| format!("{key}: {why}"))
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

    #[test]
    fn every_key_is_in_one_family() {
        let mut seen = std::collections::BTreeSet::new();
        for (key, _) in FAMILIES.iter().flat_map(|family| family.iter()) {
            assert!(seen.insert(*key), "{key} is in two families");
        }
    }

    #[test]
    fn keys_without_effect_are_known_and_documented() {
        let doc = include_str!("../../../../docs/settings.md");
        for key in NO_EFFECT {
            assert!(kind_of(key).is_some(), "{key} is not a setting");
            assert!(
                doc.contains(&format!("`{key}`")),
                "{key} is not in docs/settings.md"
            );
        }
    }
}
