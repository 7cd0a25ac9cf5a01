//! Public profiles, avatars and user search.

use poem_openapi::OpenApi;

use super::ApiTags;

pub struct UserProfileApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserProfileApi {}
