//! Hit and miss counts of an in-memory cache, kept by the module that owns the cache and
//! read by `/metrics` (moka keeps no statistics of its own). Two relaxed atomic adds per
//! lookup; nothing here knows the metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// What one cache answered since the process started.
#[derive(Debug, Default)]
pub struct CacheStats {
    hits: AtomicU64,
    misses: AtomicU64,
}

/// The counts at one moment, and the entries the cache held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Lookups answered from memory.
    pub hits: u64,
    /// Lookups that had to read (the database, a blob) or build what they asked for.
    pub misses: u64,
    /// Entries held (moka's count, which may lag a write by a moment).
    pub entries: u64,
}

impl CacheStats {
    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `found` as a hit when it holds a value, else as a miss; gives it back.
    pub fn count<T>(&self, found: Option<T>) -> Option<T> {
        match found {
            Some(_) => self.hit(),
            None => self.miss(),
        }
        found
    }

    /// The counts now, with the cache's `entries`.
    pub fn counts(&self, entries: u64) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_hits_and_misses() {
        let stats = CacheStats::default();
        assert_eq!(stats.count(Some(1)), Some(1));
        assert_eq!(stats.count(None::<u8>), None);
        stats.hit();
        assert_eq!(
            stats.counts(4),
            CacheCounts {
                hits: 2,
                misses: 1,
                entries: 4
            }
        );
    }
}
