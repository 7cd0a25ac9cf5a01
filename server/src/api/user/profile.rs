//! Public profiles, avatars and user search.

use poem::{
    Response,
    http::{HeaderValue, StatusCode, header},
    web::Data,
};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    registry::{MetaResponse, MetaResponses},
};

use crate::api::raw::{Described, Raw, bare, binary, header};
use crate::api::{
    ApiTags,
    dto::user::User,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    present::user::Redactor,
};
use crate::{
    auth::caller::Caller,
    avatar::{self, Size},
    ids::IdKind,
    state::AppState,
    users,
};

/// Most users one search answers.
pub const SEARCH_LIMIT: u64 = 10;
/// Shortest keyword a search accepts, in characters.
pub const SEARCH_MIN_KEYWORD: usize = 3;
/// Longest keyword a search accepts, in characters (longer ones cannot match an address).
const SEARCH_MAX_KEYWORD: usize = 255;

pub struct UserProfileApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserProfileApi {
    /// What anyone may see of an account; the e-mail address only to signed-in callers, and
    /// to others than its owner only while `expose_user_email` is on.
    /// A malformed id is code 40001, an id of no (or a deleted) account 40021.
    #[oai(
        path = "/user/info/:id",
        method = "get",
        operation_id = "get_user_info"
    )]
    async fn get_user_info(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<User> {
        let id = state.ids.decode(&id.0, IdKind::User)?;
        let user = users::find_live(&state.db, id)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
        let group = users::group_of(&state.db, &user).await?;
        let shown = Redactor::for_caller(&state.ids, &state.settings, &caller).await?;
        ok(shown.user(&user, &group))
    }

    /// An account's avatar as plain HTTP, not an envelope: the uploaded picture, a 302 to
    /// Gravatar, or 404. `size` is `l` (default, `avatar_size_l` px) or `s`
    /// (`avatar_size_s` px); `nocache` turns off public caching.
    #[oai(
        path = "/user/avatar/:id",
        method = "get",
        operation_id = "get_user_avatar"
    )]
    async fn get_user_avatar(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        nocache: Query<Option<String>>,
        size: Query<Option<String>>,
    ) -> AvatarResponse {
        serve_avatar(
            &state,
            &id.0,
            size.0.as_deref(),
            nocache_flag(nocache.0.as_deref()),
        )
        .await
    }

    /// The same with the size in the path (`/user/avatar/:id/l`, Cloudreve 3's form; `m` is
    /// served as `l`).
    #[oai(
        path = "/user/avatar/:id/:size",
        method = "get",
        operation_id = "get_user_avatar_sized"
    )]
    async fn get_user_avatar_sized(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        size: Path<String>,
        nocache: Query<Option<String>>,
    ) -> AvatarResponse {
        serve_avatar(
            &state,
            &id.0,
            Some(&size.0),
            nocache_flag(nocache.0.as_deref()),
        )
        .await
    }

    /// Up to 10 active accounts: the one with exactly the e-mail address `keyword` (when it
    /// has an `@`), else those whose nick contains `keyword` (matched literally and
    /// case-insensitively). At least 3 characters: never the whole list.
    #[oai(path = "/user/search", method = "get", operation_id = "search_users")]
    async fn search_users(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        keyword: Query<String>,
    ) -> ApiResult<Vec<User>> {
        caller.signed_in()?;
        let keyword = keyword.0.trim();
        let len = keyword.chars().count();
        if len < SEARCH_MIN_KEYWORD {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                format!("keyword: at least {SEARCH_MIN_KEYWORD} characters"),
            ));
        }
        if len > SEARCH_MAX_KEYWORD {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                format!("keyword: at most {SEARCH_MAX_KEYWORD} characters"),
            ));
        }
        let found = users::search_active(&state.db, keyword, SEARCH_LIMIT).await?;
        let shown = Redactor::for_caller(&state.ids, &state.settings, &caller).await?;
        ok(found
            .iter()
            .map(|(user, group)| shown.user(user, group))
            .collect())
    }
}

/// `nocache` present with any value but `0` / `false`.
fn nocache_flag(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false"))
}

/// The avatar answer; failures are logged and become a plain 500.
async fn serve_avatar(
    state: &AppState,
    id: &str,
    size: Option<&str>,
    nocache: bool,
) -> AvatarResponse {
    match find_avatar(state, id, size, nocache).await {
        Ok(resp) => AvatarResponse::from(resp),
        Err(err) => {
            tracing::error!(error = %err, "serving avatar failed");
            AvatarResponse::from(plain_status(StatusCode::INTERNAL_SERVER_ERROR))
        }
    }
}

async fn find_avatar(
    state: &AppState,
    id: &str,
    size: Option<&str>,
    nocache: bool,
) -> anyhow::Result<Response> {
    let Some(size) = size.map_or(Some(Size::Large), Size::parse) else {
        return Ok(plain_status(StatusCode::NOT_FOUND));
    };
    let Ok(id) = state.ids.decode(id, IdKind::User) else {
        return Ok(plain_status(StatusCode::NOT_FOUND));
    };
    let Some(user) = users::find_live(&state.db, id).await? else {
        return Ok(plain_status(StatusCode::NOT_FOUND));
    };
    let cache_control = if nocache {
        None
    } else {
        let max_age = state
            .settings
            .int("public_resource_maxage", 86_400)
            .await?
            .max(0);
        Some(format!("public, max-age={max_age}"))
    };
    let mut resp = match user.avatar.as_deref() {
        Some(avatar::FILE) => {
            let dir = avatar::dir(
                &state.config.data_dir,
                &state.settings.get("avatar_path").await?,
            );
            let Some((bytes, content_type)) = avatar::load(&dir, user.id, size).await? else {
                return Ok(plain_status(StatusCode::NOT_FOUND));
            };
            Response::builder()
                .status(StatusCode::OK)
                .content_type(content_type)
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .body(bytes)
        }
        Some(avatar::GRAVATAR) => {
            let side = size.side_from(state.settings.int(size.setting(), 0).await?);
            let server = state.settings.get("gravatar_server").await?;
            let location = avatar::gravatar_url(&server, &user.email, side);
            Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, location)
                .finish()
        }
        _ => return Ok(plain_status(StatusCode::NOT_FOUND)),
    };
    if let Some(value) = cache_control.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    Ok(resp)
}

fn plain_status(status: StatusCode) -> Response {
    Response::builder().status(status).finish()
}

/// A plain HTTP answer (image, redirect or bare status), described for the OpenAPI document.
pub type AvatarResponse = Raw<AvatarDoc>;

/// How the document describes [`AvatarResponse`].
pub struct AvatarDoc;

impl Described for AvatarDoc {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![
                MetaResponse {
                    content: vec![binary("image/png"), binary("image/jpeg")],
                    ..bare("The uploaded picture.", 200)
                },
                MetaResponse {
                    headers: vec![header("Location", "The Gravatar URL.", true)],
                    ..bare("The account uses Gravatar.", 302)
                },
                bare("No such account, or it has no avatar.", 404),
            ],
        }
    }
}
