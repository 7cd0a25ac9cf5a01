//! Registration, activation and password reset: `POST /user`, `GET /user/activate/:id`,
//! `POST /user/reset` and `PATCH /user/reset/:id`.
//!
//! Activation links are URL signatures (spec §5.6) over `/api/v4/user/activate/<id>`, keyed
//! with `secret_key` and valid for 24 hours. Reset links carry a random secret kept in the
//! `kv` table under `user_reset_<uid>` for one hour and spent by the first right answer.

use std::time::Duration;

use chrono::Utc;
use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{group, user};
use subtle::ConstantTimeEq;

use super::{
    ApiTags, BASE,
    dto::user::User,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
};
use crate::{
    auth::{sign, throttle},
    captcha_ticket,
    events::{self, Client},
    ids::IdKind,
    kv,
    mail::{self, MailError, Template, TemplateContext},
    settings::random_string,
    state::AppState,
    users,
};

/// How long an activation link stays valid.
pub const ACTIVATION_TTL_SECS: i64 = 24 * 3600;
/// How long a password-reset secret stays valid.
pub const RESET_TTL: Duration = Duration::from_secs(3600);
/// Length of a password-reset secret (letters and digits from the OS CSPRNG).
const RESET_SECRET_LEN: usize = 32;
/// At most one activation or reset mail per account in this period, so that nobody can
/// flood an inbox through these routes. Requests inside it answer as usual and send nothing.
pub const MAIL_COOLDOWN: Duration = Duration::from_secs(60);

/// `POST /user`
#[derive(Debug, Object)]
pub struct RegisterRequest {
    #[oai(validator(max_length = 100))]
    pub email: String,
    #[oai(validator(min_length = 6, max_length = 128))]
    pub password: String,
    /// UI language (e.g. `en-US`); also picks the activation mail template.
    #[oai(validator(max_length = 32))]
    pub language: Option<String>,
    /// The typed captcha text, when `reg_captcha` is on.
    pub captcha: Option<String>,
    /// The ticket of `GET /site/captcha`.
    pub ticket: Option<String>,
}

/// `POST /user/reset`
#[derive(Debug, Object)]
pub struct ResetEmailRequest {
    #[oai(validator(max_length = 100))]
    pub email: String,
    /// Language of the mail template.
    #[oai(validator(max_length = 32))]
    pub language: Option<String>,
    /// The typed captcha text, when `forget_captcha` is on.
    pub captcha: Option<String>,
    /// The ticket of `GET /site/captcha`.
    pub ticket: Option<String>,
}

/// `PATCH /user/reset/:id`
#[derive(Debug, Object)]
pub struct ResetPasswordRequest {
    /// The new password.
    #[oai(validator(min_length = 6, max_length = 128))]
    pub password: String,
    /// The `secret` of the reset link.
    #[oai(validator(max_length = 128))]
    pub secret: String,
}

pub struct RegistrationApi;

#[OpenApi(tag = "ApiTags::User")]
impl RegistrationApi {
    /// Creates an account. With `email_active` on, the account stays inactive until the link
    /// of the activation mail is opened, and the answer is code 203 without data.
    #[oai(path = "/user", method = "post", operation_id = "register_user")]
    async fn register_user(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<RegisterRequest>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        if !state.settings.bool("register_enabled").await? {
            return Err(ApiError::code(ErrorCode::FeatureNotEnabled));
        }
        check_captcha(&state, "reg_captcha", &body.captcha, &body.ticket).await?;
        let email = users::normalize_email(&body.email)?;
        let language = clean_language(body.language.as_deref());
        let email_active = state.settings.bool("email_active").await?;

        if email_active && let Some(existing) = users::find_by_email(&state.db, &email).await? {
            if existing.status != user::status::INACTIVE {
                return Err(ApiError::code(ErrorCode::EmailExisted));
            }
            // Signed up before but never activated (the mail got lost): send the link again.
            if cooldown_free(&state, "activation", existing.id).await? {
                let language = language.or_else(|| user_language(&existing));
                send_activation(&state, &existing, language.as_deref())
                    .await
                    .map_err(mail_failed)?;
            }
            return Err(ApiError::new(
                ErrorCode::EmailSent,
                "This account is not activated yet; the activation e-mail has been sent again",
            ));
        }

        let default_group = state
            .settings
            .int("default_group", users::USER_GROUP)
            .await?;
        let status = if email_active {
            user::status::INACTIVE
        } else {
            user::status::ACTIVE
        };
        let created = users::register(
            &state.db,
            users::Registration {
                email: &email,
                password: &body.password,
                default_group,
                status,
                language: language.as_deref(),
            },
        )
        .await?;

        if email_active
            && let Err(err) = send_activation(&state, &created, language.as_deref()).await
        {
            tracing::warn!(error = %err, user_id = created.id,
                "activation mail failed; undoing the registration");
            if let Err(db_err) = users::delete_unactivated(&state.db, created.id).await {
                tracing::error!(error = %db_err, user_id = created.id,
                    "could not remove the account whose activation mail failed");
            }
            return Err(mail_failed(err));
        }
        events::record(
            &state.db,
            events::kind::USER_SIGNUP,
            Some(created.id),
            &client,
            Some(json!({ "group_id": created.group_id, "status": created.status })),
        )
        .await;
        if email_active {
            return Err(ApiError::new(
                ErrorCode::Continue,
                "An activation e-mail has been sent; open its link to finish signing up",
            ));
        }
        let group = group_of(&state, &created).await?;
        ok(User::from_model(&state.ids, &created, &group))
    }

