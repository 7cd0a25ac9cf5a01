//! The database part of an `instance` record.

use super::run_log::RunLog;
use crate::{
    queue::{TaskCtx, TaskError},
    storage::StorageDriver,
};

/// Writes the database dump of record `record` to the target; answers its file name in the
/// record's folder, or `None` when this build has no dump to write.
pub async fn write(
    ctx: &TaskCtx,
    log: &RunLog,
    driver: &dyn StorageDriver,
    record: &str,
) -> Result<Option<String>, TaskError> {
    let _ = (driver, record);
    log.line(ctx, "database dump: not available in this build")
        .await;
    Ok(None)
}
