//! Incidents: a credential stopped after a burst of destructive changes. While one is open
//! (or its undo runs) every write of the credential is refused; the lookup is cached per
//! instance for a second, so another instance sees a new incident within that.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration as StdDuration, Instant},
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde_json::Value;
use stratus_entity::{
    guard_change,
    guard_incident::{self, state},
};

use super::counting;
use crate::{caller::Credential, state::AppState};

/// How long an instance trusts its answer to "is this credential stopped?".
const CACHE_TTL: StdDuration = StdDuration::from_secs(1);

/// A credential's kind and id.
type Key = (String, String);

/// Per-instance answers of [`open_for`], by credential: when read, and the incident.
#[derive(Default)]
pub struct OpenCache(Mutex<HashMap<Key, (Instant, Option<i64>)>>);

fn cache(state: &AppState) -> Arc<OpenCache> {
    state.part(|_| OpenCache::default())
}

fn key(credential: &Credential) -> Key {
    (credential.kind.name().to_owned(), credential.id.clone())
}

/// The id of the credential's incident that stops its writes (open or being undone), as
/// this instance saw it within the last second: for the refusal of any write at the edges.
pub async fn open_for(state: &AppState, credential: &Credential) -> Result<Option<i64>, DbErr> {
    let k = key(credential);
    if let Some((at, found)) = cache(state).0.lock().expect("guard cache").get(&k)
        && at.elapsed() < CACHE_TTL
    {
        return Ok(*found);
    }
    open_now(state, credential).await
}

/// [`open_for`] read from the database now: a destructive change is judged on what every
/// instance has recorded.
pub async fn open_now(state: &AppState, credential: &Credential) -> Result<Option<i64>, DbErr> {
    let k = key(credential);
    let found: Option<i64> = guard_incident::Entity::find()
        .select_only()
        .column(guard_incident::Column::Id)
        .filter(guard_incident::Column::CredKind.eq(&k.0))
        .filter(guard_incident::Column::CredId.eq(&k.1))
        .filter(guard_incident::Column::State.is_in([state::OPEN, state::UNDOING]))
        .order_by_asc(guard_incident::Column::Id)
        .into_tuple()
        .one(&state.db)
        .await?;
    remember(state, credential, found);
    Ok(found)
}

fn remember(state: &AppState, credential: &Credential, found: Option<i64>) {
    cache(state)
        .0
        .lock()
        .expect("guard cache")
        .insert(key(credential), (Instant::now(), found));
}

