//! Sign-in with an OpenID Connect provider (Authentik, Keycloak, Authelia, Google, another
//! Stratus): the authorization code flow with PKCE, the `state` bound to a cookie of the
//! browser that started it, and a `nonce` the ID token must carry ([`remote`] checks it).
//!
//! [`authorize`] keeps what the callback needs in `kv` under the hash of a fresh `state`
//! (ten minutes, used once) and answers the provider's authorization URL. [`callback`] takes
//! that record, exchanges the code, verifies the ID token and finds the account: by the
//! link of the provider's `sub`; by a verified e-mail only where the provider allows it;
//! made when the provider allows sign-up (`linked::account_for`). It answers a one-time code
//! (one minute) that [`finish`] turns into the same answer as a password sign-in, 2FA step
//! included, so no token ever travels in a URL. A signed-in user links a provider through
//! the same flow, started with a ticket of [`start_link`].

mod error;
pub mod providers;
pub mod remote;

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use stratus_entity::user;
use subtle::ConstantTimeEq;
use url::Url;

pub use error::OidcError;
use providers::{Provider, link_name};

use super::{Step, linked};
use crate::{
    auth::session::rows,
    events::Client,
    kv,
    state::AppState,
    users::{self, external},
};

/// How long a started sign-in waits for the provider's callback.
const STATE_TTL: Duration = Duration::from_secs(600);
/// How long the web UI has to turn the callback's code into a session.
const FINISH_TTL: Duration = Duration::from_secs(60);
/// How long a link ticket waits for the browser to start the flow.
const LINK_TTL: Duration = Duration::from_secs(300);
/// The cookie that binds a started sign-in to its browser.
pub const STATE_COOKIE: &str = "stratus_oidc_state";

/// What the callback needs of the sign-in it ends.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    provider: String,
    nonce: String,
    verifier: String,
    /// A path of the web UI to go to afterwards.
    redirect: String,
    /// The signed-in account a link flow links to.
    link_user: Option<i64>,
}

/// A started sign-in: the provider's URL to send the browser to, and the `state` for the
/// cookie.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Where a callback leaves the browser.
#[derive(Debug)]
pub enum Landing {
    /// Signed in: the one-time code for [`finish`].
    SignedIn { code: String, redirect: String },
    /// The provider was linked to the signed-in account.
    Linked { provider: String, redirect: String },
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// `kv` keys hold the hash of a state or code, so a database read leaks none that works.
fn key(kind: &str, secret: &str) -> String {
    format!("{kind}:{}", hex::encode(Sha256::digest(secret.as_bytes())))
}

/// A path of the web UI, or `/home`: never another site.
fn safe_redirect(redirect: Option<&str>) -> String {
    match redirect {
        Some(r) if r.starts_with('/') && !r.starts_with("//") && !r.contains('\\') => r.to_owned(),
        _ => "/home".to_owned(),
    }
}

/// What an administrator's test of provider `id` finds: its discovery document, read through
/// the outbound guard now (not from the cache), and the callback URL to register with it.
pub async fn discover(state: &AppState, id: &str) -> Result<(remote::Metadata, String), OidcError> {
    let provider = providers::find(state, id).await?;
    let guard = providers::guard(state).await?;
    let meta = remote::fresh_metadata(state, &guard, &provider).await?;
    Ok(((*meta).clone(), callback_url(state, id).await?))
}

/// The callback URL of provider `id`, to register with the provider.
pub async fn callback_url(state: &AppState, id: &str) -> Result<String, OidcError> {
    let site = crate::auth::oauth::flow::issuer(state)
        .await
        .map_err(|e| OidcError::Settings(e.to_string()))?;
    Ok(format!("{site}/api/v4/session/oidc/{id}/callback"))
}

/// Starts a sign-in with provider `id` (a link to the account of `link`'s ticket when given).
pub async fn authorize(
    state: &AppState,
    id: &str,
    redirect: Option<&str>,
    link: Option<&str>,
) -> Result<Started, OidcError> {
    let provider = providers::find(state, id).await?;
    let link_user = match link {
        Some(ticket) => Some(
            kv::take(&state.db, &key("oidc_link", ticket))
                .await?
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or(OidcError::LinkGone)?,
        ),
        None => None,
    };
    let guard = providers::guard(state).await?;
    let meta = remote::metadata(state, &guard, &provider).await?;
    let pending = Pending {
        provider: provider.id.clone(),
        nonce: random_token(),
        verifier: format!("{}{}", random_token(), random_token()),
        redirect: safe_redirect(redirect),
        link_user,
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(pending.verifier.as_bytes()));
    let mut url = Url::parse(&meta.authorization_endpoint)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| OidcError::Provider("its authorization endpoint is not a URL".into()))?;
    let st = random_token();
    let redirect_uri = callback_url(state, &provider.id).await?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &provider.client_id)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", &provider.scopes.join(" "))
        .append_pair("state", &st)
        .append_pair("nonce", &pending.nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let value = serde_json::to_string(&pending).map_err(|e| OidcError::Settings(e.to_string()))?;
    kv::put(
        &state.db,
        "oidc_state",
        &key("oidc_state", &st),
        &value,
        Some(STATE_TTL),
    )
    .await?;
    Ok(Started {
        url: url.to_string(),
        state: st,
    })
}

