//! A backup target described in a file, as the admin API takes it: `{"type", "settings"}`.

use std::{path::Path, sync::Arc};

use serde::Deserialize;
use serde_json::Value;
use stratus_entity::storage_policy::kind;

use super::RestoreError;
use crate::{
    backup::target,
    storage::{DriverRegistry, StorageDriver},
};

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

/// A driver for the target, built as the backup engine builds it ([`target::driver_with`]):
/// a `local` target's folder is `settings.path`; bucket targets take the fields of a storage
/// policy of their type. `registry` builds bucket drivers (their staging folder lies in its
/// data dir). A `remote` target needs the database's node rows, which a restore does not have
/// yet.
pub async fn open_target(
    target: &TargetFile,
    registry: &DriverRegistry,
) -> Result<Arc<dyn StorageDriver>, RestoreError> {
    if !matches!(target.r#type.as_str(), kind::LOCAL | kind::S3 | kind::OSS) {
        return Err(RestoreError::Target(format!(
            "type {:?}: a restore reads from a local, s3 or oss target",
            target.r#type
        )));
    }
    target::driver_with(registry, &target.r#type, &target.settings)
        .await
        .map_err(|e| RestoreError::Target(e.to_string()))
}
