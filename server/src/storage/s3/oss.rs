//! `oss` policies: Aliyun OSS through its S3-compatible interface, with OSS's own endpoint
//! conventions applied to the [`S3Config`] of the policy.
//!
//! * `server` may be written as OSS lists it, without a scheme (`oss-cn-hangzhou.aliyuncs.com`):
//!   HTTPS is meant.
//! * The signing region is the endpoint's (`oss-cn-hangzhou[-internal].aliyuncs.com` →
//!   `cn-hangzhou`) unless `settings.region` names one.
//! * Buckets are virtual-hosted (`<bucket>.oss-cn-hangzhou.aliyuncs.com`), as OSS requires;
//!   `s3_path_style` is honoured only for stand-ins that serve path-style.
//! * `settings.server_side_endpoint` is the internal endpoint (`oss-cn-hangzhou-internal...`)
//!   Stratus itself uses; clients get URLs of `server`.
//! * `settings.use_cname`: `server` is a custom domain bound to the bucket, so client URLs
//!   carry no bucket name (the server-side endpoint keeps the usual form).

use std::borrow::Cow;

use base64::{Engine, prelude::BASE64_STANDARD};

use stratus_entity::storage_policy;
use url::Url;

use super::config::{S3Config, setting_str};
use crate::storage::registry::setting_bool;

/// Applies OSS's conventions to `config`, read from `policy` as for S3.
pub(super) fn apply(config: &mut S3Config, policy: &storage_policy::Model) {
    config.public_endpoint = with_scheme(&config.public_endpoint).into_owned();
    config.endpoint = with_scheme(&config.endpoint).into_owned();
    if setting_str(&policy.settings, "region").is_none()
        && let Some(region) =
            region_of(&config.endpoint).or_else(|| region_of(&config.public_endpoint))
    {
        config.region = region;
    }
    config.cname = setting_bool(&policy.settings, "use_cname");
    config.calls_back = true;
}

/// What OSS posts to the callback URL: the object's key and size, filled in by OSS
/// (`application/json` bodies get JSON values).
const CALLBACK_BODY: &str = r#"{"source_name":${object},"size":${size}}"#;

/// The `callback` query parameter of a completion URL (signed with the rest of it): OSS's
/// callback policy, base64 of `{callbackUrl, callbackBody, callbackBodyType}`. OSS then POSTs
/// [`CALLBACK_BODY`] to `url` once the upload is complete and answers the client only after
/// that call returned, so a client that waits for the upload to show up (Cloudreve's) needs
/// no call of its own.
pub(super) fn callback_param(url: &str) -> String {
    let policy = serde_json::json!({
        "callbackUrl": url,
        "callbackBody": CALLBACK_BODY,
        "callbackBodyType": "application/json",
    });
    BASE64_STANDARD.encode(policy.to_string())
}

/// `endpoint` with `https://` in front when it names no scheme.
fn with_scheme(endpoint: &str) -> Cow<'_, str> {
    if endpoint.is_empty() || endpoint.contains("://") {
        Cow::Borrowed(endpoint)
    } else {
        Cow::Owned(format!("https://{endpoint}"))
    }
}

/// The region of an OSS endpoint: `https://oss-cn-hangzhou-internal.aliyuncs.com` →
/// `cn-hangzhou`.
fn region_of(endpoint: &str) -> Option<String> {
    let url = Url::parse(endpoint).ok()?;
    let host = url.host_str()?;
    let label = host.split('.').next()?;
    let region = label.strip_prefix("oss-")?;
    let region = region.strip_suffix("-internal").unwrap_or(region);
    (!region.is_empty()).then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_oss_conventions() {
        assert_eq!(
            with_scheme("oss-cn-hangzhou.aliyuncs.com"),
            "https://oss-cn-hangzhou.aliyuncs.com"
        );
        assert_eq!(
            with_scheme("http://127.0.0.1:9000"),
            "http://127.0.0.1:9000"
        );
        assert_eq!(with_scheme(""), "");
        assert_eq!(
            region_of("https://oss-cn-hangzhou.aliyuncs.com").as_deref(),
            Some("cn-hangzhou")
        );
        assert_eq!(
            region_of("https://oss-ap-southeast-1-internal.aliyuncs.com").as_deref(),
            Some("ap-southeast-1")
        );
        assert_eq!(region_of("https://files.example.com"), None);
    }

    #[test]
    fn the_callback_policy_names_the_url_and_a_json_body() {
        let param = callback_param("https://drive.example.com/api/v4/callback/oss/s/k");
        let policy: serde_json::Value =
            serde_json::from_slice(&BASE64_STANDARD.decode(param).unwrap()).unwrap();
        assert_eq!(
            policy["callbackUrl"],
            "https://drive.example.com/api/v4/callback/oss/s/k"
        );
        assert_eq!(policy["callbackBody"], CALLBACK_BODY);
        assert_eq!(policy["callbackBodyType"], "application/json");
    }
}