/// What the provider sends the browser back with.
#[derive(Debug, Default)]
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    /// The value of [`STATE_COOKIE`] the browser sent.
    pub cookie: Option<&'a str>,
}

/// Ends a sign-in or link at provider `id`'s callback.
pub async fn callback(
    state: &AppState,
    id: &str,
    back: Callback<'_>,
) -> Result<Landing, OidcError> {
    let st = back
        .state
        .filter(|s| !s.is_empty())
        .ok_or(OidcError::StateGone)?;
    // Used once, whatever happens next: a replayed callback finds nothing.
    let pending: Pending = kv::take(&state.db, &key("oidc_state", st))
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .ok_or(OidcError::StateGone)?;
    let cookie = back.cookie.unwrap_or_default();
    if pending.provider != id || !bool::from(cookie.as_bytes().ct_eq(st.as_bytes())) {
        return Err(OidcError::StateMismatch);
    }
    if let Some(error) = back.error {
        let why = back.error_description.unwrap_or(error);
        return Err(OidcError::Declined(why.chars().take(200).collect()));
    }
    let code = back
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OidcError::Provider("it sent the browser back without a code".into()))?;
    let provider = providers::find(state, id).await?;
    let guard = providers::guard(state).await?;
    let meta = remote::metadata(state, &guard, &provider).await?;
    let redirect_uri = callback_url(state, id).await?;
    let tokens = remote::exchange(
        &guard,
        &meta,
        &provider,
        code,
        &redirect_uri,
        &pending.verifier,
    )
    .await?;
    let id_token = tokens
        .id_token
        .as_deref()
        .ok_or_else(|| OidcError::Provider("its token answer has no id_token".into()))?;
    let mut claims =
        remote::verify_id_token(state, &guard, &meta, &provider, id_token, &pending.nonce).await?;
    let subject = text(&claims, "sub").ok_or_else(|| OidcError::IdToken("no sub".into()))?;
    if text(&claims, "email").is_none()
        && let Some(access) = &tokens.access_token
    {
        let info = remote::userinfo(&guard, &meta, access).await?;
        // Userinfo about someone else is ignored (OpenID Connect Core §5.3.2).
        if text(&info, "sub").as_deref() == Some(subject.as_str()) {
            for (k, v) in info {
                claims.entry(k).or_insert(v);
            }
        }
    }
    if let Some(user_id) = pending.link_user {
        link(state, &provider, user_id, &subject).await?;
        return Ok(Landing::Linked {
            provider: provider.id,
            redirect: pending.redirect,
        });
    }
    let user = account(state, &provider, &subject, &claims).await?;
    crate::caller::ensure_can_sign_in(&user).map_err(super::SignInError::from)?;
    let code = random_token();
    kv::put(
        &state.db,
        "oidc_finish",
        &key("oidc_finish", &code),
        &user.id.to_string(),
        Some(FINISH_TTL),
    )
    .await?;
    Ok(Landing::SignedIn {
        code,
        redirect: pending.redirect,
    })
}

