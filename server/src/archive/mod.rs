//! Server-side zip downloads (spec §7.3): sessions made by `POST /file/url {archive: true}`
//! ([`session`]), the zip built on the fly as the requester ([`stream`]) with a streaming
//! stored-zip encoder ([`zip`]), and the `GET /file/archive/:id/archive.zip` answer ([`serve`]).
//!
//! Entries are stored, not deflated: most of what people keep in a drive (photos, video,
//! archives, office files) is compressed already, so deflate would cost CPU on a shared
//! server for little gain, and storing lets each blob chunk go out untouched at the speed of
//! the disk and the network.

pub mod session;
pub mod stream;
pub mod zip;

use std::sync::Arc;

use poem::{
    Body, Request, Response,
    error::ResponseError,
    http::{HeaderValue, StatusCode, header},
};
use sea_orm::EntityTrait;
use stratus_entity::group;

use self::session::OpenError;
use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::caller::{Caller, SignedIn},
    boolset::group_perm,
    download::{headers, speed},
    net,
    state::AppState,
    users,
};

/// The file name clients save the archive under.
pub const FILE_NAME: &str = "archive.zip";

/// Answers `GET /file/archive/:id/archive.zip`: the streamed zip, or an envelope with HTTP 403
/// (bad or expired signature, requester no longer allowed in), 404 (no such session) or 500.
pub async fn serve(
    state: &AppState,
    req: &Request,
    session_id: &str,
    signature: Option<&str>,
) -> Response {
    let refuse = |status: StatusCode, err: ApiError| {
        let mut resp = err.as_response();
        resp.set_status(status);
        resp
    };
    let session = match session::open(state, session_id, signature).await {
        Ok(session) => session,
        Err(OpenError::Forbidden(err)) => return refuse(StatusCode::FORBIDDEN, err),
        Err(OpenError::NotFound(err)) => return refuse(StatusCode::NOT_FOUND, err),
        Err(OpenError::Internal(err)) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, err),
    };
    let requester = match requester(state, session.requester_id).await {
        Ok(requester) => requester,
        Err(err) => return refuse(StatusCode::FORBIDDEN, err),
    };
    // The group may have lost the permission since the session was made.
    if !requester
        .permissions()
        .enabled(group_perm::ARCHIVE_DOWNLOAD)
    {
        let err = ApiError::code(ErrorCode::GroupNotAllowed);
        return refuse(StatusCode::FORBIDDEN, err);
    }
    let rate = requester.group.speed_limit.max(0) as u64;
    let caller = Caller::User(Arc::new(requester));
    let abort = net::abort_handle(req);
    let archive = stream::body(state.clone(), caller, session.uris, abort);
    let body = speed::throttle(archive, rate);
    let mut resp = Response::builder()
        .content_type("application/zip")
        .header(
            header::CONTENT_DISPOSITION,
            headers::disposition(true, FILE_NAME),
        )
        .header(header::CACHE_CONTROL, "private, no-cache")
        .body(Body::from_bytes_stream(body));
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The requester as they are now: still there, allowed to sign in, with their current group.
async fn requester(state: &AppState, id: i64) -> Result<SignedIn, ApiError> {
    let user = users::find_live(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
    users::ensure_can_sign_in(&user)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::GroupNotFound))?;
    Ok(SignedIn {
        user,
        group,
        session: None,
    })
}