/// Opens an incident for `credential` of `user_id`, holding its changes since `since`, and
/// whether it is new: requests of one credential that trip it at once (a client deletes
/// several files in parallel) all end up with one incident, the one the database's unique
/// index of open incidents let in first.
pub async fn trip(
    state: &AppState,
    user_id: i64,
    credential: &Credential,
    since: DateTime<Utc>,
) -> Result<(guard_incident::Model, bool), DbErr> {
    let db = &state.db;
    // Twice at most: the incident that won may be released between the refused insert and
    // the lookup, and then this one may open.
    for _ in 0..2 {
        let now = Utc::now();
        let inserted = guard_incident::ActiveModel {
            user_id: Set(user_id),
            cred_kind: Set(credential.kind.name().to_owned()),
            cred_id: Set(credential.id.clone()),
            cred_name: Set(counting::clip(&credential.name)),
            started_at: Set(now),
            tripped_at: Set(now),
            last_at: Set(now),
            deleted: Set(0),
            overwritten: Set(0),
            renamed: Set(0),
            state: Set(state::OPEN.to_owned()),
            undo_task_id: Set(None),
            result: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await;
        match inserted {
            Ok(incident) => {
                // Known as open before its changes are claimed: a change recorded after the
                // claim then finds it, and joins it ([`absorb`]).
                remember(state, credential, Some(incident.id));
                let incident = hold_since(state, incident, credential, since).await?;
                return Ok((incident, true));
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let Some(first) = open_now(state, credential).await? else {
                    continue;
                };
                if let Some(earlier) = guard_incident::Entity::find_by_id(first).one(db).await? {
                    return Ok((hold_since(state, earlier, credential, since).await?, false));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(DbErr::Custom(
        "the credential's incident changed while it tripped".into(),
    ))
}

/// Has open incident `id` hold the credential's changes since `since` that none holds yet:
/// those of its burst, or one a concurrent request judged before the trip and recorded
/// after it, so that the undo brings it back too.
pub async fn absorb(
    state: &AppState,
    id: i64,
    credential: &Credential,
    since: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(incident) = guard_incident::Entity::find_by_id(id)
        .one(&state.db)
        .await?
    {
        hold_since(state, incident, credential, since).await?;
    }
    Ok(())
}

/// Claims the credential's free changes since `since` for `incident` and counts them.
async fn hold_since(
    state: &AppState,
    incident: guard_incident::Model,
    credential: &Credential,
    since: DateTime<Utc>,
) -> Result<guard_incident::Model, DbErr> {
    counting::claim(&state.db, credential, since, incident.id).await?;
    Ok(recount(&state.db, incident).await?.0)
}

/// Counts the changes `incident` holds into it, and answers them (oldest first).
pub async fn recount(
    db: &impl ConnectionTrait,
    incident: guard_incident::Model,
) -> Result<(guard_incident::Model, Vec<guard_change::Model>), DbErr> {
    let changes = counting::of_incident(db, incident.id).await?;
    let count = |action: &str| changes.iter().filter(|c| c.action == action).count() as i32;
    let mut active = incident.into_active_model();
    active.deleted = Set(count("delete"));
    active.overwritten = Set(count("overwrite"));
    active.renamed = Set(count("rename"));
    if let Some(first) = changes.first() {
        active.started_at = Set(first.at);
    }
    if let Some(last) = changes.last() {
        active.last_at = Set(last.at);
    }
    Ok((active.update(db).await?, changes))
}

/// How many of the user's incidents still stop a credential.
pub async fn open_count(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    guard_incident::Entity::find()
        .filter(guard_incident::Column::UserId.eq(user_id))
        .filter(guard_incident::Column::State.is_in([state::OPEN, state::UNDOING]))
        .count(db)
        .await
}

/// The states an incident may be in, in the order it goes through them.
pub const STATES: &[&str] = &[state::OPEN, state::UNDOING, state::UNDONE, state::RELEASED];

/// The incidents of `user_id` (every user's for `None`), those in state `only` if given,
/// newest first: one page (from 1) and the total.
pub async fn page(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    only: Option<&str>,
    page: u64,
    page_size: u64,
) -> Result<(Vec<guard_incident::Model>, u64), DbErr> {
    let mut query = guard_incident::Entity::find();
    if let Some(user_id) = user_id {
        query = query.filter(guard_incident::Column::UserId.eq(user_id));
    }
    if let Some(wanted) = only {
        query = query.filter(guard_incident::Column::State.eq(wanted));
    }
    let pages = query
        .order_by_desc(guard_incident::Column::Id)
        .paginate(db, page_size.max(1));
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page.saturating_sub(1)).await?, total))
}

/// The incident `id`, when `user_id` owns it (any user's for `None`).
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: Option<i64>,
) -> Result<Option<guard_incident::Model>, DbErr> {
    Ok(guard_incident::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| user_id.is_none_or(|u| i.user_id == u)))
}

/// Moves the incident from `from` to `to` (and sets its undo task); false when it was not
/// in `from` any more (another request got there first).
pub async fn transition(
    state: &AppState,
    incident: &guard_incident::Model,
    from: &[&str],
    to: &str,
    undo_task: Option<i64>,
    result: Option<Value>,
) -> Result<bool, DbErr> {
    let mut update = guard_incident::Entity::update_many()
        .col_expr(guard_incident::Column::State, to.into())
        .col_expr(guard_incident::Column::UpdatedAt, Utc::now().into())
        .filter(guard_incident::Column::Id.eq(incident.id))
        .filter(guard_incident::Column::State.is_in(from.iter().copied()));
    if let Some(task) = undo_task {
        update = update.col_expr(guard_incident::Column::UndoTaskId, task.into());
    }
    if let Some(result) = result {
        update = update.col_expr(guard_incident::Column::Result, result.into());
    }
    let done = update.exec(&state.db).await?.rows_affected == 1;
    if done && (to == state::UNDONE || to == state::RELEASED) {
        let credential = credential_of(incident);
        if let Some(credential) = credential {
            remember(state, &credential, None);
        }
    }
    Ok(done)
}

/// The credential an incident names.
pub fn credential_of(incident: &guard_incident::Model) -> Option<Credential> {
    let kind = crate::caller::CredentialKind::parse(&incident.cred_kind)?;
    Some(Credential::new(
        kind,
        &incident.cred_id,
        &incident.cred_name,
    ))
}
