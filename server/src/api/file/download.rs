//! Downloads: `POST /file/url` signs content URLs; `GET`/`HEAD /file/content/...` serves them
//! (see [`crate::download`]).

use chrono::{SecondsFormat, Utc};
use poem::{Request, Response, http::Method, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    registry::{MetaResponse, MetaResponses},
    types::Type,
};

use crate::api::raw::{Described, Raw, bare, binary, header};
use crate::api::{
    ApiTags,
    envelope::{ApiError, Envelope, ErrorCode, ok},
    errors,
    file::tree::{batch_outcome, check_batch},
    json::ApiJson,
    query_bool::QueryBool,
};
use crate::{
    archive::session,
    auth::caller::Caller,
    boolset::fs_cap,
    download::{
        content::{self, ContentRequest},
        link::{self, UrlOptions},
    },
    fs::{
        nav::{self, FsCtx},
        uri::{FileUri, FsKind},
    },
    share,
    state::AppState,
};

/// `POST /file/url`
#[derive(Debug, Object)]
pub struct DownloadUrlRequest {
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
    /// `Content-Disposition: attachment` instead of inline.
    pub download: Option<bool>,
    /// With one URI (or an archive): answer HTTP 302 to the URL instead of the envelope. The
    /// `Location` starts with the primary site URL, or is a path while `siteURL` is empty or
    /// still `http://localhost:5212`.
    pub redirect: Option<bool>,
    /// With one URI: the entity (version) hashid to serve instead of the primary one. On a
    /// share URI, anyone but the owner may name only the current one (else 40082).
    pub entity: Option<String>,
    /// Accepted for compatibility; URLs always use the primary site URL.
    pub use_primary_site_url: Option<bool>,
    /// Leave failed items out instead of failing the request.
    pub skip_error: Option<bool>,
    /// One URL to a zip of all URIs, built on the fly (group permission 4, else 40007);
    /// folders are included with everything below them.
    pub archive: Option<bool>,
    /// The content is sent with `Cache-Control: private, no-cache`.
    pub no_cache: Option<bool>,
}

/// One signed URL.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DownloadUrl {
    pub url: String,
    /// The file name, for clients that save the stream themselves: set with `download` when
    /// the file's storage policy has the `stream_saver` setting on.
    pub stream_saver_display_name: Option<String>,
}

/// `data` of `POST /file/url`.
#[derive(Debug, Object)]
pub struct DownloadUrls {
    pub urls: Vec<DownloadUrl>,
    /// When the URLs stop working (RFC 3339).
    pub expires: Option<String>,
}

