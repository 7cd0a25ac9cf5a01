//! Every credential of a user in one view: web sessions, app passwords, WebDAV accounts, S3
//! keys and the OAuth apps the user granted, listed with their last use, the folder each is
//! confined to and whether the guard against mass deletion has stopped it, and revoked
//! through one function that ends any kind and audits it.
//!
//! Revoking empties this instance's sign-in caches at once (the session chains, the WebDAV
//! sign-in rows, the verified S3 keys), so the credential fails at its next request here. The
//! other instances sharing the database hold those caches for a few seconds at most
//! (`session::CHAIN_CACHE_TTL`, `dav_cache::ROW_TTL`, `s3_key::TTL`): they read the deleted
//! row again within that and refuse it too.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{
    dav_account,
    guard_incident::{self, state as incident_state},
};
use uuid::Uuid;

use super::{app_password, devices, oauth, s3_key, session};
use crate::{
    access_watch::{self, Narrowed},
    caller::CredentialKind,
    events::{self, Client},
    ids::IdKind,
    state::AppState,
};

/// One credential as its owner sees it.
#[derive(Debug, Clone)]
pub struct CredentialEntry {
    pub kind: CredentialKind,
    /// The id the revoke takes: a hashid for rows, the chain for a session, the client's
    /// GUID for an OAuth app.
    pub id: String,
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    /// The last use, where it is recorded (at most once a minute for keys and passwords).
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address of the last use, where it is recorded (web sessions).
    pub last_ip: Option<String>,
    /// The client of the last use ("Firefox on Linux"), where it is recorded.
    pub client: Option<String>,
    /// The folder it is confined to (`cloudreve://...`); `None`: the whole drive.
    pub root: Option<String>,
    pub read_only: bool,
    /// The guard against mass deletion stopped its writes (an incident is open).
    pub stopped: bool,
    /// The session of the request asking.
    pub current: bool,
}

impl CredentialEntry {
    fn new(kind: CredentialKind, id: String, name: String) -> Self {
        Self {
            kind,
            id,
            name,
            created_at: None,
            last_used_at: None,
            last_ip: None,
            client: None,
            root: None,
            read_only: false,
            stopped: false,
            current: false,
        }
    }
}

/// What revoking can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No credential of this kind and id among the user's (another user's answers the same).
    #[error("credential not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Every credential of `user_id`, sessions first, then the others newest first;
/// `current` is the session of the request asking.
pub async fn list(
    state: &AppState,
    user_id: i64,
    current: Option<Uuid>,
) -> Result<Vec<CredentialEntry>, CredentialError> {
    let mut out = sessions(state, user_id, current).await?;
    out.extend(app_passwords(state, user_id).await?);
    out.extend(dav_accounts(state, user_id).await?);
    out.extend(s3_keys(state, user_id).await?);
    out.extend(oauth_apps(state, user_id).await?);
    let stopped = stopped_ids(state, user_id).await?;
    for entry in &mut out {
        let guard_id = row_id(state, entry).unwrap_or_else(|| entry.id.clone());
        entry.stopped = stopped.contains(&(entry.kind.name().to_owned(), guard_id));
    }
    Ok(out)
}

/// The id the guard records for a row credential (its row id, not the hashid).
fn row_id(state: &AppState, entry: &CredentialEntry) -> Option<String> {
    let kind = id_kind(entry.kind)?;
    state
        .ids
        .decode(&entry.id, kind)
        .ok()
        .map(|id| id.to_string())
}

/// The hashid kind of a row credential.
fn id_kind(kind: CredentialKind) -> Option<IdKind> {
    match kind {
        CredentialKind::AppPassword => Some(IdKind::AppPassword),
        CredentialKind::Webdav => Some(IdKind::DavAccount),
        CredentialKind::S3Key => Some(IdKind::S3Key),
        CredentialKind::Session | CredentialKind::Oauth => None,
    }
}

