//! `/site`: ping, site configuration sections and captcha images.

use poem::{Request, web::Data};
use poem_openapi::{OpenApi, param::Path};

use super::{
    ApiTags,
    dto::{
        site::{Captcha, CustomHtml, CustomProp, LoginProvider, SiteConfig},
        user::User,
    },
    envelope::{ApiError, ApiResult, ErrorCode, ok},
};
use crate::{
    captcha_ticket,
    door::{Caller, session as caller},
    events::Client,
    settings::{custom_props, file_apps, parse_bool},
    state::AppState,
    thumb,
};

/// The Cloudreve API version Stratus is wire-compatible with; clients gate on it (the desktop
/// client wants 4.12 or later, the CLI 4.17 up to 5). Stratus's own version is in the admin
/// summary and `stratus --version`.
pub const COMPAT_VERSION: &str = "4.18.0";

pub struct SiteApi;

#[OpenApi(tag = "ApiTags::Site")]
impl SiteApi {
    /// Liveness check for clients: answers the compatible Cloudreve version.
    #[oai(path = "/site/ping", method = "get", operation_id = "ping_site")]
    async fn ping_site(&self) -> ApiResult<String> {
        ok(COMPAT_VERSION.to_owned())
    }

    /// One section of the site configuration: `basic` (also for unknown names), `login`,
    /// `explorer`, `emojis`, `app` or `thumb`.
    #[oai(
        path = "/site/config/:section",
        method = "get",
        operation_id = "get_site_config"
    )]
    async fn get_site_config(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        section: Path<String>,
    ) -> ApiResult<SiteConfig> {
        let s = state.settings.all().await.map_err(ApiError::from)?;
        let v = Values(&s);
        let config = match section.0.as_str() {
            "login" => login(&v),
            "explorer" => explorer(&v),
            "thumb" => SiteConfig {
                thumb_exts: Some(
                    thumb::site_exts(&state.settings)
                        .await
                        .map_err(ApiError::from)?,
                ),
                ..Default::default()
            },
            "emojis" => SiteConfig {
                emoji_preset: v.non_empty("emojis"),
                ..Default::default()
            },
            "app" => SiteConfig {
                app_promotion: v.flag("show_app_promotion"),
                // Cloudreve reads a missing row as off.
                desktop_app_promotion: Some(
                    s.get("show_desktop_app_promotion")
                        .is_some_and(|v| parse_bool(v)),
                ),
                ..Default::default()
            },
            _ => basic(&v, caller_user(&state, &caller).await?),
        };
        ok(config)
    }

    /// A new image captcha. Send `ticket` and the typed text with the form that needs it.
    ///
    /// One client address gets `captcha_per_minute` images a minute; past that the answer is
    /// code 429 (HTTP 429) with `Retry-After`.
    #[oai(path = "/site/captcha", method = "get", operation_id = "get_captcha")]
    async fn get_captcha(&self, req: &Request, state: Data<&AppState>) -> ApiResult<Captcha> {
        let client = Client::of(req, &state.config);
        if let Err(wait) = state.captcha_limits.check(client.ip.as_deref()) {
            return Err(ApiError::new(
                ErrorCode::TooManyRequests,
                "Too many captcha requests, try again later",
            )
            .with_retry_after(wait.as_secs_f64().ceil().max(1.0) as u64));
        }
        let (image, ticket) =
            captcha_ticket::issue(&state.db, &state.settings, state.config.captcha_max_tickets)
                .await
                .map_err(ApiError::from)?;
        ok(Captcha { image, ticket })
    }
}

/// The usable custom property definitions (none when the setting is broken).
fn custom_props(raw: &str) -> Vec<CustomProp> {
    custom_props::load(raw)
        .into_iter()
        .map(|d| CustomProp {
            id: d.id,
            name: d.name,
            kind: d.kind,
            min: d.min,
            max: d.max,
            default: d.default,
            options: d.options,
            icon: d.icon,
        })
        .collect()
}

