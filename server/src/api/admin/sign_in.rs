//! `/admin/ldap/test` and `/admin/oidc/test`: what the directory answers for a login, and
//! what an OpenID Connect provider's discovery says, with the saved settings, so an
//! administrator sees a setup work before anyone signs in with it.

use poem::web::Data;
use poem_openapi::{Object, OpenApi};

use crate::{
    admin::Actor,
    api::{
        ApiTags,
        envelope::{ApiError, ApiResult, ErrorCode, ok},
        json::ApiJson,
    },
    auth::sign_in::{directory::Config, oidc},
    state::AppState,
};

/// `POST /admin/ldap/test`
#[derive(Debug, Object)]
pub struct DirectoryTestRequest {
    /// A login as a user would type it (uid or e-mail, as `ldap_user_filter` matches).
    #[oai(validator(min_length = 1, max_length = 256))]
    pub login: String,
}

/// What the directory answers for a login.
#[derive(Debug, Object)]
#[oai(rename = "AdminDirectoryTest")]
pub struct DirectoryTestResult {
    /// Whether exactly one entry answers (none, or several, sign nobody in).
    pub found: bool,
    pub dn: Option<String>,
    /// What the account's link is kept by: `entryUUID`, `objectGUID`, or the DN.
    pub subject: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The DNs of the entry's groups.
    pub groups: Vec<String>,
    /// The Stratus group `ldap_group_map` gives, if any group matches.
    pub group_id: Option<i64>,
}

/// `POST /admin/oidc/test`
#[derive(Debug, Object)]
pub struct ProviderTestRequest {
    /// A provider's `id` in the saved `oidc_providers`.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub id: String,
}

/// What a provider's discovery document says, and the callback URL to register with it.
#[derive(Debug, Object)]
#[oai(rename = "AdminProviderTest")]
pub struct ProviderTestResult {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub userinfo_endpoint: Option<String>,
    pub callback_url: String,
}

pub struct AdminSignInApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminSignInApi {
    /// Searches the directory for a login with the service account (no password is checked).
    /// 50005 with the reason when the directory is off, not set up, refused by the outbound
    /// guard, or does not answer within 10 seconds.
    #[oai(
        path = "/admin/ldap/test",
        method = "post",
        operation_id = "test_directory"
    )]
    async fn test_directory(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<DirectoryTestRequest>,
    ) -> ApiResult<DirectoryTestResult> {
        let config = Config::load(&state).await.map_err(directory_error)?;
        let Some(config) = config else {
            return Err(ApiError::new(
                ErrorCode::InternalSetting,
                "Directory sign-in is off (ldap_enabled)",
            ));
        };
        let entry = config.lookup(&body.login).await.map_err(directory_error)?;
        ok(match entry {
            Some(e) => DirectoryTestResult {
                found: true,
                dn: Some(e.dn),
                subject: Some(e.subject),
                email: e.email,
                name: e.name,
                groups: e.groups,
                group_id: e.group_id,
            },
            None => DirectoryTestResult {
                found: false,
                dn: None,
                subject: None,
                email: None,
                name: None,
                groups: Vec::new(),
                group_id: None,
            },
        })
    }

    /// Reads provider `id`'s discovery document now, through the outbound guard
    /// (`oidc_allowed_cidrs`): its endpoints, or the reason it cannot be used.
    #[oai(
        path = "/admin/oidc/test",
        method = "post",
        operation_id = "test_provider"
    )]
    async fn test_provider(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<ProviderTestRequest>,
    ) -> ApiResult<ProviderTestResult> {
        let (meta, callback_url) = oidc::discover(&state, &body.id).await?;
        ok(ProviderTestResult {
            issuer: meta.issuer,
            authorization_endpoint: meta.authorization_endpoint,
            token_endpoint: meta.token_endpoint,
            jwks_uri: meta.jwks_uri,
            userinfo_endpoint: meta.userinfo_endpoint,
            callback_url,
        })
    }
}

fn directory_error(e: crate::auth::sign_in::directory::DirectoryError) -> ApiError {
    ApiError::new(ErrorCode::InternalSetting, e.to_string())
}
