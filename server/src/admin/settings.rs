//! Reading and changing site settings. Secrets are never read back. A change is checked key
//! by key before anything is saved, so a batch with one bad value changes nothing; saved
//! values drop this instance's settings cache at once, and other instances see them when
//! their cache expires ([`crate::settings::CACHE_TTL`]). Switching search or a media metadata
//! reader on queues the work it implies on existing files.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Actor, AdminError, audit, settings_schema};
use crate::{
    auth::sign_in::oidc::providers as oidc_providers, settings::parse_bool, state::AppState, users,
};

/// The current values of `keys`, leaving out secrets and names that are not settings.
pub async fn read(
    state: &AppState,
    keys: &[String],
) -> Result<BTreeMap<String, String>, AdminError> {
    let all = state.settings.all().await?;
    Ok(keys
        .iter()
        .filter(|k| settings_schema::kind_of(k).is_some() && !settings_schema::is_secret(k))
        .filter_map(|k| all.get(k).map(|v| (k.clone(), shown(k, v))))
        .collect())
}

/// A value as the read route and the audit log show it: the OpenID Connect providers with
/// their secrets blank.
fn shown(key: &str, value: &str) -> String {
    if settings_schema::kind_of(key) == Some(settings_schema::Kind::OidcProviders) {
        oidc_providers::redact(value)
    } else {
        value.to_owned()
    }
}

/// Checks and saves `values`; answers what was saved, secrets left out.
pub async fn patch(
    state: &AppState,
    actor: &Actor,
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AdminError> {
    if values.is_empty() {
        return Err(AdminError::invalid("settings: nothing to change"));
    }
    for (key, value) in values {
        settings_schema::check(key, value).map_err(AdminError::Invalid)?;
    }
    if let Some(group) = values.get("default_group") {
        check_default_group(state, group.trim().parse().unwrap_or_default()).await?;
    }
    if let Some(list) = values.get("guard_exempt_groups") {
        check_exempt_groups(state, list).await?;
    }
    let before = state.settings.all().await?;
    // A provider saved with a blank secret keeps the one it has (the read route never shows it).
    let values: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| match settings_schema::kind_of(k) {
            Some(settings_schema::Kind::OidcProviders) => {
                let old = before.get(k).map(String::as_str).unwrap_or_default();
                (k.clone(), oidc_providers::keep_secrets(v, old))
            }
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let values = &values;
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    state.settings.set(&pairs).await?;

    let mut changes = Map::new();
    for (key, value) in values {
        let old = before.get(key).cloned().unwrap_or_default();
        if &old == value {
            continue;
        }
        let change = if settings_schema::is_secret(key) {
            json!({ "from": set_or_empty(&old), "to": set_or_empty(value) })
        } else {
            json!({ "from": shown(key, &old), "to": shown(key, value) })
        };
        changes.insert(key.clone(), change);
    }
    if !changes.is_empty() {
        audit::record(
            state,
            actor,
            "setting",
            None,
            "update",
            Value::Object(changes),
        )
        .await;
    }
    start_what_was_switched_on(state, actor, &before).await;
    Ok(values
        .iter()
        .filter(|(k, _)| !settings_schema::is_secret(k))
        .map(|(k, v)| (k.clone(), shown(k, v)))
        .collect())
}

/// Work a change leaves to do on what exists: turning search on indexes the files stored
/// while it was off (a full rebuild), turning a media metadata reader on reads the files it
/// takes (a backfill); both are tasks with progress. Best effort: the settings stay saved
/// when queuing fails (logged), and the rebuild can still be started by hand.
async fn start_what_was_switched_on(
    state: &AppState,
    actor: &Actor,
    before: &std::collections::HashMap<String, String>,
) {
    let after = match state.settings.all().await {
        Ok(after) => after,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the settings just saved");
            return;
        }
    };
    let on = |m: &std::collections::HashMap<String, String>| {
        m.get("fts_enabled").is_some_and(|v| parse_bool(v))
    };
    if !on(before)
        && on(&after)
        && let Err(e) = crate::fts::rebuild::submit_unless_running(state, actor.id()).await
    {
        tracing::warn!(error = %e, "cannot queue the full-text rebuild");
    }
    let exts = crate::media_meta::backfill::newly_read(before, &after);
    if !exts.is_empty()
        && let Err(e) = crate::media_meta::backfill::submit(state, actor.id(), exts).await
    {
        tracing::warn!(error = %e, "cannot queue the media metadata backfill");
    }
}

/// What the audit log says of a secret: whether it is set.
fn set_or_empty(value: &str) -> &'static str {
    if value.is_empty() { "" } else { "<secret>" }
}

/// New accounts join the default group: it must exist and not be the anonymous group.
async fn check_default_group(state: &AppState, id: i64) -> Result<(), AdminError> {
    if id == users::ANONYMOUS_GROUP {
        return Err(AdminError::invalid(
            "default_group: new accounts cannot join the anonymous group",
        ));
    }
    if group_exists(state, id).await? {
        Ok(())
    } else {
        Err(AdminError::invalid(format!(
            "default_group: there is no group {id}"
        )))
    }
}

/// The guard's exempt groups must exist: an id of a deleted or mistyped group would exempt
/// nobody, silently (the format was checked by the settings schema).
async fn check_exempt_groups(state: &AppState, list: &str) -> Result<(), AdminError> {
    for id in crate::settings::id_list::parse(list).map_err(AdminError::Invalid)? {
        if !group_exists(state, id).await? {
            return Err(AdminError::invalid(format!(
                "guard_exempt_groups: there is no group {id}"
            )));
        }
    }
    Ok(())
}

/// Whether group `id` exists and is not deleted.
async fn group_exists(state: &AppState, id: i64) -> Result<bool, AdminError> {
    use sea_orm::EntityTrait;
    Ok(stratus_entity::group::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .is_some_and(|g| g.deleted_at.is_none()))
}
