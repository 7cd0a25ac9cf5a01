//! The audit log: one row per security-relevant action (sign-ins, failures, account changes),
//! with who, from where, and the request's correlation id.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use serde_json::Value;
use stratus_entity::event;

use crate::request_ctx;
/// Where a request came from: the request context keeps it, events record it.
pub use crate::request_ctx::Client;

/// Event types, numbered as Cloudreve's `AuditLogType` where the protocol names them
/// (5 `user_login`, 17 `share`, 30 `webdav_login_failed`); the others are Stratus's own numbers.
pub mod kind {
    /// A new account was registered.
    pub const USER_SIGNUP: i32 = 1;
    /// An account was activated from its e-mail link.
    pub const USER_ACTIVATED: i32 = 2;
    /// A sign-in failed (password, 2FA code or passkey); `content.method` says which.
    pub const USER_LOGIN_FAILED: i32 = 3;
    /// A refresh token was exchanged.
    pub const USER_TOKEN_REFRESH: i32 = 4;
    /// A sign-in succeeded.
    pub const USER_LOGIN: i32 = 5;
    /// A session chain was ended: a sign-out, or a refresh token used twice (then
    /// `content.reason` is `refresh_token_reused`).
    pub const USER_LOGOUT: i32 = 6;
    /// The password was changed or reset.
    pub const USER_CHANGE_PASSWORD: i32 = 8;
    /// Two-factor authentication was switched on or off.
    pub const USER_CHANGE_2FA: i32 = 9;
    /// A passkey was added or removed.
    pub const USER_CHANGE_PASSKEY: i32 = 10;
    /// A password reset mail was requested.
    pub const USER_RESET_REQUEST: i32 = 11;
    /// A file or folder was created.
    pub const FILE_CREATE: i32 = 7;
    /// A file or folder was renamed.
    pub const FILE_RENAME: i32 = 12;
    /// Objects were moved.
    pub const FILE_MOVE: i32 = 13;
    /// Objects were copied.
    pub const FILE_COPY: i32 = 14;
    /// Objects were deleted (to the trash or permanently).
    pub const DELETE_FILE: i32 = 15;
    /// Objects were restored from the trash.
    pub const FILE_RESTORE: i32 = 16;
    /// A share link was created.
    pub const SHARE: i32 = 17;
    /// A share link was edited.
    pub const SHARE_EDIT: i32 = 18;
    /// A share link was deleted.
    pub const SHARE_DELETE: i32 = 19;
    /// A share link was opened (`GET /share/info`) or one of its files was downloaded.
    pub const SHARE_ACCESS: i32 = 20;
    /// A wrong share password was given; `content` is `{"share_id": <db id>}` and nothing
    /// else, because the throttle counts these rows by exact content.
    pub const SHARE_PASSWORD_FAILED: i32 = 21;
    /// A visitor's upload into an upload-only share was let in; `content` is
    /// `{"share_id": <db id>, "size": <bytes>}`. The per-address upload limit counts these.
    pub const SHARE_UPLOAD: i32 = 22;
    /// A WebDAV sign-in failed.
    pub const WEBDAV_LOGIN_FAILED: i32 = 30;
    /// A request to the S3 endpoint was refused for a wrong secret or an unknown access key;
    /// `content` is `{"access_key", "code"}`, the user the key's owner when it exists.
    pub const S3_LOGIN_FAILED: i32 = 31;
    /// Failed sign-ins reached a limit of the sign-in throttle (`auth::sign_in_throttle`);
    /// `content` is `{scope, door, until}`: `scope` is `address`, `address_account` or
    /// `account`, `door` `api`, `webdav`, `s3` or `sftp`.
    pub const SIGN_IN_LOCKED: i32 = 32;
    /// An SFTP sign-in failed; `content` says what was tried (the user name, the key's
    /// fingerprint), never a secret.
    pub const SFTP_LOGIN_FAILED: i32 = 33;
    /// An administrator changed a setting, group, user, storage policy, file, entity, share or
    /// event; `content` is `{target, id?, action, changes}` with secrets masked. Stratus's
    /// own number, after the range of Cloudreve's types.
    pub const ADMIN_CHANGE: i32 = 60;
    /// A slave node stopped answering the master's checks; `content` is `{node_id, node,
    /// server, error, last_seen_at}`. Recorded by the server, with no user.
    pub const NODE_DOWN: i32 = 61;
    /// A slave node that was down answers again; `content` as for [`NODE_DOWN`].
    pub const NODE_UP: i32 = 62;
    /// The guard against mass deletion stopped a credential; `content` is `{incident_id,
    /// credential: {kind, name}, deleted, overwritten, renamed}`.
    pub const GUARD_TRIPPED: i32 = 63;
    /// An incident of the guard was undone; `content` as for [`GUARD_TRIPPED`] plus
    /// `restored` and `skipped` (counts).
    pub const GUARD_UNDONE: i32 = 64;
    /// An incident of the guard was released ("it was me"); `content` as for
    /// [`GUARD_TRIPPED`] plus `by` (the user id who released it).
    pub const GUARD_RELEASED: i32 = 65;
}

