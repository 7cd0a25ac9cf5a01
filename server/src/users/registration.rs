//! Self-registration, activation and password reset.
//!
//! Activation links are URL signatures (spec §5.6) over the activation route's path, keyed
//! with `secret_key` and valid for 24 hours. Reset links carry a random secret kept in the
//! `kv` table under `user_reset_<uid>` for one hour and spent by the first right answer.

use std::time::Duration;

use serde_json::json;
use stratus_entity::{group, user};
use subtle::ConstantTimeEq;

use super::{
    UsersError,
    account_mail::{self as account_mail, Kind, clean_language, user_language},
    accounts,
};
use crate::{
    auth::{credentials, session, sign, sign_in_throttle},
    captcha_ticket,
    events::{self, Client},
    ids::IdKind,
    kv, mail,
    settings::random_string,
    state::AppState,
};

pub use super::account_mail::{ACTIVATION_TTL_SECS, MAIL_COOLDOWN, activation_path};

/// How long a password-reset secret stays valid.
pub const RESET_TTL: Duration = Duration::from_secs(3600);
/// Length of a password-reset secret (letters and digits from the OS CSPRNG).
const RESET_SECRET_LEN: usize = 32;

/// A captcha answer with the ticket of `GET /site/captcha`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Captcha<'a> {
    pub answer: Option<&'a str>,
    pub ticket: Option<&'a str>,
}

/// What a sign-up asks for.
#[derive(Debug, Clone, Copy)]
pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// UI language; also picks the activation mail template.
    pub language: Option<&'a str>,
    pub captcha: Captcha<'a>,
}

/// How a sign-up ended.
#[derive(Debug)]
pub enum SignedUp {
    /// The account is active, in this group.
    Active(Box<(user::Model, group::Model)>),
    /// The account waits for the link of the activation mail just sent.
    ActivationSent,
    /// The address belongs to an account never activated: its link was sent again (unless
    /// one went out within the cool-down).
    ActivationResent,
}

/// Creates an account. With `email_active` on, the account stays inactive until the link of
/// its activation mail is opened; if that mail cannot be sent, the account is removed again.
pub async fn sign_up(
    state: &AppState,
    client: &Client,
    req: SignUp<'_>,
) -> Result<SignedUp, UsersError> {
    if !state.settings.bool("register_enabled").await? {
        return Err(UsersError::RegistrationClosed);
    }
    check_captcha(state, "reg_captcha", req.captcha).await?;
    let email = accounts::normalize_email(req.email)?;
    let language = clean_language(req.language);
    let email_active = state.settings.bool("email_active").await?;

    if email_active && let Some(existing) = accounts::find_by_email(&state.db, &email).await? {
        return resend_activation(state, existing, language).await;
    }

    let default_group = state
        .settings
        .int("default_group", accounts::USER_GROUP)
        .await?;
    let status = if email_active {
        user::status::INACTIVE
    } else {
        user::status::ACTIVE
    };
    let created = accounts::register(
        &state.db,
        accounts::Registration {
            email: &email,
            password: req.password,
            default_group,
            status,
            language: language.as_deref(),
        },
    )
    .await?;

    if email_active
        && let Err(err) = account_mail::send_activation(state, &created, language.as_deref()).await
    {
        tracing::warn!(error = %err, user_id = created.id,
            "activation mail failed; undoing the registration");
        if let Err(db_err) = accounts::delete_unactivated(&state.db, created.id).await {
            tracing::error!(error = %db_err, user_id = created.id,
                "could not remove the account whose activation mail failed");
        }
        return Err(err.into());
    }
    events::record(
        &state.db,
        events::kind::USER_SIGNUP,
        Some(created.id),
        client,
        Some(json!({ "group_id": created.group_id, "status": created.status })),
    )
    .await;
    if email_active {
        return Ok(SignedUp::ActivationSent);
    }
    let group = accounts::group_of(&state.db, &created).await?;
    Ok(SignedUp::Active(Box::new((created, group))))
}

/// A sign-up with the address of an existing account: taken, unless the account signed up
/// before and never activated (the mail got lost), when its link is sent again.
async fn resend_activation(
    state: &AppState,
    existing: user::Model,
    language: Option<String>,
) -> Result<SignedUp, UsersError> {
    if existing.status != user::status::INACTIVE {
        return Err(UsersError::EmailTaken);
    }
    if account_mail::cooldown_free(state, Kind::Activation, existing.id).await? {
        let language = language.or_else(|| user_language(&existing));
        account_mail::send_activation(state, &existing, language.as_deref()).await?;
    }
    Ok(SignedUp::ActivationResent)
}

/// Activates an account from the link of its activation mail (signed, valid 24 hours);
/// answers the account and its group.
pub async fn activate(
    state: &AppState,
    client: &Client,
    user_hashid: &str,
    signature: &str,
) -> Result<(user::Model, group::Model), UsersError> {
    if signature.is_empty() {
        return Err(UsersError::BadSignature("missing signature".into()));
    }
    let key = state.settings.get("secret_key").await?;
    sign::verify(key.as_bytes(), &activation_path(user_hashid), signature)
        .map_err(|e| UsersError::BadSignature(e.to_string()))?;
    let uid = state
        .ids
        .decode(user_hashid, IdKind::User)
        .map_err(|_| UsersError::UserNotFound)?;
    let existing = accounts::find_live(&state.db, uid)
        .await?
        .ok_or(UsersError::UserNotFound)?;
    if existing.status != user::status::INACTIVE {
        return Err(UsersError::CannotActivate);
    }
    let activated = accounts::activate(&state.db, uid)
        .await?
        .ok_or(UsersError::CannotActivate)?;
    events::record(
        &state.db,
        events::kind::USER_ACTIVATED,
        Some(uid),
        client,
        None,
    )
    .await;
    let group = accounts::group_of(&state.db, &activated).await?;
    Ok((activated, group))
}

