//! `PUT /share/upload/:id`: a visitor drops a file into an upload-only share (deviations §5).
//! The share module admits the upload and reserves its bytes on the share; the body is then
//! streamed into the shared folder as its owner (charged to the owner's quota, journalled and
//! indexed as any upload), and the reservation is settled with the bytes actually stored.

use futures_util::{StreamExt, TryStreamExt};
use poem::{Body, Request, http::header, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
};

use crate::api::{
    ApiTags,
    dto::share::ShareUpload,
    envelope::{ApiError, ApiResult, ok},
};
use crate::{
    auth::caller::Caller,
    share::upload::{self, Admitted, Drop},
    state::AppState,
    storage::ByteStream,
    upload::stream::{self, StreamWrite},
};

pub struct ShareUploadApi;

#[OpenApi(tag = "ApiTags::Share")]
impl ShareUploadApi {
    /// Stores the raw request body as a new file named `name` in the folder of an
    /// upload-only share. `Content-Length` is required; a taken name gets a number
    /// (`a (1).txt`), so nothing is replaced. The file is charged to the share owner's quota
    /// and counted against the share's `upload_limit`; an address may upload a limited
    /// number of files per ten minutes (429 past it). A share that takes no uploads is 403;
    /// its files are never listed to the visitor: the answer names only the stored name.
    #[oai(
        path = "/share/upload/:id",
        method = "put",
        operation_id = "upload_to_share"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn upload_to_share(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
        name: Query<String>,
        password: Query<Option<String>>,
        body: Body,
    ) -> ApiResult<ShareUpload> {
        let size = req
            .header(header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok());
        let drop = Drop {
            hashid: &id.0,
            password: password.0.as_deref().filter(|p| !p.is_empty()),
            name: &name.0,
            size,
        };
        let admitted = upload::admit(&state, &caller, &drop).await?;
        let stored = store(&state, &admitted, body).await;
        let size = stored.as_ref().map_or(0, |s| s.size);
        // What was reserved and not stored goes back to the share's cap.
        upload::release(&state.db, admitted.share_id, admitted.reserved - size).await;
        let file = stored?;
        ok(ShareUpload {
            name: file.name,
            size: file.size,
        })
    }
}

/// Streams `body` into the admitted target, refusing more bytes than were reserved.
async fn store(
    state: &AppState,
    admitted: &Admitted,
    body: Body,
) -> Result<stratus_entity::file::Model, ApiError> {
    let reserved = admitted.reserved as u64;
    let mut seen = 0u64;
    let stream: ByteStream = Box::pin(body.into_bytes_stream().map_err(std::io::Error::other).map(
        move |piece| {
            let piece = piece?;
            seen += piece.len() as u64;
            if seen > reserved {
                return Err(std::io::Error::other("the body is longer than announced"));
            }
            Ok(piece)
        },
    ));
    let write = StreamWrite {
        uri: &admitted.target,
        size: Some(reserved),
        body: stream,
        lock_tokens: &[],
        journal: true,
        modified: None,
        author: None,
    };
    Ok(stream::write_new(state, &admitted.owner, write).await?)
}
