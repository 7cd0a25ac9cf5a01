//! Cursor saves of open streams, written in the background. A stream notes how far it got;
//! one task per instance writes the noted cursors every [`FLUSH`], so handing an event to
//! thousands of streams costs no database write on the way. A stream that ends writes its
//! own cursor at once, so a disconnect or a clean restart resumes exactly; after a kill a
//! client resumes from at most [`FLUSH`] earlier and may be told of those changes twice (never
//! fewer).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use super::subscriptions::{self, Key};
use crate::state::AppState;

/// How often noted cursors are written.
pub const FLUSH: Duration = Duration::from_millis(500);
/// Cursors written per transaction.
const CHUNK: usize = 500;

/// The instance's noted cursors (an [`AppState`] part).
pub struct Cursors {
    db: DatabaseConnection,
    dirty: Mutex<HashMap<Key, i64>>,
    started: AtomicBool,
}

impl Cursors {
    /// The instance's cursor book.
    pub fn of(state: &AppState) -> Arc<Cursors> {
        state.part(|inner| Cursors {
            db: inner.db.clone(),
            dirty: Mutex::default(),
            started: AtomicBool::new(false),
        })
    }

    /// Notes that `key`'s client was sent everything up to `cursor` (and is still there).
    pub fn note(self: &Arc<Self>, key: &Key, cursor: i64) {
        {
            let mut dirty = self.dirty.lock().expect("cursors");
            let at = dirty.entry(key.clone()).or_insert(cursor);
            *at = (*at).max(cursor);
        }
        if !self.started.swap(true, Ordering::AcqRel) {
            tokio::spawn(writer(Arc::downgrade(self)));
        }
    }

    /// Writes the noted cursors now.
    pub async fn flush(&self) -> Result<(), DbErr> {
        let noted: Vec<(Key, i64)> = std::mem::take(&mut *self.dirty.lock().expect("cursors"))
            .into_iter()
            .collect();
        for chunk in noted.chunks(CHUNK) {
            let txn = self.db.begin().await?;
            for (key, cursor) in chunk {
                subscriptions::advance(&txn, key, *cursor).await?;
            }
            txn.commit().await?;
        }
        Ok(())
    }
}

/// Writes the noted cursors every [`FLUSH`] while the instance lives.
async fn writer(cursors: Weak<Cursors>) {
    let mut ticker = tokio::time::interval(FLUSH);
    // A long write is followed by a whole pause, not a burst of writes.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let Some(cursors) = cursors.upgrade() else {
            return;
        };
        if let Err(e) = cursors.flush().await {
            tracing::warn!(error = %e, "saving file event cursors");
        }
    }
}
