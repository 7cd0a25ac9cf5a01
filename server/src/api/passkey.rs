//! Passkeys (WebAuthn) for signing in.

use poem_openapi::OpenApi;

use super::ApiTags;

pub struct PasskeyApi;

#[OpenApi(tag = "ApiTags::User")]
impl PasskeyApi {}
