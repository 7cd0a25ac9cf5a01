//! `/user/linked`: the OpenID Connect providers a signed-in user may link their account to,
//! linking one (through the provider's sign-in) and unlinking it.

use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    envelope::{ApiResult, ok},
    json::ApiJson,
};
use crate::{
    auth::{caller::Caller, sign_in::oidc},
    state::AppState,
};
use poem::web::Data;

/// A provider in the linked-accounts list.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LinkedProvider {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
    /// Whether the account is linked to it.
    pub linked: bool,
    /// Since when (RFC 3339).
    pub linked_at: Option<String>,
}

/// `GET /user/linked`
#[derive(Debug, Object)]
pub struct LinkedAccounts {
    /// Whether the account has a password here (without one, the last link cannot go).
    pub has_password: bool,
    pub providers: Vec<LinkedProvider>,
}

/// `POST /user/linked/{provider}`
#[derive(Debug, Object)]
pub struct LinkRequest {
    /// A path of the web UI to come back to afterwards.
    pub redirect: Option<String>,
}

/// Where to send the browser to link a provider.
#[derive(Debug, Object)]
pub struct LinkStart {
    /// `/api/v4/session/oidc/{provider}/authorize?link=…`: valid for five minutes, once.
    pub url: String,
}

pub struct LinkedAccountsApi;

#[OpenApi(tag = "ApiTags::User")]
impl LinkedAccountsApi {
    /// The sign-in providers, each with whether the caller's account is linked to it.
    #[oai(
        path = "/user/linked",
        method = "get",
        operation_id = "list_linked_accounts"
    )]
    async fn list_linked_accounts(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<LinkedAccounts> {
        let me = caller.signed_in()?;
        let states = oidc::link_states(&state, me.user.id).await?;
        ok(LinkedAccounts {
            has_password: me.user.password.as_deref().is_some_and(|p| !p.is_empty()),
            providers: states
                .into_iter()
                .map(|s| LinkedProvider {
                    linked: s.linked_at.is_some(),
                    linked_at: s.linked_at.map(|t| t.to_rfc3339()),
                    id: s.provider.id,
                    name: s.provider.name,
                    icon: s.provider.icon.filter(|i| !i.is_empty()),
                })
                .collect(),
        })
    }

    /// Starts linking a provider: the URL to open in the browser, which signs in at the
    /// provider and comes back to `/session/oidc?linked=<provider>` (or `?error=`). A
    /// provider account linked to another account is refused there. Unknown provider: 404.
    #[oai(
        path = "/user/linked/:provider",
        method = "post",
        operation_id = "link_account"
    )]
    async fn link_account(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        provider: Path<String>,
        body: ApiJson<LinkRequest>,
    ) -> ApiResult<LinkStart> {
        let me = caller.signed_in()?;
        let url =
            oidc::start_link(&state, me.user.id, &provider.0, body.redirect.as_deref()).await?;
        ok(LinkStart { url })
    }

    /// Unlinks a provider from the caller's account. 404 when it is not linked; 403 when it
    /// is the account's only way to sign in (no password, passkey or other link).
    #[oai(
        path = "/user/linked/:provider",
        method = "delete",
        operation_id = "unlink_account"
    )]
    async fn unlink_account(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        provider: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        oidc::unlink(&state, &me.user, &provider.0).await?;
        ok(String::new())
    }
}
