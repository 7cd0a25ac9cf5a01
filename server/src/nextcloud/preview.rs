//! `/index.php/core/preview?fileId=<id>&x=&y=&a=` (and `/index.php/core/preview.png`): the
//! thumbnail of one of the caller's files, by the numeric id WebDAV answers in `oc:fileid`
//! (the file's row id). The thumbnail service (`thumb`) makes it, at its own size; the answer
//! is a redirect to its signed content URL. Another user's file, a trashed one and one
//! without a thumbnail are all 404.

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};
use sea_orm::EntityTrait;
use stratus_entity::file;

use super::{caller, login::site};
use crate::{
    auth::caller::Caller,
    fs::nav::{self, FsCtx},
    state::AppState,
    thumb,
};

/// `GET /index.php/core/preview` and `/index.php/core/preview.png`
#[handler]
pub async fn get_preview(req: &Request, state: Data<&AppState>) -> Response {
    let me = match caller::signed_in(&state, req).await {
        Ok(me) => me,
        Err(Some(resp)) => return resp,
        Err(None) => return crate::dav::auth::challenge(),
    };
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let query = req.uri().query().unwrap_or_default();
    let Some(id) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "fileId")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(Some(row)) = file::Entity::find_by_id(id).one(&state.db).await else {
        return not_found();
    };
    if row.owner_id != me.user.id || row.deleted_at.is_some() {
        return not_found();
    }
    let Ok(uri) = nav::uri_of(&state.db, &row).await else {
        return not_found();
    };
    let caller = Caller::User(me);
    let ctx = FsCtx::new(&state, &caller);
    let base = site(&state, req).await;
    match thumb::thumbnail(&ctx, &uri, &base).await {
        Ok(link) => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, link.url)
            .header(header::CACHE_CONTROL, "private, no-store")
            .finish(),
        Err(_) => not_found(),
    }
}