/// Writes one event. Failures are logged, never returned: auditing must not break the
/// action it records.
pub async fn record(
    db: &impl ConnectionTrait,
    kind: i32,
    user_id: Option<i64>,
    client: &Client,
    content: Option<Value>,
) {
    let row = event::ActiveModel {
        r#type: Set(kind),
        user_id: Set(user_id),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        correlation_id: Set(request_ctx::current().map(|c| c.correlation_id.to_string())),
        content: Set(content),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Err(err) = event::Entity::insert(row).exec(db).await {
        tracing::warn!(error = %err, kind, "could not write event");
    }
}

/// Number of events of `kind` in the last `window` whose content is exactly `content`, and
/// of those from this address.
pub async fn count_recent_about(
    db: &impl ConnectionTrait,
    kind: i32,
    content: Value,
    ip: Option<&str>,
    window: Duration,
) -> Result<(u64, u64), DbErr> {
    let since = Utc::now() - window;
    let base = || {
        event::Entity::find()
            .filter(event::Column::Type.eq(kind))
            .filter(event::Column::CreatedAt.gt(since))
    };
    let by_content = base()
        .filter(event::Column::Content.eq(content))
        .count(db)
        .await?;
    let by_ip = match ip {
        Some(ip) => base().filter(event::Column::Ip.eq(ip)).count(db).await?,
        None => 0,
    };
    Ok((by_content, by_ip))
}

/// [`count_recent_about`] for several contents at once: each content seen in the window with
/// its number of events (contents with none are left out), and the number from this address.
/// Two statements whatever the number of contents.
pub async fn count_recent_about_each(
    db: &impl ConnectionTrait,
    kind: i32,
    contents: Vec<Value>,
    ip: Option<&str>,
    window: Duration,
) -> Result<(Vec<(Value, u64)>, u64), DbErr> {
    let since = Utc::now() - window;
    let base = || {
        event::Entity::find()
            .filter(event::Column::Type.eq(kind))
            .filter(event::Column::CreatedAt.gt(since))
    };
    let by_content: Vec<(Option<Value>, i64)> = base()
        .select_only()
        .column(event::Column::Content)
        .column_as(event::Column::Id.count(), "n")
        .filter(event::Column::Content.is_in(contents))
        .group_by(event::Column::Content)
        .into_tuple()
        .all(db)
        .await?;
    let by_ip = match ip {
        Some(ip) => base().filter(event::Column::Ip.eq(ip)).count(db).await?,
        None => 0,
    };
    let by_content = by_content
        .into_iter()
        .filter_map(|(content, n)| Some((content?, n.max(0) as u64)))
        .collect();
    Ok((by_content, by_ip))
}

/// Number of events of `kind` in the last `window` for this user or this address.
pub async fn count_recent(
    db: &impl ConnectionTrait,
    kind: i32,
    user_id: Option<i64>,
    ip: Option<&str>,
    window: Duration,
) -> Result<(u64, u64), DbErr> {
    let since = Utc::now() - window;
    let base = || {
        event::Entity::find()
            .filter(event::Column::Type.eq(kind))
            .filter(event::Column::CreatedAt.gt(since))
    };
    let by_user = match user_id {
        Some(id) => {
            base()
                .filter(Condition::all().add(event::Column::UserId.eq(id)))
                .count(db)
                .await?
        }
        None => 0,
    };
    let by_ip = match ip {
        Some(ip) => base().filter(event::Column::Ip.eq(ip)).count(db).await?,
        None => 0,
    };
    Ok((by_user, by_ip))
}