/// The (kind, id) of the credentials of `user_id` the guard has stopped. An OAuth app's
/// guard id is `<client id>:<user id>` (one credential per user of the app): the incidents
/// are this user's, so its client id alone names the app here.
async fn stopped_ids(state: &AppState, user_id: i64) -> Result<HashSet<(String, String)>, DbErr> {
    let open: Vec<(String, String)> = guard_incident::Entity::find()
        .select_only()
        .column(guard_incident::Column::CredKind)
        .column(guard_incident::Column::CredId)
        .filter(guard_incident::Column::UserId.eq(user_id))
        .filter(
            guard_incident::Column::State.is_in([incident_state::OPEN, incident_state::UNDOING]),
        )
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(open
        .into_iter()
        .map(|(kind, id)| match kind == CredentialKind::Oauth.name() {
            true => {
                let client = id.split_once(':').map_or(id.as_str(), |(c, _)| c);
                (kind.clone(), client.to_owned())
            }
            false => (kind, id),
        })
        .collect())
}

async fn sessions(
    state: &AppState,
    user_id: i64,
    current: Option<Uuid>,
) -> Result<Vec<CredentialEntry>, DbErr> {
    let live = session::live_roots(&state.db, user_id).await?;
    let rows = devices::list(&state.db, user_id, &live).await?;
    Ok(rows
        .into_iter()
        .map(|s| {
            let name = if s.device.is_empty() {
                "Web session".to_owned()
            } else {
                s.device.clone()
            };
            CredentialEntry {
                created_at: Some(s.created_at),
                last_used_at: Some(s.last_used_at),
                last_ip: s.ip,
                client: s.user_agent,
                current: current == Some(s.root),
                ..CredentialEntry::new(CredentialKind::Session, s.root.to_string(), name)
            }
        })
        .collect())
}

async fn app_passwords(state: &AppState, user_id: i64) -> Result<Vec<CredentialEntry>, DbErr> {
    let rows = app_password::list(&state.db, user_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = state.ids.encode(row.id, IdKind::AppPassword);
            CredentialEntry {
                created_at: Some(row.created_at),
                last_used_at: row.last_used_at,
                ..CredentialEntry::new(CredentialKind::AppPassword, id, row.name)
            }
        })
        .collect())
}

async fn dav_accounts(state: &AppState, user_id: i64) -> Result<Vec<CredentialEntry>, DbErr> {
    let rows = dav_account::Entity::find()
        .filter(dav_account::Column::OwnerId.eq(user_id))
        .filter(dav_account::Column::DeletedAt.is_null())
        .order_by_desc(dav_account::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let read_only = crate::boolset::Boolset::from_bytes(row.options.clone())
                .enabled(crate::boolset::dav_opt::READ_ONLY);
            let id = state.ids.encode(row.id, IdKind::DavAccount);
            CredentialEntry {
                created_at: Some(row.created_at),
                root: Some(row.uri),
                read_only,
                ..CredentialEntry::new(CredentialKind::Webdav, id, row.name)
            }
        })
        .collect())
}

async fn s3_keys(state: &AppState, user_id: i64) -> Result<Vec<CredentialEntry>, DbErr> {
    let rows = s3_key::list(&state.db, user_id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        // A key whose folder is gone reaches nothing: it shows with no folder.
        let root = s3_key::folder_uri(state, &row)
            .await
            .ok()
            .flatten()
            .map(|uri| uri.to_string());
        let id = state.ids.encode(row.id, IdKind::S3Key);
        let name = format!("{} ({})", row.name, row.access_key_id);
        out.push(CredentialEntry {
            created_at: Some(row.created_at),
            last_used_at: row.last_used_at,
            root: Some(root.unwrap_or_default()),
            read_only: row.readonly,
            ..CredentialEntry::new(CredentialKind::S3Key, id, name)
        });
    }
    Ok(out)
}

