//! Account settings of the signed-in user.

use poem_openapi::OpenApi;

use super::ApiTags;

pub struct UserSettingApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserSettingApi {}