/// The envelope, or a redirect to the one URL.
#[derive(ApiResponse)]
pub enum UrlAnswer {
    /// The signed URLs.
    #[oai(status = 200)]
    Urls(Json<Envelope<DownloadUrls>>),
    /// `redirect: true` with one URI.
    #[oai(status = 302)]
    Redirect(#[oai(header = "Location")] String),
}

pub struct DownloadApi;

#[OpenApi(tag = "ApiTags::File")]
impl DownloadApi {
    /// Signed content URLs for files (spec §7.1). URLs are absolute: they start with the
    /// primary site URL, or with the request's scheme and `Host` while `siteURL` is empty or
    /// still `http://localhost:5212`. They expire after `entity_url_default_ttl` seconds.
    /// One request counts one download of each share its files are reached through, however
    /// many of them it asks for (a "download all" asks for them at once); on a share with a
    /// download limit each URL still serves one download.
    #[oai(
        path = "/file/url",
        method = "post",
        operation_id = "create_download_urls"
    )]
    async fn create_download_urls(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<DownloadUrlRequest>,
    ) -> Result<UrlAnswer, ApiError> {
        let ctx = FsCtx::new(&state, &caller);
        check_batch(&state, body.uris.len()).await?;
        if body.entity.is_some() && body.uris.len() > 1 {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "entity needs exactly one URI",
            ));
        }
        let site = state.settings.get("siteURL").await?;
        let archive = body.archive.unwrap_or(false);
        // One URL (a zip, or the URL of a single file) is answered as a redirect when asked.
        let redirect = body.redirect.unwrap_or(false) && (archive || body.uris.len() == 1);
        let base = if redirect {
            link::redirect_base(&site)
        } else {
            link::site_base(&site, req.header("host"), req.header("x-forwarded-proto"))
        };
        if archive {
            let skip_error = body.skip_error.unwrap_or(false);
            let archive = session::create(&ctx, &body.uris, skip_error, &base).await?;
            let url = DownloadUrl {
                url: archive.url,
                stream_saver_display_name: None,
            };
            return answer(vec![url], archive.expires, redirect);
        }
        let key = state.settings.get("secret_key").await?;
        let ttl = link::url_ttl_secs(&state).await?;
        let now = Utc::now().timestamp();
        let speed = crate::door::session::group_of(&state, &caller)
            .await?
            .speed_limit
            .max(0) as u64;
        let batch = UrlBatch {
            ctx,
            base,
            key,
            ttl,
            now,
            speed,
            entity: body.entity.as_deref(),
            opts: UrlOptions {
                download: body.download.unwrap_or(false),
                no_cache: body.no_cache.unwrap_or(false),
                thumb: false,
                share: None,
                once: None,
            },
            counted: Default::default(),
        };
        // Providers cap their URLs' validity (S3: 7 days); the answer says the earliest end.
        let mut soonest = batch.expires();
        let mut urls = Vec::new();
        let mut failures = Vec::new();
        for raw in &body.uris {
            match batch.sign(raw).await {
                Ok((url, works_until)) => {
                    soonest = soonest.min(works_until);
                    urls.push(url);
                }
                Err(err) => failures.push((raw.clone(), err)),
            }
        }
        if !body.skip_error.unwrap_or(false) {
            batch_outcome(body.uris.len(), failures)?;
        }
        answer(urls, soonest, redirect)
    }

    /// An entity's bytes; the `sign` query parameter is the credential (no login). Supports
    /// `Range`, `If-Match`, `If-None-Match`, `If-Modified-Since`, `If-Range`; `download=true`
    /// makes it an attachment, `no_cache=true` turns off caching. `share` and `once` bind the
    /// URL to the share it was made through and to its one download (both signed): a URL
    /// bound to one download serves one request from the first byte, then only ranges from a
    /// later byte. Errors are envelopes with HTTP 400 (a name no file can have), 403 (bad or
    /// expired signature, or the one download served already: 40005), 404 (no such entity,
    /// or the share no longer works) or 500.
    #[oai(
        path = "/file/content/:id/:speed/:name",
        method = "get",
        operation_id = "get_file_content"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn get_file_content(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        speed: Path<String>,
        name: Path<String>,
        sign: Query<Option<String>>,
        share: Query<Option<String>>,
        once: Query<Option<String>>,
        download: Query<Option<QueryBool>>,
        no_cache: Query<Option<QueryBool>>,
    ) -> ContentResponse {
        let q = ContentRequest {
            id: &id.0,
            speed: &speed.0,
            name: &name.0,
            sign: sign.0.as_deref(),
            share: share.0.as_deref().filter(|s| !s.is_empty()),
            once: once.0.as_deref().filter(|s| !s.is_empty()),
            download: QueryBool::of(download.0),
            no_cache: QueryBool::of(no_cache.0),
            head: req.method() == Method::HEAD,
        };
        ContentResponse::from(serve_content(&state, req, q).await)
    }

    /// The headers `GET` would send, without the body.
    #[oai(
        path = "/file/content/:id/:speed/:name",
        method = "head",
        operation_id = "head_file_content"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn head_file_content(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        speed: Path<String>,
        name: Path<String>,
        sign: Query<Option<String>>,
        share: Query<Option<String>>,
        once: Query<Option<String>>,
        download: Query<Option<QueryBool>>,
        no_cache: Query<Option<QueryBool>>,
    ) -> ContentResponse {
        self.get_file_content(
            state, req, id, speed, name, sign, share, once, download, no_cache,
        )
        .await
    }
}

/// The content route's answer: the bytes, or the refusal with its HTTP status; either way
/// with the content route's protective headers.
async fn serve_content(state: &AppState, req: &Request, q: ContentRequest<'_>) -> Response {
    content::protect(
        content::serve(state, req.headers(), q)
            .await
            .unwrap_or_else(errors::download::content_refusal),
    )
}

/// The envelope with `urls`, or a redirect to the one URL when asked for.
/// What the URLs of one `POST /file/url` request share.
struct UrlBatch<'a> {
    ctx: FsCtx<'a>,
    base: String,
    key: String,
    ttl: i64,
    now: i64,
    /// The caller's group speed limit in bytes per second (0: none).
    speed: u64,
    /// The version asked for, if not the current one.
    entity: Option<&'a str>,
    opts: UrlOptions<'static>,
    /// The request counts one download of each share, for all the URLs it hands out.
    counted: share::download::PerShare,
}

