//! The sign-in service: every way into an account ends here. A password (with the captcha and
//! the throttle), the 2FA step that follows it, and a passkey each come down to one account
//! that may sign in, and [`proceed`] either asks for the second factor or starts the session
//! chain (`auth::session`) and records the sign-in. `api/session/sign_in.rs` only translates HTTP.

pub mod directory;
pub mod directory_check;
mod error;
mod linked;
pub mod oidc;
pub mod tokens;

use std::time::Duration;

use stratus_entity::{group, user};

pub use error::SignInError;

use super::{
    jwt::TokenPair,
    passkey, password, recovery,
    session::{self, rows},
    sign_in_throttle, totp,
};
use crate::{
    captcha_ticket,
    events::{self, Client},
    kv,
    state::AppState,
    users,
};

/// How long a first factor waits for its 2FA code.
const TWO_FA_SESSION_TTL: Duration = Duration::from_secs(600);
const TWO_FA_KIND: &str = "user_2fa";

fn two_fa_key(session_id: &str) -> String {
    format!("user_2fa_{session_id}")
}

/// A signed-in account: its group and the first token pair of its new chain.
#[derive(Debug)]
pub struct SignedIn {
    pub user: user::Model,
    pub group: group::Model,
    pub token: TokenPair,
}

/// Where a first factor leaves the sign-in.
#[derive(Debug)]
pub enum Step {
    Done(Box<SignedIn>),
    /// The account has 2FA on: the id to send with the code to [`second_factor`].
    SecondFactor {
        session_id: String,
    },
}

/// Which sign-in methods an account has.
#[derive(Debug, Clone, Copy)]
pub struct Methods {
    /// The account has passkeys and passkey sign-in is on.
    pub passkey: bool,
    /// The account has a password.
    pub password: bool,
}

/// A password sign-in as typed on the sign-in page.
#[derive(Debug)]
pub struct PasswordAttempt<'a> {
    pub login: &'a str,
    pub password: &'a str,
    pub captcha: Option<&'a str>,
    pub ticket: Option<&'a str>,
}

/// The methods of the account with this e-mail ([`SignInError::NoAccount`] without one).
pub async fn prepare(state: &AppState, email: &str) -> Result<Methods, SignInError> {
    let user = find_by_login(state, email)
        .await?
        .ok_or(SignInError::NoAccount)?;
    let authn_enabled = state.settings.bool("authn_enabled").await?;
    let has_passkey = rows::has_passkey(&state.db, user.id).await?;
    Ok(Methods {
        passkey: authn_enabled && has_passkey,
        password: user.password.as_deref().is_some_and(|p| !p.is_empty()),
    })
}

/// Signs in with a login and a password: throttled per account and address, behind the
/// captcha when `login_captcha` is on.
pub async fn password(
    state: &AppState,
    client: &Client,
    attempt: PasswordAttempt<'_>,
) -> Result<Step, SignInError> {
    let account = find_by_login(state, attempt.login).await?;
    let directory = directory_for(state, account.as_ref()).await?;
    sign_in_throttle::check(&state.db, account.as_ref().map(|u| u.id), client).await?;

    if state.settings.bool("login_captcha").await? {
        let passed = captcha_ticket::verify(
            &state.db,
            attempt.ticket.unwrap_or_default(),
            attempt.captcha.unwrap_or_default(),
        )
        .await?;
        if !passed {
            return Err(SignInError::Captcha);
        }
    }

    if let Some(directory) = directory {
        let user = by_directory(state, client, &directory, account.as_ref(), &attempt).await?;
        crate::caller::ensure_can_sign_in(&user)?;
        return proceed(state, user, client, "ldap").await;
    }
    // The hash runs even without an account, so timing does not tell which logins exist.
    let digest = account
        .as_ref()
        .map(|u| u.password.as_deref().unwrap_or_default());
    let check = password::check_off_thread(attempt.password, digest)
        .await
        .map_err(|e| SignInError::Hashing(e.to_string()))?;
    let Some(user) = account else {
        sign_in_throttle::fail(&state.db, None, client, "password").await;
        return Err(SignInError::InvalidPassword);
    };
    if check == password::Check::Mismatch {
        sign_in_throttle::fail(&state.db, Some(user.id), client, "password").await;
        return Err(SignInError::InvalidPassword);
    }
    crate::caller::ensure_can_sign_in(&user)?;
    let user = if check == password::Check::MatchLegacy {
        users::rehash_password(&state.db, user, attempt.password).await?
    } else {
        user
    };
    proceed(state, user, client, "password").await
}

/// The directory when it is on and `account` is none (the login is not a local account's
/// e-mail) or one linked to the directory.
async fn directory_for(
    state: &AppState,
    account: Option<&user::Model>,
) -> Result<Option<directory::Config>, SignInError> {
    let linked = match account {
        None => true,
        Some(u) => users::external::is_directory_account(&state.db, u.id).await?,
    };
    if !linked {
        return Ok(None);
    }
    Ok(directory::Config::load(state).await?)
}

