//! Where a backup puts things on its target. Everything lives under [`PREFIX`]:
//!
//! - `blobs/<2 hex>/<64 hex>`: one object per source blob, named by the SHA-256 of
//!   `"<policy id>:<source key>"`, so a blob is stored once whatever number of records need
//!   it (a blob's key never changes while its content stays: new content gets a new key);
//! - `records/<record name>/manifest.jsonl.gz`: the record's manifest, written last, so a
//!   record exists on the target only once it is whole;
//! - `records/<record name>/database.jsonl.gz`: the database dump of an `instance` record.

use sha2::{Digest, Sha256};

pub const PREFIX: &str = "stratus-backup/";
pub const BLOBS: &str = "stratus-backup/blobs/";
pub const RECORDS: &str = "stratus-backup/records/";
pub const MANIFEST: &str = "manifest.jsonl.gz";
pub const DATABASE: &str = "database.jsonl.gz";

/// The name of a source blob on the target: hex SHA-256 of `"<policy id>:<source key>"`.
pub fn blob_name(policy_id: i64, source: &str) -> String {
    hex::encode(Sha256::digest(format!("{policy_id}:{source}").as_bytes()))
}

/// The key of blob `name` on the target.
pub fn blob_key(name: &str) -> String {
    format!("{BLOBS}{}/{name}", &name[..2])
}

/// The blob name a key below [`BLOBS`] holds, if it is one.
pub fn name_of_key(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(BLOBS)?;
    let (dir, name) = rest.split_once('/')?;
    (dir.len() == 2 && name.len() == 64 && name.starts_with(dir)).then_some(name)
}

/// The key of file `file` (`MANIFEST`, `DATABASE`) of record `record`.
pub fn record_key(record: &str, file: &str) -> String {
    format!("{RECORDS}{record}/{file}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_keys_round_trip() {
        let name = blob_name(1, "uploads/1/a.txt");
        assert_eq!(name.len(), 64);
        assert_eq!(name_of_key(&blob_key(&name)), Some(name.as_str()));
        assert_eq!(name_of_key("stratus-backup/blobs/zz/x"), None);
    }
}
