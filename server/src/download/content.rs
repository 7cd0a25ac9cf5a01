//! `GET`/`HEAD /api/v4/file/content/:id/:speed/:name`: serves an entity's bytes to whoever
//! holds a valid signature for the URL's parts ([`link::content_subject`]).
//!
//! Order of checks: name → signature → share, when the URL is bound to one → entity →
//! `If-Match` (412) → `If-None-Match`, else `If-Modified-Since` (304) → `Range` (206 / 416;
//! `If-Range` that does not match the ETag or Last-Modified exactly falls back to 200; several
//! ranges get the whole body) → for a URL bound to a one-download record, a request served
//! from the first byte takes the record, and once it is gone only ranges from later bytes are
//! served. The HTTP status of each refusal is chosen in `api/errors/download.rs`. Every answer carries `Content-Security-Policy: sandbox` and
//! `X-Content-Type-Options: nosniff`. Bodies stream from the driver, never buffered, and are
//! throttled when `:speed` > 0.

use chrono::{DateTime, Utc};
use poem::{
    Body, Response,
    http::{HeaderMap, HeaderValue, StatusCode, header},
};
use sea_orm::EntityTrait;
use stratus_entity::entity;

use super::{
    DownloadError,
    headers::{self, RangeRequest},
    link::{self, EMPTY_ENTITY},
    speed,
};
use crate::{
    ids::IdKind,
    state::AppState,
    storage::{ByteRange, GetObject, StorageError, stream_once},
};

/// The path parameters and query of a content request.
#[derive(Debug, Clone, Copy)]
pub struct ContentRequest<'a> {
    pub id: &'a str,
    pub speed: &'a str,
    pub name: &'a str,
    pub sign: Option<&'a str>,
    /// The share the URL was made through (part of the signed subject).
    pub share: Option<&'a str>,
    /// The one-download record the URL is bound to (part of the signed subject).
    pub once: Option<&'a str>,
    pub download: bool,
    pub no_cache: bool,
    pub head: bool,
}

/// Serves a content request, or says why it is refused. Every answer, a refusal too, goes
/// out through [`protect`].
pub async fn serve(
    state: &AppState,
    req: &HeaderMap,
    q: ContentRequest<'_>,
) -> Result<Response, DownloadError> {
    let target = authorize(state, q).await?;
    respond(state, req, q, target).await
}

/// The headers every answer of the content route carries, so that nothing served from it
/// runs as a page of the site.
pub fn protect(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    headers::confine(h);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Content-Range, Content-Length, Content-Disposition, ETag"),
    );
    resp
}

/// What is served, once the signature and the entity checked out.
struct Target {
    etag: String,
    /// `None` for the empty pseudo-entity.
    entity: Option<entity::Model>,
    modified: Option<DateTime<Utc>>,
    expires: i64,
}

/// The answer for an authorized request: conditions, range, headers and the body.
async fn respond(
    state: &AppState,
    req: &HeaderMap,
    q: ContentRequest<'_>,
    target: Target,
) -> Result<Response, DownloadError> {
    let mut resp = Response::builder()
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, target.etag.as_str())
        .header(
            header::CACHE_CONTROL,
            cache_control(state, &q, target.expires).await,
        )
        .finish();
    if let Some(t) = target.modified {
        set(&mut resp, header::LAST_MODIFIED, &headers::http_date(t));
    }
    if let Some(status) = precondition(req, &target) {
        resp.set_status(status);
        return Ok(resp);
    }
    let range = wanted_range(req, &target);
    let mime = mime_guess::from_path(q.name).first_or_octet_stream();
    set(&mut resp, header::CONTENT_TYPE, mime.essence_str());
    // Markup that a browser would render as a page is always an attachment.
    let attachment = q.download || headers::renders_as_page(mime.essence_str());
    set(
        &mut resp,
        header::CONTENT_DISPOSITION,
        &headers::disposition(attachment, q.name),
    );
    let object = match open(state, &target, range, q.head).await {
        Ok(object) => object,
        Err(StorageError::RangeNotSatisfiable { size }) => {
            resp.set_status(StatusCode::RANGE_NOT_SATISFIABLE);
            set(&mut resp, header::CONTENT_RANGE, &format!("bytes */{size}"));
            resp.headers_mut().remove(header::CONTENT_TYPE);
            resp.headers_mut().remove(header::CONTENT_DISPOSITION);
            return Ok(resp);
        }
        Err(StorageError::NotFound) => return Err(DownloadError::EntityMissing),
        Err(err) => {
            tracing::error!(error = %err, "reading an entity for download failed");
            return Err(err.into());
        }
    };
    // A download counted against a share's limit is served once from its first byte; later
    // ranges of the same download (a player seeking, a resumed transfer) go on being served.
    if let Some(once) = q.once
        && !q.head
        && object.range.0 == 0
        && !crate::share::download::take_one(state, once).await?
    {
        return Err(DownloadError::UsedOnce);
    }
    if range.is_some() {
        resp.set_status(StatusCode::PARTIAL_CONTENT);
        let (start, end) = object.range;
        set(
            &mut resp,
            header::CONTENT_RANGE,
            &format!("bytes {start}-{end}/{}", object.size),
        );
    }
    set(&mut resp, header::CONTENT_LENGTH, &object.len().to_string());
    if !q.head {
        let rate = q.speed.parse::<u64>().unwrap_or(0);
        resp.set_body(Body::from_bytes_stream(speed::throttle(
            object.stream,
            rate,
        )));
    }
    Ok(resp)
}