/// Turns a callback's one-time code into a sign-in (or its 2FA step).
pub async fn finish(state: &AppState, client: &Client, code: &str) -> Result<Step, OidcError> {
    let user_id = kv::take(&state.db, &key("oidc_finish", code))
        .await?
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or(OidcError::CodeGone)?;
    let user = rows::account(&state.db, user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(OidcError::CodeGone)?;
    crate::caller::ensure_can_sign_in(&user).map_err(super::SignInError::from)?;
    Ok(super::proceed(state, user, client, "oidc").await?)
}

/// A string claim.
fn text(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// What the claims say of the user, for the account.
fn profile(
    provider: &Provider,
    claims: &Map<String, Value>,
) -> Result<external::Profile, OidcError> {
    let email = text(claims, "email").ok_or(OidcError::NoEmail)?;
    let groups: Vec<String> = match provider.groups_claim.as_deref().and_then(|c| claims.get(c)) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    Ok(external::Profile {
        email,
        name: text(claims, "name").or_else(|| text(claims, "preferred_username")),
        group_id: provider.group_of(&groups),
    })
}

/// Whether the provider vouches for the e-mail (`email_verified`, a boolean or its text).
fn email_verified(claims: &Map<String, Value>) -> bool {
    match claims.get("email_verified") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// The account of the provider's user: the linked one; a local one with the same verified
/// e-mail where the provider allows that; a new one where it allows sign-up.
async fn account(
    state: &AppState,
    provider: &Provider,
    subject: &str,
    claims: &Map<String, Value>,
) -> Result<user::Model, OidcError> {
    let profile = profile(provider, claims)?;
    let name = link_name(&provider.id);
    if provider.link_by_verified_email
        && email_verified(claims)
        && external::find(&state.db, &name, subject).await?.is_none()
        && let Ok(email) = users::normalize_email(&profile.email)
        && let Some(local) = users::find_by_email(&state.db, &email).await?
    {
        if external::links_of(&state.db, local.id)
            .await?
            .iter()
            .any(|l| l.provider == name)
        {
            return Err(OidcError::LinkedElsewhere);
        }
        external::link(&state.db, local.id, &name, subject).await?;
        return Ok(external::refresh(&state.db, local, &profile).await?);
    }
    Ok(linked::account_for(state, &name, subject, &profile, provider.allow_signup).await?)
}

/// Links the provider's `subject` to account `user_id`.
async fn link(
    state: &AppState,
    provider: &Provider,
    user_id: i64,
    subject: &str,
) -> Result<(), OidcError> {
    let name = link_name(&provider.id);
    if let Some(owner) = external::find(&state.db, &name, subject).await? {
        return Err(if owner.id == user_id {
            OidcError::AlreadyLinked
        } else {
            OidcError::LinkedElsewhere
        });
    }
    if external::links_of(&state.db, user_id)
        .await?
        .iter()
        .any(|l| l.provider == name)
    {
        return Err(OidcError::AlreadyLinked);
    }
    external::link(&state.db, user_id, &name, subject).await?;
    Ok(())
}

/// A provider as the linked-accounts list shows it.
#[derive(Debug)]
pub struct LinkState {
    pub provider: Provider,
    pub linked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every provider, with whether (and since when) account `user_id` is linked to it.
pub async fn link_states(state: &AppState, user_id: i64) -> Result<Vec<LinkState>, OidcError> {
    let links = external::links_of(&state.db, user_id).await?;
    Ok(providers::all(state)
        .await?
        .into_iter()
        .map(|p| {
            let name = link_name(&p.id);
            LinkState {
                linked_at: links
                    .iter()
                    .find(|l| l.provider == name)
                    .map(|l| l.created_at),
                provider: p,
            }
        })
        .collect())
}

/// A ticket that starts a link of provider `id` to account `user_id` at `authorize`; the
/// path for the browser to open.
pub async fn start_link(
    state: &AppState,
    user_id: i64,
    id: &str,
    redirect: Option<&str>,
) -> Result<String, OidcError> {
    let provider = providers::find(state, id).await?;
    let ticket = random_token();
    kv::put(
        &state.db,
        "oidc_link",
        &key("oidc_link", &ticket),
        &user_id.to_string(),
        Some(LINK_TTL),
    )
    .await?;
    let mut url = Url::parse("http://x/").expect("static URL");
    url.set_path(&format!("/api/v4/session/oidc/{}/authorize", provider.id));
    url.query_pairs_mut()
        .append_pair("link", &ticket)
        .append_pair("redirect", &safe_redirect(redirect));
    Ok(format!(
        "{}?{}",
        url.path(),
        url.query().unwrap_or_default()
    ))
}

/// Removes account `user`'s link to provider `id`, unless it is the account's last way to
/// sign in (no password, no passkey, no other link).
pub async fn unlink(state: &AppState, user: &user::Model, id: &str) -> Result<(), OidcError> {
    let name = link_name(id);
    let links = external::links_of(&state.db, user.id).await?;
    if !links.iter().any(|l| l.provider == name) {
        return Err(OidcError::NotLinked);
    }
    let has_password = user.password.as_deref().is_some_and(|p| !p.is_empty());
    let others = links.iter().any(|l| l.provider != name);
    if !has_password && !others && !rows::has_passkey(&state.db, user.id).await? {
        return Err(OidcError::LastWay);
    }
    external::unlink(&state.db, user.id, &name).await?;
    Ok(())
}
