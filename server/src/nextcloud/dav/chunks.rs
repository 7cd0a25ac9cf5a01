//! Chunked uploads v2 at `/remote.php/dav/uploads/<user>/<transfer>/…`, over the staged
//! transfers of `upload::transfer`:
//!
//! * `MKCOL …/<transfer>` opens it; an `OC-Total-Length` above the free space is 507.
//! * `PUT …/<transfer>/<n>` stores chunk `n`, streamed to its staging file.
//! * `MOVE …/<transfer>/.file` with `Destination` (a `/remote.php/dav/files/<user>/…` URL)
//!   joins the chunks in order into the file (a new version when one is there), with
//!   `X-OC-Mtime` and `OC-Checksum` as for a PUT, answers its `OC-FileId` and `OC-ETag`, and
//!   removes the transfer. A destination in "Shared with me" is written into the owner's
//!   tree, as a PUT there is (`dav::grants`).
//! * `DELETE …/<transfer>` aborts it.
//!
//! Transfers are kept per owner, so another user's transfer is simply not found (404).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use dav_server::davpath::DavPath;
use poem::{Body, IntoResponse, Request, Response, http::StatusCode};

use super::{
    Account,
    oc::{
        self, error, failure,
        headers::{self, OcRequest, Verifier},
        mount_of, names_caller, not_found,
        props::Access,
    },
};
use crate::{
    auth::caller::{Caller, SignedIn},
    dav::{
        error::{Door, transfer_status, upload_status},
        grants,
        headers::if_tokens,
        meta::Meta,
        path,
    },
    fs::{
        drive::verified::{Check, verified},
        error::FsError,
        nav,
        uri::FileUri,
    },
    state::AppState,
    storage::ByteStream,
    upload::{
        UploadError, granted,
        stream::{StreamWrite, write},
        transfer::{self, TransferError},
    },
};

/// The name a client MOVEs to finish a transfer.
const FINISH: &str = ".file";

/// Answers a request below `/remote.php/dav/uploads/<user>/`; `rest` is the path after it
/// (`<transfer>` or `<transfer>/<chunk>`).
pub async fn serve(mut req: Request, user: &str, rest: &str) -> Response {
    let account = match Account::of(&req, user).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    if !account.writable {
        return error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "This account cannot upload",
        );
    }
    let Account {
        state,
        signed,
        root,
        ..
    } = account;
    let owner = signed.me.user.id;
    let free = (signed.me.group.max_storage - signed.me.user.storage).max(0) as u64;
    let (transfer, chunk) = match rest.trim_end_matches('/').split_once('/') {
        Some((t, c)) => (t.to_owned(), Some(c.to_owned())),
        None => (rest.trim_end_matches('/').to_owned(), None),
    };
    let method = req.method().clone();
    let outcome =
        match (method.as_str(), chunk.as_deref()) {
            ("MKCOL", None) => {
                let total = req
                    .header("oc-total-length")
                    .and_then(|v| v.trim().parse::<u64>().ok());
                if total.is_some_and(|t| t > free) {
                    return error(
                        StatusCode::INSUFFICIENT_STORAGE,
                        "InsufficientStorage",
                        "Insufficient space",
                    );
                }
                transfer::open(&state, owner, &transfer)
                    .await
                    .map(|()| StatusCode::CREATED.into_response())
            }
            ("PUT", Some(name)) if name != FINISH => {
                if !transfer::exists(&state, owner, &transfer).await {
                    return not_found();
                }
                let body: ByteStream = Box::pin(req.take_body().into_bytes_stream());
                transfer::put_chunk(&state, owner, &transfer, name, body, free)
                    .await
                    .map(|_| StatusCode::CREATED.into_response())
            }
            ("MOVE", Some(FINISH)) => {
                let me = signed.me.clone();
                return finish(&state, me, &req, &root, &transfer).await;
            }
            ("DELETE", None) => transfer::remove(&state, owner, &transfer)
                .await
                .map(|gone| match gone {
                    true => StatusCode::NO_CONTENT.into_response(),
                    false => not_found(),
                }),
            _ => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
        };
    outcome.unwrap_or_else(transfer_error)
}

/// A failed step of the transfer, answered as `dav::error` says.
fn transfer_error(e: TransferError) -> Response {
    let message = match e {
        TransferError::NotFound => "File not found",
        TransferError::Exists => "The upload is open already",
        TransferError::NoSpace => "Insufficient space",
        TransferError::Io(_) => "",
    };
    failure(transfer_status(&e), message)
}

/// The refusal of a join whose chunks do not add up to the `OC-Total-Length` announced.
fn short_of_announced(req: &Request, total: u64) -> Option<Response> {
    let announced = req.header("oc-total-length")?.trim().parse::<u64>().ok()?;
    (announced != total).then(|| {
        error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The chunks do not add up to OC-Total-Length",
        )
    })
}

