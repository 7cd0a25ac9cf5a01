//! The guard against mass deletion and ransomware. Every destructive change (a delete or
//! move to the trash, an overwrite, a rename that changes the extension) made through a
//! credential (a WebDAV account, an app password, an OAuth client, an S3 key, and web sessions
//! when `guard_web_sessions` is on) is announced by the file system before it happens
//! (`fs::watch`), counted in `guard_changes` ([`counting`]) and weighed ([`names`]: noise over
//! readable content and ransomware-looking names count more). When the credential's changes
//! within `guard_burst_seconds` pass `guard_burst_files`, an incident opens ([`incidents`]):
//! that change and every later write of the credential are refused, its reads and the user's
//! other credentials go on, the user and the administrators are told ([`tell`]), and one undo
//! ([`undo`]) brings back what the credential deleted, overwrote or renamed since its burst
//! began. See `docs/guard.md`.

pub mod counting;
pub mod incidents;
pub mod names;
mod recorder;
pub mod settings;
pub mod tell;
pub mod undo;

use std::sync::Arc;

use chrono::{Duration, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{DbErr, EntityTrait};
use stratus_entity::{guard_incident, user};

use crate::{
    caller::{Credential, SignedIn},
    fs::{
        error::FsError,
        watch::{Action, Change, Record, Watch},
    },
    state::AppState,
};
use settings::GuardSettings;

/// How much a ransomware-looking change counts.
pub const SUSPICIOUS_WEIGHT: i32 = 3;

/// The guard as the file system's watcher.
pub struct Guard;

/// Hands the guard to the file system; done once, at start.
pub fn provide(state: &AppState) {
    crate::fs::watch::provide(state, Arc::new(Guard));
}

impl Watch for Guard {
    fn before<'a>(
        &'a self,
        state: &'a AppState,
        who: &'a SignedIn,
        change: Change,
    ) -> BoxFuture<'a, Result<(), FsError>> {
        Box::pin(judge(state, who, change))
    }

    fn decide<'a>(
        &'a self,
        state: &'a AppState,
        who: &'a SignedIn,
        change: Change,
    ) -> BoxFuture<'a, Result<Option<Record>, FsError>> {
        Box::pin(decide(state, who, change))
    }

    fn watches<'a>(&'a self, state: &'a AppState, who: &'a SignedIn) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let Some(credential) = &who.credential else {
                return false;
            };
            match GuardSettings::read(state).await {
                Ok(s) => s.watches(credential.kind, who.group.id),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the guard's settings");
                    false
                }
            }
        })
    }
}

/// Records `change` by `who`, or refuses it: the credential is stopped already, or this
/// change takes its burst past the threshold (which opens an incident).
async fn judge(state: &AppState, who: &SignedIn, change: Change) -> Result<(), FsError> {
    let Some(record) = decide(state, who, change).await? else {
        return Ok(());
    };
    recorder::Recorder::of(state).record(record).await?;
    // A concurrent change of the same credential may have tripped it since this one was
    // judged: the incident holds this change too.
    if let Some(credential) = &who.credential
        && let Some(id) = incidents::open_for(state, credential).await?
    {
        let settings = GuardSettings::read(state).await?;
        let since = Utc::now() - Duration::seconds(settings.burst_seconds);
        incidents::absorb(state, id, credential, since).await?;
    }
    Ok(())
}

