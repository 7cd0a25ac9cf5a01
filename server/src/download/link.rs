//! Building signed content URLs (spec §5.6, §7.2):
//! `<base>/api/v4/file/content/<entity hashid>/<speed>/<escaped name>?[download=true&][no_cache=true&][thumb=true&][share=<id>&][once=<id>&]sign=<sig>`.
//! The signature covers a [`content_subject`]: the route, the entity, the speed, the decoded
//! name, the share and the one-download record, as separate length-prefixed fields, so no
//! part can be moved between the path and the query without breaking it.
//!
//! The base is the primary site URL (the first entry of the comma-separated `siteURL`
//! setting). When that setting is empty or still the install default
//! (`http://localhost:5212`), which cannot be right for anyone but a local test install, the
//! base of URLs handed out in an answer is taken from the request instead: its `Host` header
//! and the scheme of `X-Forwarded-Proto` (`http` or `https`, default `http`). A `Host` that is
//! not a plain host name or address with an optional port is ignored. Redirects never take
//! their host from the request: without a configured site URL their `Location` is a path,
//! which the client resolves against the address it asked ([`redirect_base`]).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use stratus_entity::{entity, file, file_entity};

use super::{DownloadError, headers};
use crate::{
    auth::sign::{self, SignError},
    fs::nav::Node,
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

/// The primary site URL (no trailing `/`): the first entry of the `siteURL` setting, empty
/// when there is none.
fn primary_site(setting: &str) -> &str {
    setting
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .trim_end_matches('/')
}

/// Whether `primary` is no site URL anyone configured: empty, or the install default.
fn is_placeholder(primary: &str) -> bool {
    primary.is_empty() || primary == DEFAULT_SITE_URL
}

/// The base URL (scheme, host, optional path; no trailing `/`) content URLs start with.
pub fn site_base(setting: &str, host: Option<&str>, forwarded_proto: Option<&str>) -> String {
    let primary = primary_site(setting);
    let placeholder = is_placeholder(primary);
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

/// The base of a redirect's `Location`: the primary site URL when one is configured, else
/// nothing, so that the `Location` is a path on the host the client asked. A `Host` header
/// is the client's to choose, and a redirect built from it could be cached and handed to
/// others.
pub fn redirect_base(setting: &str) -> String {
    let primary = primary_site(setting);
    if is_placeholder(primary) {
        String::new()
    } else {
        primary.to_owned()
    }
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// What a content URL's signature covers: the entity, the speed as written, the decoded
/// name, and the share and one-download record it is bound to (empty when unbound), each a
/// field of its own, so the share cannot be stripped from the URL to escape its re-check,
/// whatever the name holds.
pub fn content_subject(
    entity_hashid: &str,
    speed: &str,
    name: &str,
    share: Option<&str>,
    once: Option<&str>,
) -> String {
    sign::subject(&[
        CONTENT_PREFIX,
        entity_hashid,
        speed,
        name,
        share.unwrap_or_default(),
        once.unwrap_or_default(),
    ])
}

/// Refuses a decoded `:name` segment that no stored file or thumbnail can be named: empty,
/// or holding `/`, `\`, `?` or a control character. Such a name can only come from an
/// altered URL.
pub fn check_name(name: &str) -> Result<(), DownloadError> {
    if name.is_empty() {
        return Err(DownloadError::BadName("the name is empty".into()));
    }
    match name
        .chars()
        .find(|&c| matches!(c, '/' | '\\' | '?') || c.is_control())
    {
        Some(c) => Err(DownloadError::BadName(format!(
            "the name contains the character {c:?}"
        ))),
        None => Ok(()),
    }
}

/// Options carried in the query string. Only `share` and `once` are covered by the
/// signature.
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
    /// The one-download record of a download counted against a share's limit
    /// ([`crate::share::download`]): only one request from the first byte is served.
    pub once: Option<&'a str>,
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
    let subject = content_subject(
        entity_hashid,
        &speed.to_string(),
        name,
        opts.share,
        opts.once,
    );
    let signature = sign::sign(key, &subject, expires);
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
    for (param, value) in [("share", opts.share), ("once", opts.once)] {
        if let Some(value) = value {
            url.push_str(param);
            url.push('=');
            url.extend(utf8_percent_encode(value, NON_ALPHANUMERIC));
            url.push('&');
        }
    }
    url.push_str(&sign_param(&signature));
    url
}

/// `sign=<signature>`, escaped for a query string.
pub fn sign_param(signature: &str) -> String {
    format!("sign={}", utf8_percent_encode(signature, NON_ALPHANUMERIC))
}

/// Checks the `sign` query parameter of a signed route against its `subject`: missing
/// or wrong, or expired, is refused. Returns the signature's expiry (unix seconds, 0 =
/// never).
pub fn check_signature(
    key: &[u8],
    subject: &str,
    signature: Option<&str>,
) -> Result<i64, DownloadError> {
    let signature = signature
        .filter(|s| !s.is_empty())
        .ok_or(DownloadError::NoSignature)?;
    match sign::verify(key, subject, signature) {
        Ok(()) => {}
        Err(SignError::Expired) => return Err(DownloadError::Expired),
        Err(e) => return Err(DownloadError::BadSignature(e.to_string())),
    }
    Ok(signature
        .rsplit_once(':')
        .and_then(|(_, e)| e.parse::<i64>().ok())
        .unwrap_or(0))
}

/// Which blob a download of `node` serves, as [`pick_entity`]. A share's visitor gets only a
/// file's current version: naming it is fine (the official client does when it previews a
/// shared file), naming another is [`DownloadError::OwnerOnly`]; the owner may name any of
/// their versions. Every route where a caller names an entity of a resolved file
/// (`POST /file/url`, `GET /file/archive`) goes through here.
pub async fn pick_entity_of(
    state: &AppState,
    node: &Node,
    requested: Option<&str>,
) -> Result<Option<entity::Model>, DownloadError> {
    if let Some(hashid) = requested.filter(|r| !r.is_empty())
        && node.seen_by_visitor()
        && !state
            .ids
            .decode(hashid, IdKind::Entity)
            .is_ok_and(|id| node.file.primary_entity == Some(id))
    {
        return Err(DownloadError::OwnerOnly);
    }
    pick_entity(state, &node.file, requested).await
}

/// Which blob a download of `file` serves: the requested version (an entity hashid linked to
/// the file) or the primary one. `Ok(None)` is an empty file without any blob, served as
/// zero bytes through [`EMPTY_ENTITY`]. Folders, blobs still uploading and missing blobs
/// are [`DownloadError::EntityMissing`].
pub async fn pick_entity(
    state: &AppState,
    file: &file::Model,
    requested: Option<&str>,
) -> Result<Option<entity::Model>, DownloadError> {
    let missing = || DownloadError::EntityMissing;
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
pub async fn url_ttl_secs(state: &AppState) -> Result<i64, DbErr> {
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
    fn redirects_use_a_configured_site_url_or_a_path() {
        assert_eq!(
            redirect_base(" https://d.example/ , https://b"),
            "https://d.example"
        );
        assert_eq!(redirect_base(DEFAULT_SITE_URL), "");
        assert_eq!(redirect_base(""), "");
    }

    #[test]
    fn names_that_no_file_has_are_refused() {
        for good in ["a.txt", "naïve résumé #1.txt", "x&y=z;.jpg", "..."] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a/b",
            "a\\b",
            "a?share=x",
            "a\nb",
            "a\u{7f}b",
            "a\u{85}b",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn urls_escape_the_name_and_sign_their_fields() {
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
        let signed = content_subject("AbC", "7", "naïve résumé #1.txt", None, None);
        assert!(sign::verify(key, &signed, &sig).is_ok());
    }

    #[test]
    fn the_share_and_the_record_are_signed_apart_from_the_name() {
        let key = b"k";
        let opts = UrlOptions {
            share: Some("S1"),
            once: Some("O1"),
            ..UrlOptions::default()
        };
        let url = content_url("https://d", key, "E", 0, "a.txt", i64::MAX, opts);
        let query = url.split_once('?').unwrap().1;
        let sig = query.strip_prefix("share=S1&once=O1&sign=").unwrap();
        let sig = percent_encoding::percent_decode_str(sig)
            .decode_utf8()
            .unwrap();
        let signed = content_subject("E", "0", "a.txt", Some("S1"), Some("O1"));
        assert!(sign::verify(key, &signed, &sig).is_ok());
        // The same parts in other places sign something else.
        for moved in [
            content_subject("E", "0", "a.txt?share=S1", None, Some("O1")),
            content_subject("E", "0", "a.txt", None, Some("O1")),
            content_subject("E", "0", "a.txt", Some("S1"), None),
            content_subject("E", "0", "a.txt", Some("O1"), Some("S1")),
            content_subject("E", "0/a.txt", "", Some("S1"), Some("O1")),
        ] {
            assert!(sign::verify(key, &moved, &sig).is_err(), "{moved}");
        }
    }
}
