//! Building signed content URLs (spec §5.6, §7.2):
//! `<base>/api/v4/file/content/<entity hashid>/<speed>/<escaped name>?[download=true&][no_cache=true&][thumb=true&]sign=<sig>`,
//! where the signature covers the *decoded* path only.
//!
//! The base is the primary site URL (the first entry of the comma-separated `siteURL`
//! setting). When that setting is empty or still the install default
//! (`http://localhost:5212`), which cannot be right for anyone but a local test install, the
//! base is taken from the request instead: its `Host` header and the scheme of
//! `X-Forwarded-Proto` (`http` or `https`, default `http`). A `Host` that is not a plain
//! host name or address with an optional port is ignored.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{entity, file, file_entity};

use super::headers;
use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::sign::{self, SignError},
    ids::{HashIds, IdKind},
    state::AppState,
    storage::{PresignHeaders, StorageError, registry::setting_bool},
};

/// Where content routes live, below the site base.
pub const CONTENT_PREFIX: &str = "/api/v4/file/content";
/// The `siteURL` a fresh install starts with.
pub const DEFAULT_SITE_URL: &str = "http://localhost:5212";
/// The entity id standing for the content of an empty file that has no blob.
pub const EMPTY_ENTITY: i64 = 0;

/// Characters escaped in the name segment: everything but RFC 3986 unreserved characters.
pub(crate) const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The base URL (scheme, host, optional path; no trailing `/`) content URLs start with.
pub fn site_base(setting: &str, host: Option<&str>, forwarded_proto: Option<&str>) -> String {
    let primary = setting
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .trim_end_matches('/');
    let placeholder = primary.is_empty() || primary == DEFAULT_SITE_URL;
    match host.filter(|h| placeholder && valid_host(h)) {
        Some(host) => {
            let scheme = match forwarded_proto.map(|p| p.trim().to_ascii_lowercase()) {
                Some(p) if p == "https" => "https",
                _ => "http",
            };
            format!("{scheme}://{host}")
        }
        None if primary.is_empty() => DEFAULT_SITE_URL.to_owned(),
        None => primary.to_owned(),
    }
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The decoded path of an entity's content, which is what gets signed.
pub fn content_path(entity_hashid: &str, speed: impl std::fmt::Display, name: &str) -> String {
    format!("{CONTENT_PREFIX}/{entity_hashid}/{speed}/{name}")
}

/// What a content URL's signature covers: the decoded path, plus the share when there is
/// one, so the share cannot be stripped from the URL to escape its re-validation.
pub fn signed_subject(path: &str, share: Option<&str>) -> String {
    match share {
        Some(share) => format!("{path}?share={share}"),
        None => path.to_owned(),
    }
}

/// Options carried in the query string. Only `share` is covered by the signature.
#[derive(Debug, Clone, Copy, Default)]
pub struct UrlOptions<'a> {
    /// `Content-Disposition: attachment`.
    pub download: bool,
    /// `Cache-Control: no-cache` instead of a private max-age.
    pub no_cache: bool,
    /// Marks a thumbnail URL (`thumb=true`, spec §7.2).
    pub thumb: bool,
    /// The share (hashid) the content was reached through: the content route checks the
    /// share again on every request, so a deleted or expired share stops its URLs at once.
    pub share: Option<&'a str>,
}

/// A signed, absolute content URL valid until `expires` (unix seconds).
pub fn content_url(
    base: &str,
    key: &[u8],
    entity_hashid: &str,
    speed: u64,
    name: &str,
    expires: i64,
    opts: UrlOptions<'_>,
) -> String {
    let path = content_path(entity_hashid, speed, name);
    let signature = sign::sign(key, &signed_subject(&path, opts.share), expires);
    let mut url = format!(
        "{base}{CONTENT_PREFIX}/{entity_hashid}/{speed}/{}?",
        utf8_percent_encode(name, SEGMENT)
    );
    if opts.download {
        url.push_str("download=true&");
    }
    if opts.no_cache {
        url.push_str("no_cache=true&");
    }
    if opts.thumb {
        url.push_str("thumb=true&");
    }
    if let Some(share) = opts.share {
        url.push_str("share=");
        url.extend(utf8_percent_encode(share, NON_ALPHANUMERIC));
        url.push('&');
    }
    url.push_str(&sign_param(&signature));
    url
}

