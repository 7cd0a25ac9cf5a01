//! A record's manifest: gzip-compressed JSON lines, written last, so a record is on its
//! target only when whole.
//!
//! Line 1, the header:
//! `{"format":"stratus-backup","version":1,"kind":"folder"|"users"|"instance","record":<name>,
//!   "task":{"id","name"},"source":<task source>,"created_at":<RFC 3339>,
//!   "stratus_version":<x.y.z>,"policies":[{"id","name","type"}],"database":<file name|null>}`
//!
//! Then one line per folder, file, kept version (or, in an `instance` record, per blob row):
//! `{"type":"folder"|"file"|"version"|"entity","path":"/a/b.txt","size","mtime":<RFC 3339>,
//!   "owner":<user id|null>,"file_id":<id|null>,"blob":<name|null>,"sha256":<hex|null>,
//!   "policy_id":<id|null>,"source":<key on the policy|null>,"entity_id":<id|null>}`
//!
//! Then one line per blob the record needs:
//! `{"type":"blob","blob":<name>,"size","sha256","policy_id","source"}`; its object is
//! `stratus-backup/blobs/<first 2 hex of name>/<name>`.

use std::{
    collections::HashMap,
    io::{self, BufRead, BufReader, BufWriter, Write},
    path::Path,
};

use flate2::{Compression, read::GzDecoder, write::GzEncoder};
use serde_json::{Value, json};

use super::sources::Entry;

pub const FORMAT: &str = "stratus-backup";
pub const VERSION: u32 = 1;

/// A blob as a manifest names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobLine {
    pub size: u64,
    pub sha256: String,
}

/// Writes the manifest to `path` (a temporary file): `header`, the entries, then each blob
/// of `blobs` (name → size, SHA-256) once. Answers the bytes written.
pub fn write(
    path: &Path,
    header: &Value,
    entries: &[Entry],
    blobs: &HashMap<String, BlobLine>,
) -> io::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut out = GzEncoder::new(BufWriter::new(file), Compression::default());
    let mut line = |v: &Value| -> io::Result<()> {
        serde_json::to_writer(&mut out, v)?;
        out.write_all(b"\n")
    };
    line(header)?;
    let mut named = Vec::new();
    for e in entries {
        let blob = e.blob.as_ref();
        let sha = blob
            .and_then(|b| blobs.get(&b.name))
            .map(|b| b.sha256.clone());
        if let Some(b) = blob
            && sha.is_none()
        {
            // A blob that could not be copied (missing on its storage) is left out.
            let _ = b;
            continue;
        }
        line(&json!({
            "type": e.kind,
            "path": e.path,
            "size": e.size,
            "mtime": e.mtime.to_rfc3339(),
            "owner": e.owner,
            "file_id": e.file_id,
            "blob": blob.map(|b| &b.name),
            "sha256": sha,
            "policy_id": blob.map(|b| b.policy_id),
            "source": blob.map(|b| &b.source),
            "entity_id": blob.map(|b| b.entity_id),
        }))?;
        if let Some(b) = blob {
            named.push(b);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for b in named {
        if !seen.insert(&b.name) {
            continue;
        }
        let Some(stored) = blobs.get(&b.name) else {
            continue;
        };
        line(&json!({
            "type": "blob",
            "blob": b.name,
            "size": stored.size,
            "sha256": stored.sha256,
            "policy_id": b.policy_id,
            "source": b.source,
        }))?;
    }
    let mut inner = out.finish()?;
    inner.flush()?;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// The blobs a manifest names (its `blob` lines).
pub fn read_blobs(file: std::fs::File) -> io::Result<HashMap<String, BlobLine>> {
    let mut out = HashMap::new();
    let reader = BufReader::new(GzDecoder::new(BufReader::new(file)));
    for line in reader.lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if v["type"] != "blob" {
            continue;
        }
        let (Some(name), Some(size), Some(sha)) =
            (v["blob"].as_str(), v["size"].as_u64(), v["sha256"].as_str())
        else {
            continue;
        };
        out.insert(
            name.to_owned(),
            BlobLine {
                size,
                sha256: sha.to_owned(),
            },
        );
    }
    Ok(out)
}