    /// Activates an account from the link of its activation mail (signed, valid 24 hours).
    #[oai(
        path = "/user/activate/:id",
        method = "get",
        operation_id = "activate_user"
    )]
    async fn activate_user(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        sign: Query<Option<String>>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        let signature = sign.0.unwrap_or_default();
        if signature.is_empty() {
            return Err(ApiError::new(
                ErrorCode::CredentialInvalid,
                "missing signature",
            ));
        }
        let key = state.settings.get("secret_key").await?;
        sign::verify(key.as_bytes(), &activation_path(&id.0), &signature)
            .map_err(|e| ApiError::new(ErrorCode::CredentialInvalid, e.to_string()))?;
        let uid = state
            .ids
            .decode(&id.0, IdKind::User)
            .map_err(|_| ApiError::code(ErrorCode::UserNotFound))?;
        let existing = user::Entity::find_by_id(uid)
            .one(&state.db)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
        if existing.status != user::status::INACTIVE {
            return Err(ApiError::code(ErrorCode::UserCannotActivate));
        }
        let activated = users::activate(&state.db, uid)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::UserCannotActivate))?;
        events::record(
            &state.db,
            events::kind::USER_ACTIVATED,
            Some(uid),
            &client,
            None,
        )
        .await;
        let group = group_of(&state, &activated).await?;
        ok(User::from_model(&state.ids, &activated, &group))
    }

    /// Sends a password-reset link. The answer is the same whether or not an account uses
    /// the address; the mail itself is sent in the background.
    #[oai(
        path = "/user/reset",
        method = "post",
        operation_id = "send_reset_email"
    )]
    async fn send_reset_email(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<ResetEmailRequest>,
    ) -> ApiResult<String> {
        let client = Client::of(req, &state.config);
        check_captcha(&state, "forget_captcha", &body.captcha, &body.ticket).await?;
        let email = users::normalize_email(&body.email)?;
        // A site without mail refuses every request alike, so the answer says nothing about
        // the address; delivery errors after this point are only logged, for the same reason.
        mail::Mailer::from_settings(&state.settings)
            .await
            .map_err(mail_failed)?;
        let account = users::find_by_email(&state.db, &email).await?.filter(|u| {
            u.status != user::status::MANUAL_BANNED && u.status != user::status::SYS_BANNED
        });
        let Some(account) = account else {
            return done();
        };
        if !cooldown_free(&state, "reset", account.id).await? {
            return done();
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
        mark_mail_sent(&state, "reset", account.id).await;
        events::record(
            &state.db,
            events::kind::USER_RESET_REQUEST,
            Some(account.id),
            &client,
            None,
        )
        .await;
        let language = clean_language(body.language.as_deref()).or_else(|| user_language(&account));
        let state = state.0.clone();
        tokio::spawn(async move {
            if let Err(err) = send_reset(&state, &account, &secret, language.as_deref()).await {
                tracing::warn!(error = %err, user_id = account.id, "password reset mail failed");
            }
        });
        done()
    }

    /// Sets a new password with the secret of a reset link, ending every session of the
    /// account. The secret works once; wrong secrets count as failed sign-ins for throttling.
    #[oai(
        path = "/user/reset/:id",
        method = "patch",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        body: ApiJson<ResetPasswordRequest>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        let invalid = || ApiError::code(ErrorCode::InvalidTempLink);
        if !(6..=128).contains(&body.password.chars().count()) {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "password must be 6 to 128 characters",
            ));
        }
        let uid = state
            .ids
            .decode(&id.0, IdKind::User)
            .map_err(|_| invalid())?;
        throttle::check(&state.db, Some(uid), &client).await?;
        let key = reset_key(uid);
        let given = body.secret.as_bytes();
        let matches = |stored: &Option<String>| {
            stored
                .as_deref()
                .is_some_and(|s| bool::from(s.as_bytes().ct_eq(given)))
        };
        // A wrong secret leaves the right one usable (a typo must not cost the link).
        if !matches(&kv::get(&state.db, &key).await?) {
            throttle::fail(&state.db, Some(uid), &client, "reset").await;
            return Err(invalid());
        }
        // Spend it: of concurrent requests with the secret, only one takes the row.
        if !matches(&kv::take(&state.db, &key).await?) {
            return Err(invalid());
        }
        let account = user::Entity::find_by_id(uid)
            .one(&state.db)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(invalid)?;
        let account = users::set_password(&state.db, account, &body.password).await?;
        crate::auth::session::Chains::of(&state).forget_all();
        events::record(
            &state.db,
            events::kind::USER_CHANGE_PASSWORD,
            Some(uid),
            &client,
            Some(json!({ "method": "reset" })),
        )
        .await;
        let group = group_of(&state, &account).await?;
        ok(User::from_model(&state.ids, &account, &group))
    }
}

