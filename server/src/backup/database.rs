//! The database part of an `instance` record: the portable dump (`dump::export_to_file`)
//! taken into the data dir's temporary folder, then streamed to the record's folder on the
//! target as `database.jsonl.gz`. It is taken before the blobs are listed, so every blob a
//! row of the dump names was stored when the run listed what to copy.

use super::{copy, dump, layout, run_log::RunLog};
use crate::{
    queue::{LogLine, TaskCtx, TaskError},
    storage::StorageDriver,
};

/// Writes the database dump of record `record` to the target; answers its file name in the
/// record's folder and its size.
pub async fn write(
    ctx: &TaskCtx,
    log: &RunLog,
    driver: &dyn StorageDriver,
    record: &str,
) -> Result<(String, u64), TaskError> {
    let fatal = |e: String| TaskError::Fatal(e);
    let temp = ctx
        .state
        .temp_dir()
        .await
        .map_err(|e| fatal(e.to_string()))?;
    tokio::fs::create_dir_all(&temp)
        .await
        .map_err(|e| fatal(e.to_string()))?;
    let path = temp.join(format!("backup-database-{record}.jsonl.gz"));
    log.line(ctx, LogLine::new("backup.dumping")).await;
    let summary = dump::export_to_file(&ctx.state.db, &path)
        .await
        .map_err(|e| fatal(format!("dumping the database: {e}")))?;
    let outcome = async {
        let len = tokio::fs::metadata(&path)
            .await
            .map_err(|e| fatal(e.to_string()))?
            .len();
        copy::put_file(
            driver,
            &layout::record_key(record, layout::DATABASE),
            &path,
            len,
        )
        .await
        .map_err(|e| fatal(format!("writing the database dump to the target: {e}")))?;
        Ok::<u64, TaskError>(len)
    }
    .await;
    let _ = tokio::fs::remove_file(&path).await;
    let len = outcome?;
    log.line(
        ctx,
        LogLine::new("backup.dumped")
            .arg("rows", summary.rows)
            .arg("tables", summary.tables.len())
            .arg("bytes", len),
    )
    .await;
    Ok((layout::DATABASE.to_owned(), len))
}