/// The account of the directory entry the login and password prove, made or refreshed from
/// the entry. A login the directory does not know (any more), or a wrong password, is a
/// failed sign-in like a wrong local password.
async fn by_directory(
    state: &AppState,
    client: &Client,
    directory: &directory::Config,
    account: Option<&user::Model>,
    attempt: &PasswordAttempt<'_>,
) -> Result<user::Model, SignInError> {
    let entry = directory
        .authenticate(attempt.login, attempt.password)
        .await?;
    let Some(entry) = entry else {
        sign_in_throttle::fail(&state.db, account.map(|u| u.id), client, "ldap").await;
        // The entry may be gone or disabled: what the account holds open is cut now, not at
        // the next periodic check.
        if let Some(account) = account
            && let Err(e) = directory_check::check_account(state, directory, account.id).await
        {
            tracing::warn!(error = %e, "could not check a directory account");
        }
        return Err(SignInError::InvalidPassword);
    };
    let email = entry.email.clone().ok_or_else(|| {
        directory::DirectoryError::Settings(format!(
            "the entry {} has no e-mail attribute",
            entry.dn
        ))
    })?;
    let group_id = match entry.group_id {
        Some(id) => id,
        None if directory.default_group > 0 => directory.default_group,
        None => linked::site_default_group(state).await?,
    };
    let profile = users::external::Profile {
        email,
        name: entry.name.clone(),
        group_id: Some(group_id),
    };
    let provider = users::external::DIRECTORY;
    linked::account_for(state, provider, &entry.subject, &profile, true).await
}

/// Completes a sign-in with the 2FA code, or with a recovery code instead.
pub async fn second_factor(
    state: &AppState,
    client: &Client,
    session_id: &str,
    otp: &str,
) -> Result<SignedIn, SignInError> {
    let key = two_fa_key(session_id);
    let user_id: i64 = kv::get(&state.db, &key)
        .await?
        .and_then(|v| v.parse().ok())
        .ok_or(SignInError::SessionGone)?;
    sign_in_throttle::check(&state.db, Some(user_id), client).await?;
    let user = rows::account(&state.db, user_id)
        .await?
        .ok_or(SignInError::SessionGone)?;
    if !second_factor_ok(state, &user, client, otp).await? {
        return Err(SignInError::WrongSecondFactor);
    }
    // The session is spent only by a right code, so a typo does not restart the sign-in.
    if kv::take(&state.db, &key).await?.is_none() {
        return Err(SignInError::SessionGone);
    }
    crate::caller::ensure_can_sign_in(&user)?;
    complete(state, &user, client, "2fa").await
}

/// Finishes a username-less passkey sign-in (`auth::passkey` runs the ceremony). A passkey
/// is both factors, so there is no 2FA step.
pub async fn passkey(
    state: &AppState,
    client: &Client,
    session_id: &str,
    response: &str,
) -> Result<SignedIn, SignInError> {
    let user = passkey::finish_login(state, session_id, response, client).await?;
    complete(state, &user, client, "passkey").await
}

/// After a first factor proved `user` (who may sign in): the 2FA step when the account has
/// it on, the session otherwise.
pub async fn proceed(
    state: &AppState,
    user: user::Model,
    client: &Client,
    method: &str,
) -> Result<Step, SignInError> {
    if user
        .two_factor_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty())
    {
        let session_id = uuid::Uuid::new_v4().to_string();
        kv::put(
            &state.db,
            TWO_FA_KIND,
            &two_fa_key(&session_id),
            &user.id.to_string(),
            Some(TWO_FA_SESSION_TTL),
        )
        .await?;
        return Ok(Step::SecondFactor { session_id });
    }
    Ok(Step::Done(Box::new(
        complete(state, &user, client, method).await?,
    )))
}

/// Starts the session chain and records the sign-in.
async fn complete(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    method: &str,
) -> Result<SignedIn, SignInError> {
    let group = rows::group_of(&state.db, user).await?;
    let token = session::start(state, user, client).await?;
    events::record(
        &state.db,
        events::kind::USER_LOGIN,
        Some(user.id),
        client,
        Some(serde_json::json!({ "method": method })),
    )
    .await;
    Ok(SignedIn {
        user: user.clone(),
        group,
        token,
    })
}

/// Whether `otp` is the account's TOTP code of now, or one of its unused recovery codes (which
/// it spends); a wrong one counts as a failed sign-in, so both kinds are throttled alike.
async fn second_factor_ok(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    otp: &str,
) -> Result<bool, SignInError> {
    let (passed, method) = match recovery::normalize(otp) {
        Some(code) => (
            recovery::redeem(&state.db, user.id, &code).await?,
            "recovery",
        ),
        None => {
            let secret = user.two_factor_secret.clone().unwrap_or_default();
            (
                totp::verify_once(&state.db, user.id, &secret, otp).await?,
                "2fa",
            )
        }
    };
    if !passed {
        sign_in_throttle::fail(&state.db, Some(user.id), client, method).await;
    }
    Ok(passed)
}

/// The live account with this e-mail, if any.
async fn find_by_login(state: &AppState, email: &str) -> Result<Option<user::Model>, SignInError> {
    let Ok(email) = users::normalize_email(email) else {
        return Ok(None);
    };
    Ok(users::find_by_email(&state.db, &email).await?)
}