/// Refuses `change` by `who` (see [`judge`]), or answers the row that records it, counted
/// already in this instance's estimate; `None` when the change is not watched. Stored late,
/// or not at all when the change then fails, the row is missing from the window's sum for that
/// moment only; undo claims what was recorded just after a trip.
async fn decide(
    state: &AppState,
    who: &SignedIn,
    change: Change,
) -> Result<Option<Record>, FsError> {
    let Some(credential) = &who.credential else {
        return Ok(None);
    };
    let settings = GuardSettings::read(state).await?;
    if !settings.watches(credential.kind, who.group.id) {
        return Ok(None);
    }
    let weight = weigh(&change);
    let now = Utc::now();
    let since = now - Duration::seconds(settings.burst_seconds);
    // Far below the threshold, this instance's estimate and its cache of incidents answer (an
    // incident opened on another instance is seen within the cache's second); nearer, the
    // database does.
    if counting::surely_under(state, credential, weight, settings.burst_files) {
        if incidents::open_for(state, credential).await?.is_some() {
            return Err(FsError::Guarded(refusal(credential)));
        }
    } else {
        if incidents::open_now(state, credential).await?.is_some() {
            return Err(FsError::Guarded(refusal(credential)));
        }
        let sum = counting::window_sum(&state.db, credential, since).await? + i64::from(weight);
        if sum > settings.burst_files {
            return Err(stop(state, who, credential, since).await?);
        }
        counting::estimate(state, credential, sum);
    }
    Ok(Some(counting::row(counting::Recorded {
        user_id: who.user.id,
        credential,
        at: now,
        weight,
        action: change.action.name(),
        file_id: change.file_id,
        path: &change.path,
        old_name: change.old_name,
        previous_entity: change.previous_entity,
    })))
}

/// Opens (or joins, when a concurrent change of the credential tripped it a moment ago) the
/// credential's incident: the refusal of the change that tripped it.
async fn stop(
    state: &AppState,
    who: &SignedIn,
    credential: &Credential,
    since: chrono::DateTime<Utc>,
) -> Result<FsError, FsError> {
    let (incident, new) = incidents::trip(state, who.user.id, credential, since).await?;
    if new {
        tracing::warn!(
            user = who.user.id,
            credential = credential.kind.name(),
            incident = incident.id,
            "the guard against mass deletion stopped a credential"
        );
        tell::tripped(state, who, &incident).await;
    }
    Ok(FsError::Guarded(refusal(credential)))
}

/// How much `change` counts: one per file, more when it looks like ransomware at work.
fn weigh(change: &Change) -> i32 {
    let name = change.path.rsplit('/').next().unwrap_or_default();
    let files = i32::try_from(change.files).unwrap_or(i32::MAX).max(1);
    match change.action {
        // A purge weighs as much as the delete it makes final (a kept version's, 1).
        Action::Delete | Action::Purge => files,
        Action::Rename if names::suspicious_name(name) => SUSPICIOUS_WEIGHT,
        Action::Rename => 1,
        Action::Overwrite => {
            let noise = change.sample.as_deref().is_some_and(names::is_noise);
            // Noise over a file whose type is not compressed: readable content encrypted.
            if names::suspicious_name(name) || (noise && !names::compressed_type(name)) {
                SUSPICIOUS_WEIGHT
            } else {
                1
            }
        }
    }
}

/// Why a stopped credential's write is refused, for a person.
pub fn refusal(credential: &Credential) -> String {
    format!(
        "Stopped by the guard against mass deletion: this {} (\"{}\") deleted or changed many \
         files in a short time, so its changes are paused. Review them in the web UI (Settings \
         > Security incidents): undo them all, or confirm it was you to let it write again.",
        describe(credential),
        credential.name
    )
}

/// The kind of a credential, for a person.
pub fn describe(credential: &Credential) -> &'static str {
    use crate::caller::CredentialKind::*;
    match credential.kind {
        Webdav => "WebDAV account",
        AppPassword => "sync device",
        Oauth => "app",
        S3Key => "S3 key",
        Session => "web session",
    }
}

/// The refusal for a write by `who` when its credential is stopped; `None` when it may
/// write. The one answer to "may this credential write, or delete for good?" that every door
/// asks before it touches anything: `/dav` (423), the Nextcloud paths with their chunked
/// uploads, trash bin and versions (403), the API (40090) and S3 (`AccessDenied`). The file
/// system's own judgement of each destructive change ([`decide`]) refuses the same.
pub async fn stopped(state: &AppState, who: &SignedIn) -> Option<String> {
    let credential = who.credential.as_ref()?;
    match incidents::open_for(state, credential).await {
        Ok(Some(_)) => Some(refusal(credential)),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the guard's incidents");
            None
        }
    }
}

