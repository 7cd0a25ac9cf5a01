//! `/index.php/core/preview?fileId=<id>&x=&y=&a=` (and `/index.php/core/preview.png`): the
//! thumbnail of one of the caller's files, by the numeric id WebDAV answers in `oc:fileid`
//! (the file's row id). The thumbnail service (`thumb`) makes it, at its own size; the answer
//! is a redirect to its signed content URL. Another user's file, one outside the folder the
//! caller's WebDAV account is confined to (`fs::reach`), a trashed one and one without a
//! thumbnail are all 404.

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};

use super::{caller, login::site};
use crate::{
    auth::caller::Caller,
    fs::{nav::FsCtx, reach},
    state::AppState,
    thumb,
};

/// `GET /index.php/core/preview` and `/index.php/core/preview.png`
#[handler]
pub async fn get_preview(req: &Request, state: Data<&AppState>) -> Response {
    let me = match caller::signed_in(&state, req).await {
        Ok(me) => me,
        Err(Some(resp)) => return resp,
        Err(None) => return crate::door::basic::challenge(),
    };
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let query = req.uri().query().unwrap_or_default();
    let Some(id) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "fileId")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let caller = Caller::User(me);
    let ctx = FsCtx::new(&state, &caller);
    // Another user's file, or one outside the folder the caller's account is confined to.
    let Ok(node) = reach::by_id(&ctx, id).await else {
        return not_found();
    };
    let base = site(&state, req).await;
    match thumb::thumbnail(&ctx, &node.uri, &base).await {
        Ok(link) => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, link.url)
            .header(header::CACHE_CONTROL, "private, no-store")
            .finish(),
        Err(_) => not_found(),
    }
}