async fn oauth_apps(state: &AppState, user_id: i64) -> Result<Vec<CredentialEntry>, DbErr> {
    let grants = match oauth::grants::of_user(state, user_id).await {
        Ok(grants) => grants,
        Err(oauth::OAuthError::Db(e)) => return Err(e),
        Err(e) => return Err(DbErr::Custom(e.to_string())),
    };
    Ok(grants
        .into_iter()
        .map(|(grant, client)| CredentialEntry {
            created_at: Some(grant.created_at),
            last_used_at: grant.last_used_at,
            ..CredentialEntry::new(CredentialKind::Oauth, client.guid, client.name)
        })
        .collect())
}

/// Revokes credential `id` of `kind` of `user_id`, asked from `client`: ends the session
/// chain, deletes the app password, WebDAV account or S3 key, or revokes the OAuth grant and
/// its tokens. Audited as a sign-out with the reason `credential_revoked`.
pub async fn revoke(
    state: &AppState,
    user_id: i64,
    kind: CredentialKind,
    id: &str,
    client: &Client,
) -> Result<(), CredentialError> {
    let row = || {
        let kind = id_kind(kind).ok_or(CredentialError::NotFound)?;
        state
            .ids
            .decode(id, kind)
            .map_err(|_| CredentialError::NotFound)
    };
    let found = match kind {
        CredentialKind::Session => match Uuid::parse_str(id) {
            Ok(root) => session::end(state, user_id, root).await?,
            Err(_) => false,
        },
        CredentialKind::AppPassword => app_password::revoke(state, user_id, row()?).await?,
        CredentialKind::Webdav => delete_dav_account(state, user_id, row()?).await?,
        CredentialKind::S3Key => match s3_key::delete(state, user_id, row()?).await {
            Ok(()) => true,
            Err(s3_key::S3KeyError::NotFound) => false,
            Err(s3_key::S3KeyError::Db(e)) => return Err(e.into()),
            Err(e) => return Err(DbErr::Custom(e.to_string()).into()),
        },
        CredentialKind::Oauth => match oauth::grants::revoke(state, user_id, id).await {
            Ok(()) => true,
            Err(oauth::OAuthError::GrantNotFound) => false,
            Err(oauth::OAuthError::Db(e)) => return Err(e.into()),
            Err(e) => return Err(DbErr::Custom(e.to_string()).into()),
        },
    };
    if !found {
        return Err(CredentialError::NotFound);
    }
    let content = serde_json::json!({
        "reason": "credential_revoked",
        "kind": kind.name(),
        "id": id,
    });
    events::record(
        &state.db,
        events::kind::USER_LOGOUT,
        Some(user_id),
        client,
        Some(content),
    )
    .await;
    Ok(())
}

/// Deletes WebDAV account `id` of `user_id`; its clients are refused from the next request.
pub async fn delete_dav_account(state: &AppState, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let deleted = dav_account::Entity::delete_many()
        .filter(dav_account::Column::Id.eq(id))
        .filter(dav_account::Column::OwnerId.eq(user_id))
        .exec(&state.db)
        .await?;
    super::dav_cache::rows(state).forget_all();
    access_watch::notice(state, Narrowed::User(user_id));
    Ok(deleted.rows_affected == 1)
}

/// Cuts what signs in without the account's password, for a password reset (or a directory
/// entry gone): every app password, WebDAV account and S3 key of `user_id` (whoever knew the
/// password could have made one). This instance's sign-in caches forget them at once, so
/// each fails at its next request here. Answers how many went.
pub async fn cut_devices(state: &AppState, user_id: i64) -> Result<u64, DbErr> {
    let passwords = app_password::revoke_all(state, user_id).await?;
    // Deleted as the owner deletes one (`dav::account::delete`, `revoke`): the row goes.
    let accounts = dav_account::Entity::delete_many()
        .filter(dav_account::Column::OwnerId.eq(user_id))
        .exec(&state.db)
        .await?
        .rows_affected;
    super::dav_cache::rows(state).forget_all();
    super::dav_cache::logins(state).invalidate_all();
    access_watch::notice(state, Narrowed::User(user_id));
    Ok(passwords + accounts + s3_key::delete_all(state, user_id).await?)
}