/// Whether `who` may undo or release an incident: a person at a web session (an
/// administrator too, on the admin routes), never an OAuth app, an app password or another
/// credential the guard stops: a stopped app must not let itself go.
pub fn may_decide(who: &SignedIn) -> bool {
    who.oauth.is_none()
        && who
            .credential
            .as_ref()
            .is_none_or(|c| c.kind == crate::caller::CredentialKind::Session)
}

/// One change of an incident, as shown.
pub type RecordedChange = stratus_entity::guard_change::Model;

/// An incident with its changes (oldest first) and, for administrators, its owner's address.
pub struct GuardIncident {
    pub row: guard_incident::Model,
    pub changes: Vec<RecordedChange>,
    pub user_email: Option<String>,
}

async fn with_changes(
    state: &AppState,
    row: guard_incident::Model,
) -> Result<GuardIncident, DbErr> {
    let changes = counting::of_incident(&state.db, row.id).await?;
    let user_email = user::Entity::find_by_id(row.user_id)
        .one(&state.db)
        .await?
        .map(|u| u.email);
    Ok(GuardIncident {
        row,
        changes,
        user_email,
    })
}

/// The incident `id`, when `owner` owns it (any user's for `None`).
pub async fn one(
    state: &AppState,
    id: i64,
    owner: Option<i64>,
) -> Result<Option<GuardIncident>, DbErr> {
    match incidents::find(&state.db, id, owner).await? {
        Some(row) => Ok(Some(with_changes(state, row).await?)),
        None => Ok(None),
    }
}

/// The incidents of `user_id` (every user's for `None`), those in state `only` if given,
/// newest first: a page and the total.
pub async fn page(
    state: &AppState,
    user_id: Option<i64>,
    only: Option<&str>,
    page: u64,
    size: u64,
) -> Result<(Vec<GuardIncident>, u64), DbErr> {
    let (rows, total) = incidents::page(&state.db, user_id, only, page, size).await?;
    let mut out = Vec::new();
    for row in rows {
        out.push(with_changes(state, row).await?);
    }
    Ok((out, total))
}

/// "It was me": the incident's credential may write again. False when it was not open.
pub async fn release(
    state: &AppState,
    incident: &guard_incident::Model,
    by: i64,
) -> Result<bool, DbErr> {
    use guard_incident::state as s;
    let done = incidents::transition(state, incident, &[s::OPEN], s::RELEASED, None, None).await?;
    if done {
        tell::released(state, incident, by).await;
    }
    Ok(done)
}

/// How many of the user's incidents still stop a credential (the web UI's banner).
pub async fn open_count(state: &AppState, user_id: i64) -> Result<u64, DbErr> {
    incidents::open_count(&state.db, user_id).await
}

/// Deletes the recorded changes past the burst window that no incident holds (run by the
/// periodic trash job).
pub async fn prune(state: &AppState) -> Result<u64, DbErr> {
    let settings = GuardSettings::read(state).await?;
    counting::prune(
        &state.db,
        Duration::seconds(settings.burst_seconds.max(60) * 2),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_count_their_files_and_noise_counts_more() {
        let mut delete = Change::new(Action::Delete, 1, "cloudreve://my/a");
        delete.files = 40;
        assert_eq!(weigh(&delete), 40);
        let rename = Change::new(Action::Rename, 1, "cloudreve://my/a.txt.locked");
        assert_eq!(weigh(&rename), SUSPICIOUS_WEIGHT);
        let mut over = Change::new(Action::Overwrite, 1, "cloudreve://my/a.txt");
        assert_eq!(weigh(&over), 1);
        let mut x: u32 = 7;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        over.sample = Some(noise.into());
        assert_eq!(weigh(&over), SUSPICIOUS_WEIGHT);
        over.path = "cloudreve://my/a.zip".into();
        assert_eq!(weigh(&over), 1);
    }
}