/// `sign=<signature>`, escaped for a query string.
pub fn sign_param(signature: &str) -> String {
    format!("sign={}", utf8_percent_encode(signature, NON_ALPHANUMERIC))
}

/// Checks the `sign` query parameter of a signed route against the decoded `path`: missing
/// or wrong → 40020, expired → 40005. Returns the signature's expiry (unix seconds, 0 =
/// never).
pub fn check_signature(key: &[u8], path: &str, signature: Option<&str>) -> Result<i64, ApiError> {
    let signature = signature
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::CredentialInvalid, "missing signature"))?;
    match sign::verify(key, path, signature) {
        Ok(()) => {}
        Err(SignError::Expired) => {
            return Err(ApiError::new(
                ErrorCode::SignExpired,
                "this link has expired",
            ));
        }
        Err(e) => return Err(ApiError::new(ErrorCode::CredentialInvalid, e.to_string())),
    }
    Ok(signature
        .rsplit_once(':')
        .and_then(|(_, e)| e.parse::<i64>().ok())
        .unwrap_or(0))
}

/// Which blob a download of `file` serves: the requested version (an entity hashid linked to
/// the file) or the primary one. `Ok(None)` is an empty file without any blob, served as
/// zero bytes through [`EMPTY_ENTITY`]. Folders, blobs still uploading and missing blobs
/// are 40077.
pub async fn pick_entity(
    state: &AppState,
    file: &file::Model,
    requested: Option<&str>,
) -> Result<Option<entity::Model>, ApiError> {
    let missing = || ApiError::code(ErrorCode::EntityNotExist);
    if file.r#type != file::kind::FILE || file.is_symbolic {
        return Err(missing());
    }
    let id = match requested.filter(|r| !r.is_empty()) {
        Some(hashid) => {
            let id = state
                .ids
                .decode(hashid, IdKind::Entity)
                .map_err(|_| missing())?;
            file_entity::Entity::find()
                .filter(file_entity::Column::FileId.eq(file.id))
                .filter(file_entity::Column::EntityId.eq(id))
                .one(&state.db)
                .await?
                .ok_or_else(missing)?;
            id
        }
        None => match file.primary_entity {
            Some(id) => id,
            None if file.size == 0 => return Ok(None),
            None => return Err(missing()),
        },
    };
    let entity = entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(servable)
        .ok_or_else(missing)?;
    Ok(Some(entity))
}

/// How long a download URL works, in seconds: the `entity_url_default_ttl` setting (at
/// least one).
pub async fn url_ttl_secs(state: &AppState) -> Result<i64, ApiError> {
    Ok(state
        .settings
        .int("entity_url_default_ttl", 3600)
        .await?
        .max(1))
}

/// A URL of the storage provider serving `entity` directly (spec §7.2, "cloud presigned
/// URL") for `ttl` or the driver's longest validity if shorter, with the same `Content-Type`
/// and `Content-Disposition` the content route would send, and how long it works; `None`
/// when the content goes through Stratus: an empty file, a driver that cannot presign, a
/// policy with `internal_proxy`, or a driver that failed to (the content route then serves
/// the bytes, or reports the failure to whoever follows the URL). A policy with a download
/// proxy hands the URL out through it ([`super::proxy`]).
pub async fn presigned(
    state: &AppState,
    entity: Option<&entity::Model>,
    name: &str,
    download: bool,
    ttl: std::time::Duration,
) -> Option<(String, std::time::Duration)> {
    let entity = entity?;
    let driver = match state.storage.driver(entity.storage_policy_id).await {
        Ok(driver) => driver,
        Err(StorageError::Unsupported(_)) => return None,
        Err(e) => {
            tracing::warn!(entity = entity.id, error = %e, "no driver to presign with");
            return None;
        }
    };
    let caps = driver.capabilities();
    if !caps.presign {
        return None;
    }
    let ttl = caps.presign_max_ttl.map_or(ttl, |max| ttl.min(max));
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let attachment = download || headers::renders_as_page(mime.essence_str());
    let disposition = headers::disposition(attachment, name);
    let url = driver
        .presign_get(
            &entity.source,
            ttl,
            PresignHeaders {
                disposition: Some(&disposition),
                content_type: Some(mime.essence_str()),
            },
        )
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(entity = entity.id, error = %e, "presigning a download failed");
            None
        })?;
    let url = match state.storage.policy(entity.storage_policy_id).await {
        Ok(Some(policy)) => super::proxy::apply(&policy, url),
        _ => url,
    };
    Some((url, ttl))
}

