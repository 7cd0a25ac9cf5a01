//! `/admin/ldap`: what the directory answers for a login, with the saved settings, so an
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
    auth::sign_in::directory::Config,
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
}

fn directory_error(e: crate::auth::sign_in::directory::DirectoryError) -> ApiError {
    ApiError::new(ErrorCode::InternalSetting, e.to_string())
}
