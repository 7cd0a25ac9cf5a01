//! Audit events of administrator changes: who (the administrator and their address), what
//! (the kind of object and its id), and what changed (old and new values). Secrets are never
//! written: a password, key or token shows only whether it is set.

use serde_json::{Map, Value, json};

use super::Actor;
use crate::{events, state::AppState};

/// Field and setting names whose values are secret, wherever they appear.
const SECRET_KEYS: &[&str] = &[
    "password",
    "two_factor_secret",
    "secret_key",
    "hash_id_salt",
    "smtpPass",
    "captcha_ReCaptchaSecret",
    "captcha_turnstile_site_secret",
    "captcha_cap_key_secret",
    "captcha_cap_secret_key",
    "encrypt_master_key",
    "fts_meilisearch_api_key",
    "media_meta_geocoding_mapbox_ak",
    "logto_config",
    "qq_login_config",
    "slave_key",
    "token",
    "credential",
    "secret",
];

/// Whether values named `key` are secret.
pub fn is_secret(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

/// What a secret value is written as: whether it is set, never the value.
const MASK: &str = "<secret>";

fn mask_value(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::String(s) if s.is_empty() => Value::String(String::new()),
        _ => Value::String(MASK.to_owned()),
    }
}

/// `value` with every secret field (at any depth) masked.
pub fn masked(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret(k) {
                        mask_value(v)
                    } else {
                        masked(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(masked).collect()),
        other => other.clone(),
    }
}

/// The fields of two objects that differ, as `{field: {"from": old, "to": new}}`, secrets
/// masked (a changed secret shows as changed, without either value). Bookkeeping fields
/// (`updated_at`) are left out.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    let keys = old
        .keys()
        .chain(new.keys().filter(|k| !old.contains_key(*k)));
    for key in keys {
        if key == "updated_at" {
            continue;
        }
        let (a, b) = (
            old.get(key).unwrap_or(&Value::Null),
            new.get(key).unwrap_or(&Value::Null),
        );
        if a == b {
            continue;
        }
        let change = if is_secret(key) {
            json!({ "from": mask_value(a), "to": mask_value(b) })
        } else {
            json!({ "from": masked(a), "to": masked(b) })
        };
        changes.insert(key.clone(), change);
    }
    Value::Object(changes)
}

/// Records one administrator change of `target` (`"group"`, `"user"`, `"setting"`...).
/// `details` is already masked by the caller ([`diff`] or [`masked`]).
pub async fn record(
    state: &AppState,
    actor: &Actor,
    target: &str,
    id: Option<i64>,
    action: &str,
    details: Value,
) {
    let mut content = json!({ "target": target, "action": action, "changes": details });
    if let Some(id) = id {
        content["id"] = json!(id);
    }
    events::record(
        &state.db,
        events::kind::ADMIN_CHANGE,
        Some(actor.id()),
        &actor.client,
        Some(content),
    )
    .await;
}

/// Records an update of `target` from `before` to `after` (rows), unless nothing changed.
pub async fn record_update(
    state: &AppState,
    actor: &Actor,
    target: &str,
    id: i64,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) {
    let changes = diff(&row_json(before), &row_json(after));
    if changes.as_object().is_some_and(|c| !c.is_empty()) {
        record(state, actor, target, Some(id), "update", changes).await;
    }
}

/// The JSON of a row, for [`diff`] and [`masked`].
pub fn row_json(row: &impl serde::Serialize) -> Value {
    serde_json::to_value(row).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let row = json!({"name": "s3", "secret_key": "abc", "settings": {"token": "t", "region": "x"},
                         "list": [{"password": ""}]});
        let out = masked(&row);
        assert_eq!(out["secret_key"], MASK);
        assert_eq!(out["settings"]["token"], MASK);
        assert_eq!(out["settings"]["region"], "x");
        assert_eq!(out["list"][0]["password"], "");
        assert_eq!(out["name"], "s3");
    }

    #[test]
    fn diffs_name_changed_fields_only() {
        let a = json!({"name": "a", "max_storage": 1, "password": "old", "updated_at": 1});
        let b = json!({"name": "b", "max_storage": 1, "password": "new", "updated_at": 2});
        let d = diff(&a, &b);
        assert_eq!(d["name"], json!({"from": "a", "to": "b"}));
        assert_eq!(d["password"], json!({"from": MASK, "to": MASK}));
        assert!(d.get("max_storage").is_none());
        assert!(d.get("updated_at").is_none());
    }
}