/// The decoded path an activation link signs.
pub fn activation_path(user_hashid: &str) -> String {
    format!("{BASE}/user/activate/{user_hashid}")
}

fn reset_key(uid: i64) -> String {
    format!("user_reset_{uid}")
}

/// Checks the captcha of a form when the setting `flag` asks for one (40026 otherwise).
async fn check_captcha(
    state: &AppState,
    flag: &str,
    captcha: &Option<String>,
    ticket: &Option<String>,
) -> Result<(), ApiError> {
    if !state.settings.bool(flag).await? {
        return Ok(());
    }
    let passed = captcha_ticket::verify(
        &state.db,
        ticket.as_deref().unwrap_or_default(),
        captcha.as_deref().unwrap_or_default(),
    )
    .await?;
    if passed {
        Ok(())
    } else {
        Err(ApiError::code(ErrorCode::CaptchaError))
    }
}

/// A language tag worth keeping (`en-US`, `zh_CN`); anything else is dropped.
fn clean_language(language: Option<&str>) -> Option<String> {
    let language = language?.trim();
    let valid = !language.is_empty()
        && language.len() <= 32
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| language.to_owned())
}

/// The language stored in an account's settings.
fn user_language(account: &user::Model) -> Option<String> {
    clean_language(account.settings.get("language").and_then(|v| v.as_str()))
}

async fn group_of(state: &AppState, account: &user::Model) -> Result<group::Model, ApiError> {
    group::Entity::find_by_id(account.group_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::GroupNotFound))
}

/// 40028; the SMTP detail stays in the server log (and in `error` in debug mode).
fn mail_failed(err: MailError) -> ApiError {
    match err {
        MailError::NotConfigured => ApiError::new(ErrorCode::FailedSendEmail, err.to_string()),
        err => ApiError::code(ErrorCode::FailedSendEmail).with_cause(err),
    }
}

fn cooldown_key(what: &str, uid: i64) -> String {
    format!("mail_sent_{what}_{uid}")
}

/// Whether no `what` mail went to this account within [`MAIL_COOLDOWN`].
async fn cooldown_free(state: &AppState, what: &str, uid: i64) -> Result<bool, ApiError> {
    Ok(kv::get(&state.db, &cooldown_key(what, uid))
        .await?
        .is_none())
}

/// Starts the cooldown after a mail went out.
async fn mark_mail_sent(state: &AppState, what: &str, uid: i64) {
    let key = cooldown_key(what, uid);
    if let Err(err) = kv::put(&state.db, "mail_sent", &key, "1", Some(MAIL_COOLDOWN)).await {
        tracing::warn!(error = %err, "could not record the mail cooldown");
    }
}

/// The template values common to both mails.
async fn mail_context(
    state: &AppState,
    account: &user::Model,
    url: String,
) -> Result<TemplateContext, MailError> {
    let mut ctx = TemplateContext::for_site(&state.settings).await?;
    ctx.url = url;
    ctx.user_nick = account.nick.clone();
    ctx.user_email = account.email.clone();
    Ok(ctx)
}

/// Sends the activation mail: `<site>/session/activate?id=<hashid>&sign=<signature>`.
async fn send_activation(
    state: &AppState,
    account: &user::Model,
    language: Option<&str>,
) -> Result<(), MailError> {
    let hashid = state.ids.encode(account.id, IdKind::User);
    let key = state.settings.get("secret_key").await?;
    let expires = Utc::now().timestamp() + ACTIVATION_TTL_SECS;
    let signature = sign::sign(key.as_bytes(), &activation_path(&hashid), expires);
    let site = mail::primary_site_url(&state.settings.get("siteURL").await?);
    let url = format!(
        "{site}/session/activate?id={hashid}&sign={}",
        mail::encode_query_value(&signature)
    );
    let ctx = mail_context(state, account, url).await?;
    mail::send_template(
        &state.settings,
        Template::Activation,
        &account.email,
        language,
        &ctx,
    )
    .await?;
    mark_mail_sent(state, "activation", account.id).await;
    Ok(())
}

/// Sends the reset mail: `<site>/session/reset?id=<hashid>&secret=<secret>`.
async fn send_reset(
    state: &AppState,
    account: &user::Model,
    secret: &str,
    language: Option<&str>,
) -> Result<(), MailError> {
    let hashid = state.ids.encode(account.id, IdKind::User);
    let site = mail::primary_site_url(&state.settings.get("siteURL").await?);
    let url = format!(
        "{site}/session/reset?id={hashid}&secret={}",
        mail::encode_query_value(secret)
    );
    let ctx = mail_context(state, account, url).await?;
    mail::send_template(
        &state.settings,
        Template::Reset,
        &account.email,
        language,
        &ctx,
    )
    .await
}
