//! `GET /site/config/:section` and `GET /site/captcha` shapes (spec §2.10).

use poem_openapi::Object;
use std::collections::HashMap;

use serde::Deserialize;
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
    /// Cap 2.0 site key (`captcha_cap_site_key`).
    pub captcha_cap_site_key: Option<String>,
    /// Where the Cap widget loads from: `jsdelivr`, `unpkg` or `instance`.
    pub captcha_cap_asset_server: Option<String>,
    pub app_promotion: Option<bool>,
    /// Extra sidebar links (`custom_nav_items`).
    pub custom_nav_items: Option<Vec<CustomNavItem>>,
    /// Administrator-written HTML for three places of the page.
    pub custom_html: Option<CustomHtml>,
    /// Show the desktop app promotion (`app` section).
    pub desktop_app_promotion: Option<bool>,
    // login
    pub login_captcha: Option<bool>,
    pub reg_captcha: Option<bool>,
    pub forget_captcha: Option<bool>,
    /// Passkey sign-in enabled.
    pub authn: Option<bool>,
    pub register_enabled: Option<bool>,
    pub tos_url: Option<String>,
    pub privacy_policy_url: Option<String>,
    /// The OpenID Connect providers people may sign in with (a Stratus extension).
    pub oidc_providers: Option<Vec<LoginProvider>>,
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
    /// Mapbox token of the map viewer (`map_mapbox_ak`).
    pub mapbox_ak: Option<String>,
    /// Default viewer per extension (`viewer_default_apps`).
    pub default_viewer_mapping: Option<HashMap<String, String>>,
    /// Custom property definitions (`custom_props`).
    pub custom_props: Option<Vec<CustomProp>>,
    pub show_encryption_status: Option<bool>,
    /// Whether `GET /file/search` (full-text search) is on (`fts_enabled`).
    pub full_text_search: Option<bool>,
    // thumb
    /// Extensions some enabled thumbnail generator takes, sorted, lower case.
    pub thumb_exts: Option<Vec<String>>,
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

/// An extra sidebar link.
#[derive(Debug, Clone, Object, Deserialize)]
pub struct CustomNavItem {
    /// Iconify icon name.
    #[oai(default)]
    #[serde(default)]
    pub icon: String,
    pub name: String,
    pub url: String,
}

/// A sign-in button of the `login` section: `GET /api/v4/session/oidc/{id}/authorize`
/// starts it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginProvider {
    pub id: String,
    pub name: String,
    /// An image URL, when the administrator gave one.
    pub icon: Option<String>,
}

/// Administrator-written HTML (omitted parts are empty).
#[derive(Debug, Clone, Default, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CustomHtml {
    /// Below the card of sign-in and similar pages.
    pub headless_footer: Option<String>,
    /// Inside the card of sign-in and similar pages, under its content.
    pub headless_bottom: Option<String>,
    /// At the bottom of the sidebar.
    pub sidebar_bottom: Option<String>,
}

/// A custom property definition (`custom_props`).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CustomProp {
    pub id: String,
    pub name: String,
    /// `text`, `number`, `boolean`, `select`, `multi_select`, `link` or `rating`.
    #[oai(rename = "type")]
    pub kind: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub default: Option<String>,
    pub options: Option<Vec<String>>,
    /// Iconify icon name.
    pub icon: Option<String>,
}
