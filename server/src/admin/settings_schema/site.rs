//! Settings of the site itself: name, addresses, look, PWA, and the extra content of its pages.

use super::Kind;

pub(super) const SETTINGS: &[(&str, Kind)] = &[
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
    // Site look and extra content (spec 4.18 §9)
    ("custom_nav_items", Kind::NavItems),
    ("custom_props", Kind::CustomProps),
    ("headless_footer_html", Kind::Text),
    ("headless_bottom_html", Kind::Text),
    ("sidebar_bottom_html", Kind::Text),
    ("show_desktop_app_promotion", Kind::Bool),
    ("expose_user_email", Kind::Bool),
    ("map_mapbox_ak", Kind::Text),
    ("viewer_default_apps", Kind::StringMap),
];
