//! `/user`: the signed-in account and what others may see of accounts.

use poem::web::Data;
use poem_openapi::{Object, OpenApi};

use crate::api::{
    ApiTags,
    dto::user::User,
    envelope::{ApiResult, ok},
};
use crate::{auth::caller::Caller, state::AppState};

/// `GET /user/capacity`
#[derive(Debug, Object)]
pub struct Capacity {
    /// Bytes the group allows.
    pub total: i64,
    /// Bytes in use.
    pub used: i64,
}

pub struct UserApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserApi {
    /// The signed-in account.
    #[oai(path = "/user/me", method = "get", operation_id = "get_me")]
    async fn get_me(&self, state: Data<&AppState>, caller: Data<&Caller>) -> ApiResult<User> {
        let me = caller.signed_in()?;
        ok(User::from_model(&state.ids, &me.user, &me.group))
    }

    /// Storage quota and usage of the signed-in account.
    #[oai(path = "/user/capacity", method = "get", operation_id = "get_capacity")]
    async fn get_capacity(&self, caller: Data<&Caller>) -> ApiResult<Capacity> {
        let me = caller.signed_in()?;
        ok(Capacity {
            total: me.group.max_storage,
            used: me.user.storage,
        })
    }
}
