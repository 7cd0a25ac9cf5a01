//! Registration, activation and password reset.

use poem_openapi::OpenApi;

use super::ApiTags;

pub struct RegistrationApi;

#[OpenApi(tag = "ApiTags::User")]
impl RegistrationApi {}
