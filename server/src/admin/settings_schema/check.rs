//! Whether a value is one a setting of a given [`Kind`] may hold; the answer says what is
//! wrong, for the administrator.

use serde_json::Value;
use url::Url;

use super::{Kind, VERIFIABLE_CAPTCHAS};

/// Checks `value` against `kind`.
pub(super) fn against(kind: Kind, value: &str) -> Result<(), String> {
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
        Kind::NavItems => check_nav_items(&json(value)?),
        Kind::CustomProps => crate::settings::custom_props::parse(value).map(drop),
        Kind::StringMap => check_string_map(&json(value)?),
        Kind::MasterKey => check_master_key(value),
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

/// `custom_nav_items`: a JSON array of `{icon, name, url}` with a name and an http(s) URL or a
/// path of this site.
fn check_nav_items(value: &Value) -> Result<(), String> {
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
fn check_string_map(value: &Value) -> Result<(), String> {
    match value.as_object() {
        Some(map) if map.values().all(Value::is_string) => Ok(()),
        _ => Err("must be a JSON object of {\"<ext>\": \"<viewer id>\"}".into()),
    }
}

/// `encrypt_master_key`: base64 of 32 bytes.
fn check_master_key(value: &str) -> Result<(), String> {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(value.trim()) {
        Ok(key) if key.len() == 32 => Ok(()),
        _ => Err("must be 32 bytes in base64".into()),
    }
}