fn header(req: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    req.get(name).and_then(|v| v.to_str().ok())
}

/// The status of a conditional request that is answered without the body: `If-Match` that
/// fails (412), else `If-None-Match`, or without it `If-Modified-Since`, that holds (304).
fn precondition(req: &HeaderMap, target: &Target) -> Option<StatusCode> {
    if let Some(im) = header(req, header::IF_MATCH)
        && !headers::etag_listed(im, &target.etag, false)
    {
        return Some(StatusCode::PRECONDITION_FAILED);
    }
    let not_modified = match header(req, header::IF_NONE_MATCH) {
        Some(inm) => headers::etag_listed(inm, &target.etag, true),
        None => match (header(req, header::IF_MODIFIED_SINCE), target.modified) {
            (Some(ims), Some(modified)) => headers::parse_http_date(ims)
                .is_some_and(|since| modified.timestamp() <= since.timestamp()),
            _ => false,
        },
    };
    not_modified.then_some(StatusCode::NOT_MODIFIED)
}

/// The one range asked for, unless `If-Range` no longer matches; several ranges get the
/// whole body.
fn wanted_range(req: &HeaderMap, target: &Target) -> Option<ByteRange> {
    let range = match headers::parse_range(header(req, header::RANGE)) {
        RangeRequest::One(r) => Some(r),
        RangeRequest::Whole | RangeRequest::Many => None,
    };
    match header(req, header::IF_RANGE) {
        Some(if_range) if !if_range_matches(if_range, target) => None,
        _ => range,
    }
}

fn set(resp: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, value);
    }
}

/// Checks the name, the signature and the share, and loads the entity.
async fn authorize(state: &AppState, q: ContentRequest<'_>) -> Result<Target, DownloadError> {
    link::check_name(q.name)?;
    let key = state.settings.get("secret_key").await?;
    // The signature covers `:speed` as written, so a signed speed is always a plain number.
    let subject = link::content_subject(q.id, q.speed, q.name, q.share, q.once);
    let expires = link::check_signature(key.as_bytes(), &subject, q.sign)?;
    match q.share {
        Some(grant) if crate::fs::grant::is_binding(grant) => {
            crate::fs::grant::still_reaches(state, grant)
                .await
                .map_err(DownloadError::Share)?;
        }
        Some(share) => {
            crate::share::access::still_serving(state, share)
                .await
                .map_err(DownloadError::Share)?;
        }
        None => {}
    }
    let id = state
        .ids
        .decode(q.id, IdKind::Entity)
        .map_err(|_| DownloadError::EntityMissing)?;
    let etag = format!("\"{}\"", q.id);
    if id == EMPTY_ENTITY {
        return Ok(Target {
            etag,
            entity: None,
            modified: None,
            expires,
        });
    }
    let entity = entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(link::servable)
        .ok_or(DownloadError::EntityMissing)?;
    Ok(Target {
        etag,
        modified: Some(entity.created_at),
        entity: Some(entity),
        expires,
    })
}

/// `If-Range`: an entity tag must match strongly; a date must equal Last-Modified.
fn if_range_matches(value: &str, target: &Target) -> bool {
    let value = value.trim();
    if value.starts_with('"') {
        return value == target.etag;
    }
    match (headers::parse_http_date(value), target.modified) {
        (Some(date), Some(modified)) => date.timestamp() == modified.timestamp(),
        _ => false,
    }
}

/// `private, max-age=<public_resource_maxage, but not beyond the link's expiry>`, or
/// `private, no-cache` when the link asked for it.
async fn cache_control(state: &AppState, q: &ContentRequest<'_>, expires: i64) -> String {
    if q.no_cache {
        return "private, no-cache".to_owned();
    }
    let mut max_age = state
        .settings
        .int("public_resource_maxage", 86400)
        .await
        .unwrap_or(0)
        .max(0);
    if expires > 0 {
        max_age = max_age.min((expires - Utc::now().timestamp()).max(0));
    }
    format!("private, max-age={max_age}")
}

/// Opens the selected bytes (for `HEAD`, only their extent).
async fn open(
    state: &AppState,
    target: &Target,
    range: Option<ByteRange>,
    head: bool,
) -> Result<GetObject, StorageError> {
    let Some(entity) = &target.entity else {
        if let Some(r) = range {
            r.resolve(0)?;
        }
        return Ok(GetObject {
            size: 0,
            range: (0, 0),
            stream: stream_once(Vec::new()),
        });
    };
    let driver = state.storage.driver(entity.storage_policy_id).await?;
    if !head {
        return driver.get(&entity.source, range).await;
    }
    let size = driver.head(&entity.source).await?.size;
    let range = match range {
        Some(r) => r.resolve(size)?,
        None => (0, size.saturating_sub(1)),
    };
    Ok(GetObject {
        size,
        range,
        stream: stream_once(Vec::new()),
    })
}