impl UrlBatch<'_> {
    /// When URLs signed by Stratus stop working.
    fn expires(&self) -> i64 {
        self.now + self.ttl
    }

    /// The URL of one file and when it stops working.
    async fn sign(&self, raw: &str) -> Result<(DownloadUrl, i64), ApiError> {
        let state = self.ctx.state;
        let uri = FileUri::parse(raw)?;
        // The share's download this request counted covers its other files.
        let ctx = if self.counted.covers(state, &uri) {
            self.ctx.with_download_counted()
        } else {
            self.ctx
        };
        let node = if uri.fs == FsKind::Snapshot {
            crate::snapshot::browse::resolve(&ctx, &uri)
                .await?
                .as_node()
        } else {
            nav::resolve(&ctx, &uri).await?
        };
        node.require(fs_cap::DOWNLOAD)?;
        let entity = link::pick_entity_of(state, &node, self.entity).await?;
        let ttl = std::time::Duration::from_secs(self.ttl as u64);
        let once = match self.counted.count(state, self.ctx.caller, &node).await? {
            share::download::Counted::Limited => Some(share::download::bind_one(state, ttl).await?),
            _ => None,
        };
        // Content reached through a share or a grant is checked again on every request.
        let bound = share::access::bound_share(state, &node).or_else(|| {
            let me = self.ctx.caller.user_id()?;
            node.grant
                .map(|_| crate::fs::grant::binding(state, me, node.file.id))
        });
        let opts = UrlOptions {
            share: bound.as_deref(),
            once: once.as_deref(),
            ..self.opts
        };
        // A provider URL only where Stratus has nothing to enforce on the way: shared
        // content is re-checked on every request, and a speed limit needs the bytes.
        let direct = if bound.is_none() && self.speed == 0 {
            link::presigned(state, entity.as_ref(), &node.file.name, opts.download, ttl).await
        } else {
            None
        };
        let (url, works_until) = match direct {
            Some((url, works)) => (url, self.now + works.as_secs() as i64),
            None => {
                let hashid = link::entity_hashid(&state.ids, entity.as_ref());
                let url = link::content_url(
                    &self.base,
                    self.key.as_bytes(),
                    &hashid,
                    self.speed,
                    &node.file.name,
                    self.expires(),
                    opts,
                );
                (url, self.expires())
            }
        };
        let stream_saver =
            opts.download && link::stream_saver(state, &node.file, entity.as_ref()).await;
        let url = DownloadUrl {
            url,
            stream_saver_display_name: stream_saver.then(|| node.file.name.clone()),
        };
        Ok((url, works_until))
    }
}

fn answer(mut urls: Vec<DownloadUrl>, expires: i64, redirect: bool) -> Result<UrlAnswer, ApiError> {
    if redirect && urls.len() == 1 {
        return Ok(UrlAnswer::Redirect(urls.remove(0).url));
    }
    let expires = chrono::DateTime::from_timestamp(expires, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    Ok(UrlAnswer::Urls(ok(DownloadUrls { urls, expires })?))
}

/// Raw content (or an error envelope with its HTTP status), described for the document.
pub type ContentResponse = Raw<ContentDoc>;

/// How the document describes [`ContentResponse`].
pub struct ContentDoc;

impl Described for ContentDoc {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![
                MetaResponse {
                    content: vec![binary("application/octet-stream")],
                    headers: vec![
                        header("ETag", "`\"<entity hashid>\"`", false),
                        header(
                            "Content-Disposition",
                            "inline, or attachment with `download=true`",
                            false,
                        ),
                    ],
                    ..bare("The whole content.", 200)
                },
                MetaResponse {
                    headers: vec![header(
                        "Content-Range",
                        "`bytes <start>-<end>/<size>`",
                        false,
                    )],
                    ..bare("One range of the content.", 206)
                },
                bare("Not modified (If-None-Match / If-Modified-Since).", 304),
                bare(
                    "A name holding `/`, `\\`, `?` or a control character (envelope 40001).",
                    400,
                ),
                bare(
                    "Bad or expired signature, or the one download served already \
                     (envelope 40020 / 40005).",
                    403,
                ),
                bare(
                    "No such entity, or the share stopped working (envelope 40077 / 40058).",
                    404,
                ),
                bare("If-Match failed.", 412),
                bare(
                    "Range not satisfiable (`Content-Range: bytes */<size>`).",
                    416,
                ),
            ],
        }
    }
}
