//! The records a target holds, read from their manifests' header lines.

use std::io::Write;

use futures_util::StreamExt;
use serde_json::Value;

use super::{MANIFEST, RECORDS, RestoreError, record_key};
use crate::storage::{StorageDriver, StorageError};

/// A record on a target, as its manifest's header describes it.
#[derive(Debug, Clone)]
pub struct RecordInfo {
    /// The record's folder name on the target.
    pub name: String,
    /// `instance`, `users` or `folder`.
    pub kind: String,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The task that wrote it (`task.name`), if the header says.
    pub task: Option<String>,
    /// Bytes of the manifest.
    pub manifest_size: u64,
    /// The whole header line.
    pub header: Value,
}

/// Every complete record on the target (those whose manifest exists), oldest first.
pub async fn list_records(target: &dyn StorageDriver) -> Result<Vec<RecordInfo>, RestoreError> {
    let mut out = Vec::new();
    for object in target.list(RECORDS).await? {
        let Some(rest) = object.key.strip_prefix(RECORDS) else {
            continue;
        };
        let Some((name, file)) = rest.split_once('/') else {
            continue;
        };
        if file != MANIFEST {
            continue;
        }
        let header = read_header(target, name).await?;
        out.push(RecordInfo {
            name: name.to_owned(),
            kind: header["kind"].as_str().unwrap_or_default().to_owned(),
            created_at: header["created_at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.to_utc()),
            task: header["task"]["name"].as_str().map(str::to_owned),
            manifest_size: object.size,
            header,
        });
    }
    out.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
    Ok(out)
}

/// The header line of record `name`'s manifest. Reads only as much of the manifest as the
/// first line needs.
pub async fn read_header(target: &dyn StorageDriver, name: &str) -> Result<Value, RestoreError> {
    let bad = |why: String| RestoreError::Manifest {
        record: name.to_owned(),
        why,
    };
    let object = match target.get(&record_key(name, MANIFEST), None).await {
        Err(StorageError::NotFound) => {
            return Err(RestoreError::NoRecord(format!(
                "the target holds no record {name}"
            )));
        }
        other => other?,
    };
    let mut stream = object.stream;
    let mut text = flate2::write::GzDecoder::new(Vec::new());
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(StorageError::from)?;
        text.write_all(&piece)
            .and_then(|()| text.flush())
            .map_err(|e| bad(format!("not gzip: {e}")))?;
        if text.get_ref().contains(&b'\n') {
            break;
        }
    }
    // The decoder hands out what it holds back only when told the input ended.
    let _ = text.try_finish();
    let text = text.get_ref();
    let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let header: Value =
        serde_json::from_slice(line).map_err(|e| bad(format!("header line: {e}")))?;
    if header["format"] != "stratus-backup" {
        return Err(bad("not a Stratus backup manifest".into()));
    }
    Ok(header)
}
