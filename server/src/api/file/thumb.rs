//! `GET /file/thumb`: a signed URL of a file's thumbnail (see [`crate::thumb`]).

use chrono::SecondsFormat;
use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
};
use crate::{
    auth::caller::Caller,
    download::link,
    fs::{nav::FsCtx, uri::FileUri},
    state::AppState,
    thumb,
};

/// `data` of `GET /file/thumb`.
#[derive(Debug, Object)]
pub struct ThumbUrl {
    /// Signed content URL of the thumbnail picture.
    pub url: String,
    /// When the URL stops working (RFC 3339).
    pub expires: String,
}

pub struct FileThumbApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileThumbApi {
    /// The thumbnail of a file, generated on first request (spec §7.5). Folders, items in
    /// the trash, files marked `thumb:disabled`, types or sizes the generator does not take,
    /// and pictures that cannot be decoded answer 40077; the last also mark the file
    /// `thumb:disabled`. The `X-Cr-Context-Hint` header is accepted and not relied upon.
    #[oai(path = "/file/thumb", method = "get", operation_id = "get_file_thumb")]
    async fn get_file_thumb(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        uri: Query<Option<String>>,
    ) -> ApiResult<ThumbUrl> {
        // Who may see the file is decided by the navigation (login, ownership, shares).
        let ctx = FsCtx::new(&state, &caller);
        let Some(uri) = uri.0.filter(|u| !u.is_empty()) else {
            return Err(ApiError::new(ErrorCode::ParamError, "uri is required"));
        };
        let uri = FileUri::parse(&uri)?;
        let site = state.settings.get("siteURL").await?;
        let base = link::site_base(&site, req.header("host"), req.header("x-forwarded-proto"));
        let thumb = thumb::thumbnail(&ctx, &uri, &base).await?;
        ok(ThumbUrl {
            url: thumb.url,
            expires: thumb.expires.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }
}
