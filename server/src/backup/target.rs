//! A backup target's settings and its driver. A target is built like a storage policy of its
//! type and through the same drivers: `local` writes under `settings.path`; `s3` and `oss`
//! take the policy's bucket fields (`server`, `bucket_name`, `access_key`, `secret_key`) and
//! its driver settings (`region`, `s3_path_style`, ...) from `settings`; `remote` takes the
//! slave node `settings.node_id`. Secrets ([`SECRETS`]) are write-only.

use std::{path::PathBuf, sync::Arc};

use serde_json::{Map, Value};
use stratus_entity::{backup_target, storage_policy};

use super::BackupError;
use crate::{
    admin::policy_check,
    state::AppState,
    storage::{DriverRegistry, LocalDriver, StorageDriver},
};

/// Target types.
pub const TYPES: &[&str] = &[
    backup_target::kind::LOCAL,
    backup_target::kind::S3,
    backup_target::kind::OSS,
    backup_target::kind::REMOTE,
];

/// Settings never answered back; an edit that leaves one out keeps the stored value.
pub const SECRETS: &[&str] = &["secret_key"];

/// Settings that are columns of a storage policy rather than its `settings`.
const POLICY_FIELDS: &[&str] = &["server", "bucket_name", "access_key", "secret_key"];

/// Checks `settings` for a target of type `kind`; the error names the field.
pub fn check(kind: &str, settings: &Value) -> Result<(), BackupError> {
    if !TYPES.contains(&kind) {
        return Err(BackupError::invalid(format!(
            "type: must be one of {}",
            TYPES.join(", ")
        )));
    }
    let Some(map) = settings.as_object() else {
        return Err(BackupError::invalid("settings: must be an object"));
    };
    match kind {
        backup_target::kind::LOCAL => {
            let path = map.get("path").and_then(Value::as_str).unwrap_or("");
            if path.trim().is_empty() || !PathBuf::from(path).is_absolute() {
                return Err(BackupError::invalid(
                    "settings.path: a local target needs an absolute folder path",
                ));
            }
            if let Some(other) = map.keys().find(|k| *k != "path") {
                return Err(BackupError::invalid(format!(
                    "settings.{other}: not a setting of a local target"
                )));
            }
            Ok(())
        }
        _ => policy_check::check(&as_policy(kind, map))
            .map_err(|e| BackupError::Invalid(e.to_string())),
    }
}

/// The storage policy a bucket or node target stands for, for the policy checks and drivers.
fn as_policy(kind: &str, map: &Map<String, Value>) -> storage_policy::Model {
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let settings: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !POLICY_FIELDS.contains(&k.as_str()) && *k != "node_id")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let now = chrono::Utc::now();
    storage_policy::Model {
        // Not a row: a bucket target stages chunked writes under a folder of its own.
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        name: "backup target".into(),
        r#type: kind.to_owned(),
        server: text("server"),
        bucket_name: text("bucket_name"),
        is_private: true,
        access_key: text("access_key"),
        secret_key: text("secret_key"),
        max_size: 0,
        dir_name_rule: String::new(),
        file_name_rule: "{uuid}".into(),
        settings: Value::Object(settings),
        node_id: map.get("node_id").and_then(Value::as_i64),
    }
}

/// A fresh driver for a target of type `kind` with `settings`.
pub async fn driver(
    state: &AppState,
    kind: &str,
    settings: &Value,
) -> Result<Arc<dyn StorageDriver>, BackupError> {
    driver_with(&state.storage, kind, settings).await
}

/// [`driver`] through `registry`: also for `stratus restore`, which reads a target before any
/// server state exists.
pub async fn driver_with(
    registry: &DriverRegistry,
    kind: &str,
    settings: &Value,
) -> Result<Arc<dyn StorageDriver>, BackupError> {
    let empty = Map::new();
    let map = settings.as_object().unwrap_or(&empty);
    if kind == backup_target::kind::LOCAL {
        let path = map.get("path").and_then(Value::as_str).unwrap_or("");
        if path.is_empty() {
            return Err(BackupError::invalid("settings.path: missing"));
        }
        return Ok(Arc::new(LocalDriver::new(PathBuf::from(path))));
    }
    Ok(registry.build(&as_policy(kind, map)).await?)
}

/// `settings` as answered: without its secrets.
pub fn public_settings(settings: &Value) -> Value {
    match settings {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !SECRETS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `given` settings of an edit, with the stored secrets it leaves out or empty.
pub fn keep_secrets(given: Value, stored: &Value) -> Value {
    let Value::Object(mut map) = given else {
        return given;
    };
    for key in SECRETS {
        let empty = map
            .get(*key)
            .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
        if empty {
            match stored.get(*key) {
                Some(v) => map.insert((*key).to_owned(), v.clone()),
                None => map.remove(*key),
            };
        }
    }
    Value::Object(map)
}

/// The free space of a local target's file system, in bytes; `None` for other types or where
/// it cannot be told.
pub fn free_space(kind: &str, settings: &Value) -> Option<u64> {
    if kind != backup_target::kind::LOCAL {
        return None;
    }
    let mut dir = PathBuf::from(settings.get("path")?.as_str()?);
    // The folder may not exist yet: its nearest existing parent is on the same file system
    // unless a mount lies between, which a first write would create anyway.
    loop {
        if dir.exists() {
            break;
        }
        if !dir.pop() {
            return None;
        }
    }
    let stat = rustix::fs::statvfs(&dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize.max(1)))
}