/// The caller as the site configuration reports it.
async fn caller_user(state: &AppState, caller: &Caller) -> Result<User, ApiError> {
    Ok(match caller {
        Caller::User(u) => User::from_model(&state.ids, &u.user, &u.group),
        Caller::Anonymous => User::anonymous(&state.ids, &caller::anonymous_group(state).await?),
    })
}

/// The settings a section is made of, read as its fields want them.
struct Values<'a>(&'a std::collections::HashMap<String, String>);

impl Values<'_> {
    fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_default()
    }

    fn flag(&self, key: &str) -> Option<bool> {
        Some(parse_bool(&self.get(key)))
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.get(key).trim().parse::<i64>().ok()
    }

    fn non_empty(&self, key: &str) -> Option<String> {
        Some(self.get(key)).filter(|v| !v.is_empty())
    }
}

/// `login`: what the sign-in and sign-up forms show.
fn login(v: &Values) -> SiteConfig {
    SiteConfig {
        login_captcha: v.flag("login_captcha"),
        reg_captcha: v.flag("reg_captcha"),
        forget_captcha: v.flag("forget_captcha"),
        authn: v.flag("authn_enabled"),
        register_enabled: v.flag("register_enabled"),
        tos_url: v.non_empty("tos_url"),
        privacy_policy_url: v.non_empty("privacy_policy_url"),
        oidc_providers: Some(
            crate::auth::sign_in::oidc::providers::parse(&v.get("oidc_providers"))
                .unwrap_or_default()
                .into_iter()
                .map(|p| LoginProvider {
                    id: p.id,
                    name: p.name,
                    icon: p.icon.filter(|i| !i.is_empty()),
                })
                .collect(),
        ),
        ..Default::default()
    }
}

/// `explorer`: the file browser's limits, viewers, icons and maps.
fn explorer(v: &Values) -> SiteConfig {
    SiteConfig {
        max_batch_size: v.int("max_batched_file"),
        file_viewers: file_apps::with_viewers(
            serde_json::from_str(&v.get("file_viewers")).ok(),
            &file_apps::enabled(|k| v.get(k)),
        ),
        icons: v.non_empty("explorer_icons"),
        map_provider: v.non_empty("map_provider"),
        google_map_tile_type: v.non_empty("map_google_tile_type"),
        thumbnail_width: v.int("thumb_width"),
        thumbnail_height: v.int("thumb_height"),
        mapbox_ak: v.non_empty("map_mapbox_ak"),
        default_viewer_mapping: serde_json::from_str(&v.get("viewer_default_apps")).ok(),
        custom_props: Some(custom_props(&v.get("custom_props"))),
        show_encryption_status: v.flag("show_encryption_status"),
        full_text_search: v.flag("fts_enabled"),
        ..Default::default()
    }
}

/// `basic` (and any unknown section): the site's name, look, captcha and the caller.
fn basic(v: &Values, user: User) -> SiteConfig {
    SiteConfig {
        instance_id: v.non_empty("siteID"),
        title: v.non_empty("siteName"),
        themes: v.non_empty("theme_options"),
        default_theme: v.non_empty("defaultTheme"),
        user: Some(user),
        logo: v.non_empty("site_logo"),
        logo_light: v.non_empty("site_logo_light"),
        captcha_type: v.non_empty("captcha_type"),
        turnstile_site_id: v.non_empty("captcha_turnstile_site_key"),
        captcha_recaptcha_key: v.non_empty("captcha_ReCaptchaKey"),
        captcha_cap_instance_url: v.non_empty("captcha_cap_instance_url"),
        captcha_cap_site_key: v.non_empty("captcha_cap_site_key"),
        captcha_cap_asset_server: v.non_empty("captcha_cap_asset_server"),
        app_promotion: v.flag("show_app_promotion"),
        custom_nav_items: serde_json::from_str(&v.get("custom_nav_items")).ok(),
        custom_html: Some(CustomHtml {
            headless_footer: v.non_empty("headless_footer_html"),
            headless_bottom: v.non_empty("headless_bottom_html"),
            sidebar_bottom: v.non_empty("sidebar_bottom_html"),
        }),
        ..Default::default()
    }
}
