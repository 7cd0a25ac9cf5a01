//! `GET /file/archive/:session_id/archive.zip`: the zip of an archive session (see
//! [`crate::archive`]); `GET /file/archive`: the entries of an archive in the drive (see
//! [`crate::extract::list`]).

use poem::{Request, Response, http::StatusCode, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    registry::{MetaResponse, MetaResponses},
};

use crate::api::raw::{Described, Raw, bare, binary, header};
use crate::api::{
    ApiTags,
    dto::file::{ArchiveListResponse, ArchivedFile},
    envelope::{ApiResult, ok},
    errors::{archive::refusal, download::refuse},
};
use crate::{
    archive,
    boolset::group_perm,
    door::{Caller, session as caller},
    extract,
    fs::uri::FileUri,
    state::AppState,
};

pub struct ArchiveApi;

#[OpenApi(tag = "ApiTags::File")]
impl ArchiveApi {
    /// A zip of the files and folders of an archive session, made on the fly with the rights
    /// its requester has now (what they trashed, deleted or lost access to since is left
    /// out). The `sign` query parameter is the credential (no login). Entries are stored
    /// (uncompressed), names are UTF-8, and zip64 is used past 4 GiB or 65535 entries. The
    /// body is streamed without a length; a failure midway aborts it. Errors before the
    /// first byte are envelopes with HTTP 403 (bad or expired signature 40020 / 40005, or
    /// the requester may no longer sign in or download archives) or 404 (no such session).
    /// A zip that counted a download against a share's download limit is served once.
    #[oai(
        path = "/file/archive/:session_id/archive.zip",
        method = "get",
        operation_id = "get_archive"
    )]
    async fn get_archive(
        &self,
        state: Data<&AppState>,
        req: &Request,
        session_id: Path<String>,
        sign: Query<Option<String>>,
    ) -> ArchiveResponse {
        ArchiveResponse::from(answer(&state, req, &session_id.0, sign.0.as_deref()).await)
    }

    /// The entries of the archive at `uri` (zip, tar, tar.gz/bz2/xz, 7z), without
    /// extracting it: its `entity` version, or the current one. Zip names stored without the
    /// UTF-8 flag are decoded from `text_encoding` (or `encoding`: `gbk`, `shift_jis`,
    /// `big5`, ...), else read as UTF-8 when valid, else CP437. Links and special entries are
    /// left out. Names are paths starting with `/` (folders without a trailing `/`). At most
    /// the group's `max_walked_files` entries (else 40045; a 7z whose header is larger than
    /// 64 bytes per allowed entry, at least 4 MiB, is refused before it is parsed); not an
    /// archive → 40056; too many archives being read at once → 429; a group without
    /// permission bit 5 (extract) → 40007. A listing is kept per
    /// version and encoding. A share's visitor may not name an `entity` (40082).
    #[oai(
        path = "/file/archive",
        method = "get",
        operation_id = "list_archive_files"
    )]
    async fn list_archive(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        uri: Query<String>,
        entity: Query<Option<String>>,
        text_encoding: Query<Option<String>>,
        encoding: Query<Option<String>>,
    ) -> ApiResult<ArchiveListResponse> {
        let me = caller.signed_in()?;
        // Listing is the first step of extracting: the same group bit (40007 without it).
        if !me.permissions().enabled(group_perm::ARCHIVE_TASK) {
            return Err(extract::ExtractError::NotAllowed.into());
        }
        let uri = FileUri::parse(&uri.0)?;
        let encoding = text_encoding.0.or(encoding.0);
        let listed = extract::list::list(
            &state,
            &caller,
            &uri,
            entity.0.as_deref(),
            encoding.as_deref(),
        )
        .await?;
        ok(ArchiveListResponse {
            files: listed
                .iter()
                .map(|e| ArchivedFile {
                    name: e.name.clone(),
                    size: e.size.min(i64::MAX as u64) as i64,
                    updated_at: e.updated_at,
                    is_directory: e.is_directory,
                })
                .collect(),
        })
    }
}

/// The zip, or an envelope with HTTP 403 (bad or expired signature, requester no longer
/// allowed in), 404 (no such session) or 500.
async fn answer(
    state: &AppState,
    req: &Request,
    session_id: &str,
    signature: Option<&str>,
) -> Response {
    let session = match archive::session::open(state, session_id, signature).await {
        Ok(session) => session,
        Err(err) => return refusal(err),
    };
    // The requester as they are now: still there and allowed to sign in, with their
    // current group.
    let (requester, group) = match caller::remembered(state, session.requester_id).await {
        Ok(requester) => requester,
        Err(err) => return refuse(StatusCode::FORBIDDEN, err.into()),
    };
    archive::serve(state, req, session, requester, &group).unwrap_or_else(refusal)
}

/// A streamed zip (or an error envelope with its HTTP status), described for the document.
pub type ArchiveResponse = Raw<ArchiveDoc>;

/// How the document describes [`ArchiveResponse`].
pub struct ArchiveDoc;

impl Described for ArchiveDoc {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![
                MetaResponse {
                    content: vec![binary("application/zip")],
                    headers: vec![header(
                        "Content-Disposition",
                        "`attachment; filename=\"archive.zip\"`",
                        true,
                    )],
                    ..bare("The archive.", 200)
                },
                bare(
                    "Bad or expired signature, or the requester is no longer allowed.",
                    403,
                ),
                bare(
                    "No such archive session, or one that serves one download and was \
                     downloaded (envelope 404).",
                    404,
                ),
            ],
        }
    }
}
