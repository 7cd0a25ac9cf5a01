//! `/ocs/v{1,2}.php/cloud/user` (the signed-in account as Nextcloud describes it: the user id
//! is the public hash id, the login name the e-mail) and `/index.php/avatar/<user>/<size>`.
//!
//! Avatars: the caller's own (named by hash id or e-mail) when signed in; another account's
//! only by hash id, exactly what `GET /api/v4/user/avatar/:id` already shows anyone; an e-mail
//! other than the caller's is never looked up, so the route tells nobody which addresses have
//! accounts. Whatever has no picture (no such account, none uploaded, unknown name) gets the
//! same generated one.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};
use serde_json::json;
use stratus_entity::user;

use super::{caller, ocs};
use crate::{
    avatar::{self, Size},
    ids::IdKind,
    state::AppState,
};

/// `GET /ocs/v{1,2}.php/cloud/user`
#[handler]
pub async fn current_user(req: &Request, state: Data<&AppState>) -> Response {
    let me = match caller::signed_in(&state, req).await {
        Ok(me) => me,
        Err(Some(resp)) => return resp,
        Err(None) => return ocs::fail(req, StatusCode::UNAUTHORIZED, "Unauthorised"),
    };
    let id = state.ids.encode(me.user.id, IdKind::User);
    let total = me.group.max_storage.max(0);
    let used = me.user.storage.max(0);
    let free = (total - used).max(0);
    let relative = if total > 0 {
        ((used as f64 / total as f64) * 10_000.0).round() / 100.0
    } else {
        0.0
    };
    ocs::ok(
        req,
        json!({
            "enabled": true,
            "id": id,
            "storageLocation": "",
            "backend": "Stratus",
            "subadmin": [],
            "quota": {
                "free": free,
                "used": used,
                "total": total,
                "relative": relative,
                "quota": total,
            },
            "email": me.user.email,
            "displayname": me.user.nick,
            "display-name": me.user.nick,
            "phone": "",
            "address": "",
            "website": "",
            "twitter": "",
            "groups": [],
            "language": "",
            "locale": "",
            "backendCapabilities": { "setDisplayName": false, "setPassword": false },
        }),
    )
}

/// `GET /index.php/avatar/<user>/<size>` (`size` in pixels, 16 to 1024).
#[handler]
pub async fn get_avatar(
    req: &Request,
    state: Data<&AppState>,
    Path((name, size)): Path<(String, String)>,
) -> Response {
    let side = size
        .trim_end_matches(".png")
        .parse::<u32>()
        .unwrap_or(64)
        .clamp(16, 1024);
    let me = caller::signed_in(&state, req).await.ok();
    let own = me.as_ref().filter(|me| {
        name == state.ids.encode(me.user.id, IdKind::User)
            || name.eq_ignore_ascii_case(&me.user.email)
    });
    let account = match own {
        Some(me) => Some(me.user.clone()),
        None => match state.ids.decode(&name, IdKind::User) {
            Ok(id) => crate::users::find_live(&state.db, id).await.ok().flatten(),
            Err(_) => None,
        },
    };
    match picture(&state, account.as_ref(), side).await {
        Some(resp) => resp,
        None => generated(side),
    }
}

/// The account's own picture: the uploaded one or a redirect to Gravatar.
async fn picture(state: &AppState, account: Option<&user::Model>, side: u32) -> Option<Response> {
    let account = account?;
    match account.avatar.as_deref() {
        Some(avatar::FILE) => {
            let dir = avatar::dir(
                &state.config.data_dir,
                &state.settings.get("avatar_path").await.ok()?,
            );
            let size = if side <= 64 { Size::Small } else { Size::Large };
            let (bytes, content_type) = avatar::load(&dir, account.id, size).await.ok()??;
            Some(
                Response::builder()
                    .content_type(content_type)
                    .header(header::CACHE_CONTROL, "private, max-age=3600")
                    .body(bytes),
            )
        }
        Some(avatar::GRAVATAR) => {
            let server = state.settings.get("gravatar_server").await.ok()?;
            let location = avatar::gravatar_url(&server, &account.email, side);
            Some(
                Response::builder()
                    .status(StatusCode::FOUND)
                    .header(header::LOCATION, location)
                    .finish(),
            )
        }
        _ => None,
    }
}

/// A plain grey square, the same for every account without a picture.
fn generated(side: u32) -> Response {
    let img = RgbImage::from_pixel(side, side, Rgb([0xb0, 0xb8, 0xc4]));
    let mut png = Vec::new();
    if img
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Response::builder()
        .content_type("image/png")
        .header(header::CACHE_CONTROL, "private, max-age=3600")
        .body(png)
}
