//! The mails of registration and password reset: their links, their template values, and
//! the cool-down that keeps an inbox from being flooded through these routes.

use std::time::Duration;

use chrono::Utc;
use stratus_entity::user;

use crate::{
    auth::sign,
    ids::IdKind,
    kv,
    mail::{self, MailError, Template, TemplateContext},
    state::AppState,
};

/// How long an activation link stays valid.
pub const ACTIVATION_TTL_SECS: i64 = 24 * 3600;
/// At most one activation or reset mail per account in this period, so that nobody can
/// flood an inbox through these routes. Requests inside it answer as usual and send nothing.
pub const MAIL_COOLDOWN: Duration = Duration::from_secs(60);
/// The path of the activation route (`GET /api/v4/user/activate/:id`), which its links sign.
const ACTIVATION_ROUTE: &str = "/api/v4/user/activate";

/// The two mails with a cool-down.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Activation,
    Reset,
}

impl Kind {
    fn key(self, uid: i64) -> String {
        let what = match self {
            Kind::Activation => "activation",
            Kind::Reset => "reset",
        };
        format!("mail_sent_{what}_{uid}")
    }
}

/// The decoded path an activation link signs.
pub fn activation_path(user_hashid: &str) -> String {
    format!("{ACTIVATION_ROUTE}/{user_hashid}")
}

/// Whether no mail of this kind went to this account within [`MAIL_COOLDOWN`].
pub async fn cooldown_free(state: &AppState, kind: Kind, uid: i64) -> Result<bool, sea_orm::DbErr> {
    Ok(kv::get(&state.db, &kind.key(uid)).await?.is_none())
}

/// Starts the cool-down after a mail went out.
pub async fn mark_sent(state: &AppState, kind: Kind, uid: i64) {
    if let Err(err) = kv::put(
        &state.db,
        "mail_sent",
        &kind.key(uid),
        "1",
        Some(MAIL_COOLDOWN),
    )
    .await
    {
        tracing::warn!(error = %err, "could not record the mail cooldown");
    }
}

/// The template values common to both mails.
async fn context(
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
pub async fn send_activation(
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
    let ctx = context(state, account, url).await?;
    mail::send_template(
        &state.settings,
        Template::Activation,
        &account.email,
        language,
        &ctx,
    )
    .await?;
    mark_sent(state, Kind::Activation, account.id).await;
    Ok(())
}

/// Sends the reset mail: `<site>/session/reset?id=<hashid>&secret=<secret>`.
pub async fn send_reset(
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
    let ctx = context(state, account, url).await?;
    mail::send_template(
        &state.settings,
        Template::Reset,
        &account.email,
        language,
        &ctx,
    )
    .await
}

/// A language tag worth keeping (`en-US`, `zh_CN`); anything else is dropped.
pub fn clean_language(language: Option<&str>) -> Option<String> {
    let language = language?.trim();
    let valid = !language.is_empty()
        && language.len() <= 32
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| language.to_owned())
}

/// The language stored in an account's settings.
pub fn user_language(account: &user::Model) -> Option<String> {
    clean_language(account.settings.get("language").and_then(|v| v.as_str()))
}
