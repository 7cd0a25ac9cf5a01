//! `PUT /file/source` and `DELETE /file/source/:id`: direct ("source") links to files, and
//! `GET /f/...`, which follows them (see [`crate::download::direct`]).

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::json;

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    errors::download::direct_refusal,
    file::tree::check_batch,
    json::ApiJson,
};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::{fs_cap, group_perm},
    download::{
        direct,
        link::{self, UrlOptions},
    },
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    ids::IdKind,
    state::AppState,
};

/// `PUT /file/source`
#[derive(Debug, Object)]
pub struct SourceRequest {
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
}

/// One direct link.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct SourceLink {
    /// `<site>/f/<id>/<name>`, or a signed content URL that never expires.
    pub link: String,
    /// The URI of the file.
    pub file_url: String,
}

pub struct SourceApi;

#[OpenApi(tag = "ApiTags::File")]
impl SourceApi {
    /// Direct links to files the caller owns. Needs group setting `source_batch` > 0 (else
    /// 40007) and at most that many URIs (else 40014). With group setting
    /// `redirected_source`, each link is a permanent `/f/<id>/<name>` address that redirects
    /// to the content (asking again for the same file gives the same link, unless the group
    /// has permission bit 17, "unique redirected direct links"); otherwise it is
    /// a signed content URL that never expires. Folders and files without content are
    /// 40077, other users' files 40082. When some URIs fail, the answer is 40081 with the
    /// links that were made in `data`.
    #[oai(
        path = "/file/source",
        method = "put",
        operation_id = "create_source_links"
    )]
    async fn create_source_links(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<SourceRequest>,
    ) -> ApiResult<Vec<SourceLink>> {
        let ctx = FsCtx::new(&state, &caller);
        let me = ctx.user()?;
        let setting = |key: &str| me.group.settings.get(key).cloned();
        let batch = setting("source_batch")
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        if batch <= 0 {
            return Err(ApiError::new(
                ErrorCode::GroupNotAllowed,
                "your group may not create direct links",
            ));
        }
        if body.uris.len() as i64 > batch {
            return Err(ApiError::new(
                ErrorCode::BatchSourceSize,
                format!("at most {batch} files per request"),
            ));
        }
        check_batch(&state, body.uris.len()).await?;
        let maker = Maker {
            state: &state,
            me,
            redirected: setting("redirected_source")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            base: link::site_base(
                &state.settings.get("siteURL").await?,
                req.header("host"),
                req.header("x-forwarded-proto"),
            ),
            key: state.settings.get("secret_key").await?,
        };
        let mut links = Vec::new();
        let mut failures = Vec::new();
        for raw in &body.uris {
            match maker.make(&ctx, raw).await {
                Ok(made) => links.push(made),
                Err(err) => failures.push((raw.clone(), err)),
            }
        }
        if failures.is_empty() {
            return ok(links);
        }
        if body.uris.len() == 1 {
            return Err(failures.remove(0).1);
        }
        // As Cloudreve: 40081 with the failures, and the links that were made as `data`.
        let err = failures.iter().fold(
            ApiError::code(ErrorCode::BatchOperationNotFullyCompleted),
            |acc, (uri, err)| acc.with_item(uri.clone(), err),
        );
        Err(err.with_data(json!(links)))
    }

    /// Revokes a direct link of one of the caller's files (listed in `extended_info` of
    /// `GET /file/info`); `/f/<id>/…` answers 404 from then on. Another user's link and an
    /// unknown id are both 404 "Direct link not found"; a malformed id is 40001.
    #[oai(
        path = "/file/source/:id",
        method = "delete",
        operation_id = "delete_source_link"
    )]
    async fn delete_source_link(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let id = state.ids.decode(&id.0, IdKind::SourceLink)?;
        direct::revoke(&state.db, id, me.user.id).await?;
        done()
    }
}

/// What making a link needs, resolved once per request.
struct Maker<'a> {
    state: &'a AppState,
    me: &'a SignedIn,
    redirected: bool,
    base: String,
    key: String,
}

impl Maker<'_> {
    async fn make(&self, ctx: &FsCtx<'_>, raw: &str) -> Result<SourceLink, ApiError> {
        let node = nav::resolve(ctx, &FileUri::parse(raw)?).await?;
        node.require(fs_cap::DOWNLOAD)?;
        if node.file.owner_id != self.me.user.id && !self.me.is_admin() {
            return Err(ApiError::code(ErrorCode::OwnerOnly));
        }
        // Folders and symbolic entries have no content: 40077, as for download URLs.
        let entity = link::pick_entity(self.state, &node.file, None).await?;
        let speed = self.me.group.speed_limit.max(0);
        let link = if self.redirected {
            let unique = self
                .me
                .permissions()
                .enabled(group_perm::UNIQUE_DIRECT_LINK);
            let row = direct::link_for(&self.state.db, &node.file, speed, unique).await?;
            let hashid = self.state.ids.encode(row.id, IdKind::SourceLink);
            direct::link_url(&self.base, &hashid, &row.name)
        } else {
            link::content_url(
                &self.base,
                self.key.as_bytes(),
                &link::entity_hashid(&self.state.ids, entity.as_ref()),
                speed as u64,
                &node.file.name,
                0,
                UrlOptions::default(),
            )
        };
        Ok(SourceLink {
            link,
            file_url: node.uri.to_string(),
        })
    }
}

/// `GET /f/:id/:name`: 302 to the content of a direct link, shown inline.
#[poem::handler]
pub async fn follow(
    state: Data<&AppState>,
    poem::web::Path((id, name)): poem::web::Path<(String, String)>,
) -> poem::Response {
    direct::redirect(&state, &id, &name, false)
        .await
        .unwrap_or_else(direct_refusal)
}

/// `GET /f/d/:id/:name`: 302 to the content of a direct link, as an attachment.
#[poem::handler]
pub async fn follow_download(
    state: Data<&AppState>,
    poem::web::Path((id, name)): poem::web::Path<(String, String)>,
) -> poem::Response {
    direct::redirect(&state, &id, &name, true)
        .await
        .unwrap_or_else(direct_refusal)
}
