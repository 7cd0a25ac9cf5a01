//! Server-side zip downloads (spec §7.3): sessions made by `POST /file/url {archive: true}`
//! ([`session`]), the zip built on the fly as the requester ([`stream`]) with a streaming
//! stored-zip encoder ([`zip`]), and the `GET /file/archive/:id/archive.zip` answer ([`serve`]).
//!
//! Entries are stored, not deflated: most of what people keep in a drive (photos, video,
//! archives, office files) is compressed already, so deflate would cost CPU on a shared
//! server for little gain, and storing lets each blob chunk go out untouched at the speed of
//! the disk and the network.

pub mod error;
pub mod session;
pub mod sources;
pub mod stream;
pub mod task;
pub mod zip;

use poem::{
    Body, Request, Response,
    http::{HeaderValue, header},
};

pub use error::ArchiveError;
use session::ArchiveSession;
pub use task::submit;

use stratus_entity::group;

use crate::{
    auth::caller::Caller,
    boolset::{Boolset, group_perm},
    download::{headers, speed},
    net,
    state::AppState,
};

/// The file name clients save the archive under.
pub const FILE_NAME: &str = "archive.zip";

/// Answers `GET /file/archive/:id/archive.zip` for an open `session` (see [`session::open`])
/// and its requester as they are now (still there and allowed to sign in, or a signed-out
/// visitor) with their group as it is now: the streamed zip.
pub fn serve(
    state: &AppState,
    req: &Request,
    session: ArchiveSession,
    requester: Caller,
    group: &group::Model,
) -> Result<Response, ArchiveError> {
    // The group may have lost the permission since the session was made.
    if !Boolset::from_bytes(group.permissions.clone()).enabled(group_perm::ARCHIVE_DOWNLOAD) {
        return Err(ArchiveError::NoLongerAllowed);
    }
    let rate = group.speed_limit.max(0) as u64;
    let limit = crate::fs::walk::limit_of(&group.settings);
    let abort = net::abort_handle(req);
    let archive = stream::body(state.clone(), requester, limit, session.uris, abort);
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
    Ok(resp)
}
