//! A backup target described in a file, as the admin API takes it: `{"type", "settings"}`.

use std::{path::Path, sync::Arc};

use serde::Deserialize;
use serde_json::{Map, Value};
use stratus_entity::storage_policy::{self, kind};

use super::RestoreError;
use crate::storage::{DriverRegistry, LocalDriver, StorageDriver};

/// The contents of a target file.
#[derive(Debug, Clone, Deserialize)]
pub struct TargetFile {
    pub r#type: String,
    #[serde(default)]
    pub settings: Value,
}

impl TargetFile {
    pub fn read(path: &Path) -> Result<Self, RestoreError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RestoreError::Target(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            RestoreError::Target(format!(
                "{}: expected {{\"type\": …, \"settings\": {{…}}}}: {e}",
                path.display()
            ))
        })
    }
}

/// A driver for the target: a `local` target's folder is `settings.path`; bucket targets take
/// the fields of a storage policy of their type (`server`, `bucket_name`, `access_key`,
/// `secret_key`, and driver settings such as `region` and `s3_path_style`). `registry` builds
/// bucket drivers (their staging folder lies in its data dir).
pub async fn open_target(
    target: &TargetFile,
    registry: &DriverRegistry,
) -> Result<Arc<dyn StorageDriver>, RestoreError> {
    let empty = Map::new();
    let map = target.settings.as_object().unwrap_or(&empty);
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match target.r#type.as_str() {
        kind::LOCAL => {
            let path = text("path");
            if path.is_empty() {
                return Err(RestoreError::Target(
                    "settings.path: a local target needs its folder".into(),
                ));
            }
            Ok(Arc::new(LocalDriver::new(path.into())))
        }
        kind::S3 | kind::OSS => {
            let settings: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| {
                    !["server", "bucket_name", "access_key", "secret_key"].contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let now = chrono::Utc::now();
            let policy = storage_policy::Model {
                id: 0,
                created_at: now,
                updated_at: now,
                deleted_at: None,
                name: "backup target".into(),
                r#type: target.r#type.clone(),
                server: text("server"),
                bucket_name: text("bucket_name"),
                is_private: true,
                access_key: text("access_key"),
                secret_key: text("secret_key"),
                max_size: 0,
                dir_name_rule: String::new(),
                file_name_rule: "{uuid}".into(),
                settings: Value::Object(settings),
                node_id: None,
            };
            registry
                .build(&policy)
                .await
                .map_err(|e| RestoreError::Target(e.to_string()))
        }
        other => Err(RestoreError::Target(format!(
            "type {other:?}: a restore reads from a local, s3 or oss target"
        ))),
    }
}
