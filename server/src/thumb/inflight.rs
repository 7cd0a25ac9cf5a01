//! One generation per source blob at a time: concurrent requests for the same blob wait for
//! the first one and then find its thumbnail instead of decoding the picture again.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Async locks keyed by entity id; an entry lives only while someone holds or awaits it.
#[derive(Default)]
pub struct Inflight {
    locks: Mutex<HashMap<i64, Arc<AsyncMutex<()>>>>,
}

/// Held while one blob's thumbnail is being made; dropping it lets the next waiter in.
pub struct Turn<'a> {
    owner: &'a Inflight,
    key: i64,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Inflight {
    /// Waits until no one else works on `key`.
    pub async fn lock(&self, key: i64) -> Turn<'_> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(key).or_default().clone()
        };
        Turn {
            owner: self,
            key,
            guard: Some(lock.lock_owned().await),
        }
    }

    /// Keys with holders or waiters.
    pub fn len(&self) -> usize {
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut locks = self.owner.locks.lock().unwrap_or_else(|p| p.into_inner());
        self.guard = None;
        // Waiters clone the entry under the map lock, so a count of one (the map's own
        // reference) means nobody is waiting and the entry can go.
        if locks
            .get(&self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_key_and_entries_are_dropped() {
        let inflight = Arc::new(Inflight::default());
        let first = inflight.lock(7).await;
        let other_key = inflight.lock(8).await;
        let waiter = {
            let inflight = inflight.clone();
            tokio::spawn(async move {
                let _turn = inflight.lock(7).await;
            })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        waiter.await.unwrap();
        drop(other_key);
        assert!(inflight.is_empty());
    }
}
