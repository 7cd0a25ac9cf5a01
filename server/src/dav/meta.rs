//! File and folder metadata as dav-server wants it.

use std::{fmt, time::SystemTime};

use chrono::{DateTime, Utc};

use dav_server::fs::{DavDirEntry, DavMetaData, FsFuture, FsResult};
use futures_util::FutureExt;
use stratus_entity::file;

/// Size, times, kind and ETag of one row.
#[derive(Debug, Clone)]
pub struct Meta {
    pub len: u64,
    pub modified: SystemTime,
    pub created: SystemTime,
    pub dir: bool,
    pub etag: String,
}

impl Meta {
    pub fn of(row: &file::Model) -> Self {
        let dir = row.r#type == file::kind::FOLDER;
        let etag = Etag::new(row.id, row.primary_entity, row.updated_at, row.tree_rev).to_string();
        Self {
            len: if dir { 0 } else { row.size.max(0) as u64 },
            modified: row.updated_at.into(),
            created: row.created_at.into(),
            dir,
            etag,
        }
    }
}

/// The ETag of a file or folder: its current version and its change time, so a new version
/// or a rename-over changes it, and for a folder its revision (`fs::tree_rev`), so any
/// change below it does too. It writes itself (a listing writes thousands without a
/// `String` each).
pub struct Etag {
    version: i64,
    micros: i64,
    tree_rev: i64,
}

impl Etag {
    pub fn new(
        id: i64,
        primary_entity: Option<i64>,
        updated: DateTime<Utc>,
        tree_rev: i64,
    ) -> Self {
        Self {
            version: primary_entity.unwrap_or(id),
            micros: updated.timestamp_micros(),
            tree_rev,
        }
    }
}

impl fmt::Display for Etag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:x}-{:x}", self.version, self.micros)?;
        // A folder nothing has changed below keeps the ETag it had before revisions existed.
        if self.tree_rev != 0 {
            write!(f, "-{:x}", self.tree_rev)?;
        }
        Ok(())
    }
}

impl DavMetaData for Meta {
    fn len(&self) -> u64 {
        self.len
    }

    fn modified(&self) -> FsResult<SystemTime> {
        Ok(self.modified)
    }

    fn created(&self) -> FsResult<SystemTime> {
        Ok(self.created)
    }

    fn is_dir(&self) -> bool {
        self.dir
    }

    fn etag(&self) -> Option<String> {
        Some(self.etag.clone())
    }
}

/// One child in a listing.
pub struct Entry {
    pub name: String,
    pub meta: Meta,
}

impl DavDirEntry for Entry {
    fn name(&self) -> Vec<u8> {
        self.name.as_bytes().to_vec()
    }

    fn metadata(&self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let meta: Box<dyn DavMetaData> = Box::new(self.meta.clone());
        async move { Ok(meta) }.boxed()
    }
}