/// Sends a password-reset link. Succeeds alike whether or not an account uses the address;
/// the mail itself is sent in the background.
pub async fn request_reset(
    state: &AppState,
    client: &Client,
    email: &str,
    language: Option<&str>,
    captcha: Captcha<'_>,
) -> Result<(), UsersError> {
    check_captcha(state, "forget_captcha", captcha).await?;
    let email = accounts::normalize_email(email)?;
    // A site without mail refuses every request alike, so the answer says nothing about
    // the address; delivery errors after this point are only logged, for the same reason.
    mail::Mailer::from_settings(&state.settings).await?;
    let account = accounts::find_by_email(&state.db, &email)
        .await?
        .filter(|u| {
            u.status != user::status::MANUAL_BANNED && u.status != user::status::SYS_BANNED
        });
    let Some(account) = account else {
        return Ok(());
    };
    // The directory holds a directory account's password; the answer says where it is.
    super::external::ensure_local_password(&state.db, account.id).await?;
    if !account_mail::cooldown_free(state, Kind::Reset, account.id).await? {
        return Ok(());
    }
    let secret = random_string(RESET_SECRET_LEN);
    kv::put(
        &state.db,
        "user_reset",
        &reset_key(account.id),
        &secret,
        Some(RESET_TTL),
    )
    .await?;
    account_mail::mark_sent(state, Kind::Reset, account.id).await;
    events::record(
        &state.db,
        events::kind::USER_RESET_REQUEST,
        Some(account.id),
        client,
        None,
    )
    .await;
    let language = clean_language(language).or_else(|| user_language(&account));
    let state = state.clone();
    tokio::spawn(async move {
        let sent = account_mail::send_reset(&state, &account, &secret, language.as_deref()).await;
        if let Err(err) = sent {
            tracing::warn!(error = %err, user_id = account.id, "password reset mail failed");
        }
    });
    Ok(())
}

/// Sets a new password with the secret of a reset link, ending every session and app
/// password of the account. The secret works once; wrong secrets count as failed sign-ins for throttling.
pub async fn reset_password(
    state: &AppState,
    client: &Client,
    user_hashid: &str,
    password: &str,
    secret: &str,
) -> Result<(user::Model, group::Model), UsersError> {
    accounts::validate_password(password)?;
    let uid = state
        .ids
        .decode(user_hashid, IdKind::User)
        .map_err(|_| UsersError::ResetLinkInvalid)?;
    sign_in_throttle::check(&state.db, Some(uid), client).await?;
    let key = reset_key(uid);
    let matches = |stored: &Option<String>| {
        stored
            .as_deref()
            .is_some_and(|s| bool::from(s.as_bytes().ct_eq(secret.as_bytes())))
    };
    // A wrong secret leaves the right one usable (a typo must not cost the link).
    if !matches(&kv::get(&state.db, &key).await?) {
        sign_in_throttle::fail(&state.db, Some(uid), client, "reset").await;
        return Err(UsersError::ResetLinkInvalid);
    }
    // Spend it: of concurrent requests with the secret, only one takes the row.
    if !matches(&kv::take(&state.db, &key).await?) {
        return Err(UsersError::ResetLinkInvalid);
    }
    let account = accounts::find_live(&state.db, uid)
        .await?
        .ok_or(UsersError::ResetLinkInvalid)?;
    super::external::ensure_local_password(&state.db, account.id).await?;
    let account = accounts::set_password(&state.db, account, password).await?;
    session::Chains::of(state).forget_all();
    // Devices approved and keys made with the old password go too: whoever knew it may have
    // made one.
    credentials::cut_devices(state, account.id).await?;
    crate::access_watch::notice(state, crate::access_watch::Narrowed::User(account.id));
    events::record(
        &state.db,
        events::kind::USER_CHANGE_PASSWORD,
        Some(uid),
        client,
        Some(json!({ "method": "reset" })),
    )
    .await;
    let group = accounts::group_of(&state.db, &account).await?;
    Ok((account, group))
}

fn reset_key(uid: i64) -> String {
    format!("user_reset_{uid}")
}

/// Checks the captcha of a form when the setting `flag` asks for one.
async fn check_captcha(
    state: &AppState,
    flag: &str,
    captcha: Captcha<'_>,
) -> Result<(), UsersError> {
    if !state.settings.bool(flag).await? {
        return Ok(());
    }
    let passed = captcha_ticket::verify(
        &state.db,
        captcha.ticket.unwrap_or_default(),
        captcha.answer.unwrap_or_default(),
    )
    .await?;
    if passed {
        Ok(())
    } else {
        Err(UsersError::CaptchaWrong)
    }
}