/// The `MOVE …/.file`: the transfer joined into its destination.
async fn finish(
    state: &AppState,
    me: Arc<SignedIn>,
    req: &Request,
    root: &FileUri,
    transfer: &str,
) -> Response {
    let owner = me.user.id;
    let Some(uri) = destination(state, &me, req, root) else {
        return error(StatusCode::BAD_REQUEST, "BadRequest", "Bad Destination");
    };
    let oc = match OcRequest::of(req, true, Access::Full) {
        Ok(oc) => oc,
        Err(resp) => return resp,
    };
    let (body, total) = match transfer::assembled(state, owner, transfer).await {
        Ok(found) => found,
        Err(e) => return transfer_error(e),
    };
    if let Some(refused) = short_of_announced(req, total) {
        return refused;
    }
    let (me, uri) = match writer(state, &me, root, uri).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let caller = Caller::User(me.clone());
    let ctx = nav::FsCtx::new(state, &caller);
    // As a PUT: a missing parent folder is a conflict (409), not made on the way.
    if let Err(e) = parent_folder(&ctx, &uri).await {
        return write_error(e.into());
    }
    let existed = nav::resolve(&ctx, &uri).await.is_ok();
    let mismatch = Arc::new(AtomicBool::new(false));
    let body = match oc.checksum.as_ref().map(Verifier::new) {
        Some(v) => {
            let flag = mismatch.clone();
            verified(body, v, move || flag.store(true, Ordering::Release))
        }
        None => body,
    };
    let tokens = if_tokens(req.header("if").unwrap_or_default());
    let written = write(
        state,
        &me,
        StreamWrite {
            uri: &uri,
            size: Some(total),
            body,
            lock_tokens: &tokens,
            journal: true,
            modified: oc.mtime,
            // Into a granted folder: the caller, not its owner, wrote this version.
            author: (me.user.id != owner).then_some(owner),
        },
    )
    .await;
    if mismatch.load(Ordering::Acquire) {
        let _ = transfer::remove(state, owner, transfer).await;
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The computed checksum does not match the one received from the client.",
        );
    }
    let file = match written {
        Ok(file) => file,
        Err(e) => return write_error(e),
    };
    if let Some(c) = &oc.checksum
        && let Err(e) = oc::checksums::remember(&state.db, &file, c).await
    {
        tracing::warn!(error = %e, "a verified checksum was not kept");
    }
    if let Err(e) = transfer::remove(state, owner, transfer).await {
        tracing::warn!(error = ?e, "a finished transfer could not be removed");
    }
    joined(existed, &file, oc.mtime.is_some())
}

/// The folder that will hold `uri`: a missing one (or a file in its place) is
/// [`FsError::ParentNotExist`].
async fn parent_folder(ctx: &nav::FsCtx<'_>, uri: &FileUri) -> Result<(), FsError> {
    let parent = uri.parent().ok_or(FsError::ParentNotExist)?;
    match nav::resolve(ctx, &parent).await {
        Ok(node) if node.is_folder() => Ok(()),
        Ok(_) | Err(FsError::NotFound) => Err(FsError::ParentNotExist),
        Err(e) => Err(e),
    }
}

/// The answer of a joined transfer: 204 over a file that `existed`, else 201, with the id and
/// ETag of `file`.
fn joined(existed: bool, file: &stratus_entity::file::Model, mtime_given: bool) -> Response {
    let status = if existed {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::CREATED
    };
    let mut resp = Response::builder().status(status).body(Body::empty());
    headers::answer(&mut resp, Some((file.id, Meta::of(file).etag)), mtime_given);
    resp
}

/// Who writes the joined file at `uri`, and where in their tree: the caller at `uri`, or for
/// a destination in "Shared with me", the owner of the granted folder (where the caller must
/// hold write access) at the same place in the owner's tree. The folder itself is refused.
async fn writer(
    state: &AppState,
    me: &Arc<SignedIn>,
    root: &FileUri,
    uri: FileUri,
) -> Result<(Arc<SignedIn>, FileUri), Response> {
    if !grants::may_lie_in_folder(root, &uri) {
        return Ok((me.clone(), uri));
    }
    let found = grants::Grants::load(state, me, root)
        .await
        .map_err(|e| write_error(e.into()))?;
    let uri = match found.and_then(|r| r.map(root, &uri)) {
        Some(mapped) => mapped,
        None => uri,
    };
    if grants::is_folder(&uri) {
        return Err(error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Nothing can be added here",
        ));
    }
    match granted::acting(state, me, &uri).await {
        Ok(Some(acting)) => Ok((Arc::new(acting.owner), acting.uri)),
        Ok(None) => Ok((me.clone(), uri)),
        Err(e) => Err(write_error(e)),
    }
}

/// The `Destination` of a MOVE: a path of the caller's tree under a client's files prefix
/// (not its root).
fn destination(state: &AppState, me: &SignedIn, req: &Request, root: &FileUri) -> Option<FileUri> {
    let url = req.header("destination")?.parse::<poem::http::Uri>().ok()?;
    let raw = url.path();
    if !path::raw_path_is_safe(raw) {
        return None;
    }
    let mount = mount_of(raw)?;
    if let Some(user) = &mount.user
        && !names_caller(state, user, me)
    {
        return None;
    }
    let mut p = DavPath::new(raw).ok()?;
    p.set_prefix(&mount.prefix).ok()?;
    path::join(root, &p).ok().filter(|u| u.name().is_some())
}

/// An `OC-Checksum` as the drive's body check (`fs::drive::verified`): WebDAV's PUT uses it too.
impl Check for Verifier {
    fn update(&mut self, bytes: &[u8]) {
        Verifier::update(self, bytes);
    }

    fn matches(self) -> bool {
        Verifier::matches(self)
    }
}

/// A failed assembly, answered as a PUT's failure is (`dav::error`).
fn write_error(e: UploadError) -> Response {
    failure(upload_status(&e, Door::Nextcloud), &e.to_string())
}