/// Whether a download of `file` names itself for a stream saver (`stream_saver_display_name`):
/// only when the policy holding the served blob (the file's own for an empty file) has the
/// `stream_saver` setting on. A browser client that sees the name routes the download through
/// its stream-saver page instead of a plain one, which fails where that page cannot be reached;
/// a policy that cannot be read counts as off, which leaves a plain download.
pub async fn stream_saver(
    state: &AppState,
    file: &file::Model,
    entity: Option<&entity::Model>,
) -> bool {
    let Some(policy_id) = entity
        .map(|e| e.storage_policy_id)
        .or(file.storage_policy_id)
    else {
        return false;
    };
    match state.storage.policy(policy_id).await {
        Ok(policy) => policy.is_some_and(|p| setting_bool(&p.settings, "stream_saver")),
        Err(e) => {
            tracing::warn!(policy = policy_id, error = %e, "reading a storage policy failed");
            false
        }
    }
}

/// A blob that may be served: complete, referenced, not deleted.
pub fn servable(entity: &entity::Model) -> bool {
    entity.upload_session_id.is_none() && entity.reference_count > 0 && entity.deleted_at.is_none()
}

/// The public id of an entity ([`EMPTY_ENTITY`] for an empty file).
pub fn entity_hashid(ids: &HashIds, entity: Option<&entity::Model>) -> String {
    ids.encode(entity.map_or(EMPTY_ENTITY, |e| e.id), IdKind::Entity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_primary_site_url_unless_it_is_a_placeholder() {
        let base = |s, h| site_base(s, h, None);
        assert_eq!(
            base("https://drive.example/,https://b", Some("x:1")),
            "https://drive.example"
        );
        assert_eq!(base(" https://a , https://b", None), "https://a");
        assert_eq!(
            base("http://localhost:5212", Some("10.0.0.2:8080")),
            "http://10.0.0.2:8080"
        );
        assert_eq!(base("", Some("[::1]:80")), "http://[::1]:80");
        assert_eq!(site_base("", Some("h"), Some("HTTPS")), "https://h");
        assert_eq!(base("", None), DEFAULT_SITE_URL);
        assert_eq!(
            base("http://localhost:5212", Some("evil/x?")),
            DEFAULT_SITE_URL
        );
    }

    #[test]
    fn urls_escape_the_name_and_sign_the_decoded_path() {
        let key = b"k";
        let url = content_url(
            "https://d",
            key,
            "AbC",
            7,
            "naïve résumé #1.txt",
            i64::MAX,
            UrlOptions {
                download: true,
                ..UrlOptions::default()
            },
        );
        let (path, query) = url.split_once('?').unwrap();
        assert_eq!(
            path,
            "https://d/api/v4/file/content/AbC/7/na%C3%AFve%20r%C3%A9sum%C3%A9%20%231.txt"
        );
        let sig = query.strip_prefix("download=true&sign=").unwrap();
        let sig = percent_encoding::percent_decode_str(sig)
            .decode_utf8()
            .unwrap();
        let signed = content_path("AbC", 7, "naïve résumé #1.txt");
        assert!(sign::verify(key, &signed, &sig).is_ok());
    }
}
