//! A short-lived cache of what sign-ins read, which the instance that changes the rows behind
//! it can empty at once ([`FreshCache::forget_all`]). A read that began before the last
//! `forget_all` is never served, even when it is stored after it, so a change is not undone
//! by a read racing it.

use std::{
    future::Future,
    hash::Hash,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use crate::cache_stats::{CacheCounts, CacheStats};

/// Entries living at most `ttl`, each stamped with the epoch its read began in.
pub struct FreshCache<K, V> {
    entries: moka::future::Cache<K, (u64, V)>,
    epoch: AtomicU64,
    stats: CacheStats,
}

impl<K, V> FreshCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        Self {
            entries: moka::future::Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
            epoch: AtomicU64::new(0),
            stats: CacheStats::default(),
        }
    }

    /// How often a value was served from memory since the start (`/metrics`).
    pub fn counts(&self) -> CacheCounts {
        self.stats.counts(self.entries.entry_count())
    }

    /// The value of `key`, remembered or else read by `load`; a `None` read is not
    /// remembered.
    pub async fn get_or_load<E>(
        &self,
        key: K,
        load: impl Future<Output = Result<Option<V>, E>>,
    ) -> Result<Option<V>, E> {
        // Read before the statement: a change made meanwhile makes the result unservable.
        let epoch = self.epoch.load(Ordering::SeqCst);
        if let Some((read_in, value)) = self.entries.get(&key).await
            && read_in == epoch
        {
            self.stats.hit();
            return Ok(Some(value));
        }
        self.stats.miss();
        let value = load.await?;
        if let Some(value) = &value {
            self.entries.insert(key, (epoch, value.clone())).await;
        }
        Ok(value)
    }

    /// Drops everything remembered, and every read under way.
    pub fn forget_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_read_racing_forget_all_is_not_served() {
        let cache = FreshCache::<u8, u8>::new(10, Duration::from_secs(60));
        // The rows change (and the cache is emptied) while a read is under way: what it read
        // is answered to its caller, but never served from memory.
        let racing = async {
            cache.forget_all();
            Ok::<_, ()>(Some(1))
        };
        assert_eq!(cache.get_or_load(1, racing).await, Ok(Some(1)));
        let reread = cache.get_or_load(1, async { Ok::<_, ()>(Some(2)) }).await;
        assert_eq!(reread, Ok(Some(2)));
        let remembered = cache.get_or_load(1, async { Ok::<_, ()>(Some(3)) }).await;
        assert_eq!(remembered, Ok(Some(2)));
        // Nothing found is not remembered.
        assert_eq!(
            cache.get_or_load(2, async { Ok::<_, ()>(None) }).await,
            Ok(None)
        );
        let found = cache.get_or_load(2, async { Ok::<_, ()>(Some(4)) }).await;
        assert_eq!(found, Ok(Some(4)));
    }
}
