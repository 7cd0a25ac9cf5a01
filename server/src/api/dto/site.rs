//! `GET /site/config/:section` and `GET /site/captcha` shapes (spec §2.10).

use poem_openapi::Object;
use serde_json::Value;

use super::user::User;

/// Site configuration; each section fills only its own fields.
#[derive(Debug, Default, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SiteConfig {
    // basic
    /// Installation id (`siteID`).
    pub instance_id: Option<String>,
    /// Site name.
    pub title: Option<String>,
    /// JSON string of the theme map.
    pub themes: Option<String>,
    pub default_theme: Option<String>,
    /// The caller; the anonymous user has `anonymous: true`.
    pub user: Option<User>,
    pub logo: Option<String>,
    pub logo_light: Option<String>,
    /// `normal`, `recaptcha`, `tcaptcha`, `turnstile` or `cap`.
    pub captcha_type: Option<String>,
    pub turnstile_site_id: Option<String>,
    #[oai(rename = "captcha_ReCaptchaKey")]
    pub captcha_recaptcha_key: Option<String>,
    pub captcha_cap_instance_url: Option<String>,
    pub captcha_cap_key_id: Option<String>,
    pub app_promotion: Option<bool>,
    // login
    pub login_captcha: Option<bool>,
    pub reg_captcha: Option<bool>,
    pub forget_captcha: Option<bool>,
    /// Passkey sign-in enabled.
    pub authn: Option<bool>,
    pub register_enabled: Option<bool>,
    pub tos_url: Option<String>,
    pub privacy_policy_url: Option<String>,
    // explorer
    pub max_batch_size: Option<i64>,
    /// Viewer groups (`[{viewers: [...]}]`).
    pub file_viewers: Option<Value>,
    /// JSON string of the icon rules.
    pub icons: Option<String>,
    pub map_provider: Option<String>,
    pub google_map_tile_type: Option<String>,
    pub thumbnail_width: Option<i64>,
    pub thumbnail_height: Option<i64>,
    /// Full-text search (`GET /file/search`) is available.
    pub full_text_search: Option<bool>,
    // emojis
    /// JSON string of the emoji preset.
    pub emoji_preset: Option<String>,
}

/// A captcha image and the ticket to send back with the answer.
#[derive(Debug, Object)]
pub struct Captcha {
    /// `data:image/png;base64,…`
    pub image: String,
    /// Opaque id of this captcha; valid once, for 30 minutes.
    pub ticket: String,
}
