//! The entries of an archive in the drive without extracting it (`GET /file/archive`): zip
//! and 7z from their directories, tar by reading through the stream without keeping any
//! entry's bytes. Links and special entries are left out, as extraction leaves them out.
//!
//! A listing is kept per blob and name encoding (blobs never change), a bounded number of
//! entries in all, and at most [`slots`] archives are read at once: a request that waits
//! longer than [`WAIT`] for a slot is answered [`ExtractError::Busy`].

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use moka::future::Cache;
use tokio::sync::Semaphore;

use super::{
    Caps, ExtractError, blob,
    entries::{self, Entry, Kind},
    names,
};
use crate::{
    auth::caller::Caller,
    cache_stats::{CacheCounts, CacheStats},
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    state::AppState,
};

/// Entries kept in all the cached listings together.
const CACHED_ENTRIES: u64 = 500_000;
/// How long a request waits for a free reading slot.
const WAIT: Duration = Duration::from_secs(10);

/// One listed entry.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The entry's path as Cloudreve writes it: `/`, then the segments (no trailing `/`).
    pub name: String,
    pub size: u64,
    pub updated_at: Option<DateTime<Utc>>,
    pub is_directory: bool,
}

/// The process's listings: the cache and the reading slots (a slot of `AppState`).
struct Listings {
    /// (entity id, encoding label) → the entries.
    cache: Cache<(i64, Option<&'static str>), Arc<Vec<Listed>>>,
    stats: CacheStats,
    slots: Semaphore,
}

impl Listings {
    fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Listings {
            cache: Cache::builder()
                .max_capacity(CACHED_ENTRIES)
                .weigher(|_, v: &Arc<Vec<Listed>>| v.len().max(1).min(u32::MAX as usize) as u32)
                .build(),
            stats: CacheStats::default(),
            slots: Semaphore::new(slots()),
        })
    }
}

/// How often a listing was served from memory since the start (`/metrics`).
pub fn cache_counts(state: &AppState) -> CacheCounts {
    let listings = Listings::of(state);
    listings.stats.counts(listings.cache.entry_count())
}

/// Archives read at once: one per CPU, at least two.
fn slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

/// The entries of the archive at `uri` (its `entity` version, or its current one), with zip
/// names without the UTF-8 flag decoded from `encoding`. At most the caller's group's
/// `max_walked_files` entries.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    uri: &FileUri,
    entity: Option<&str>,
    encoding: Option<&str>,
) -> Result<Arc<Vec<Listed>>, ExtractError> {
    let fs = FsCtx::new(state, caller);
    let legacy = names::encoding(encoding)?;
    let caps = Caps::of(&fs.user()?.group.settings);
    let node = nav::resolve(&fs, uri).await?;
    if node.is_folder() {
        return Err(ExtractError::Invalid("a folder is not an archive"));
    }
    let blob = blob::pick(state, &node, entity).await?;
    let listings = Listings::of(state);
    let key = (blob.id, legacy.map(|e| e.name()));
    let listed = match listings.stats.count(listings.cache.get(&key).await) {
        Some(listed) => listed,
        None => {
            let _slot = tokio::time::timeout(WAIT, listings.slots.acquire())
                .await
                .map_err(|_| ExtractError::Busy)?
                .map_err(|_| ExtractError::Busy)?;
            let (file, format) = blob::open(state, &blob, &node.file.name).await?;
            let listed = tokio::task::spawn_blocking(move || read(file, format, legacy, caps))
                .await
                .map_err(|e| ExtractError::Corrupt(e.to_string()))??;
            let listed = Arc::new(listed);
            listings.cache.insert(key, listed.clone()).await;
            listed
        }
    };
    // A listing kept for a group with a higher cap.
    if listed.len() as u64 > caps.entries {
        return Err(ExtractError::TooManyEntries(caps.entries));
    }
    Ok(listed)
}

/// Reads the entries of an open archive, at most `caps.entries` of them.
fn read(
    mut file: std::fs::File,
    format: super::format::Format,
    legacy: Option<&'static encoding_rs::Encoding>,
    caps: Caps,
) -> Result<Vec<Listed>, ExtractError> {
    let mut listed = Vec::new();
    let mut keep = |e: Entry| {
        if listed.len() as u64 >= caps.entries {
            return Err(ExtractError::TooManyEntries(caps.entries));
        }
        if e.kind != Kind::Special {
            listed.push(Listed {
                is_directory: e.kind == Kind::Dir,
                name: format!("/{}", e.name.trim_matches('/')),
                size: e.size,
                updated_at: e.modified,
            });
        }
        Ok(true)
    };
    match entries::headers(&mut file, format, legacy, caps.entries, None)? {
        Some(headers) => {
            for e in headers {
                keep(e)?;
            }
        }
        None => entries::each(file, format, legacy, 0, None, &mut |_, e, _| keep(e))?,
    }
    Ok(listed)
}
