//! Cursor saves of open streams, written in the background. A stream notes how far it got;
//! one task per instance writes the noted cursors every [`FLUSH`], so handing an event to
//! thousands of streams costs no database write on the way. A stream that ends writes its
//! own cursor at once, so a disconnect or a clean restart resumes exactly; after a kill a
//! client resumes from at most [`FLUSH`] earlier and may be told of those changes twice (never
//! fewer). Streams that were sent the same change note the same cursor, so the rows are
//! written per cursor value, [`CHUNK`] rows to a statement.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use super::subscriptions;
use crate::state::AppState;

/// How often noted cursors are written.
pub const FLUSH: Duration = Duration::from_millis(500);
/// Subscription rows written per statement.
const CHUNK: usize = 500;

/// The instance's noted cursors (an [`AppState`] part).
pub struct Cursors {
    db: DatabaseConnection,
    /// Cursor by subscription row.
    dirty: Mutex<HashMap<i64, i64>>,
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

    /// Notes that the client of the subscription row `row` was sent everything up to `cursor`
    /// (and is still there).
    pub fn note(self: &Arc<Self>, row: i64, cursor: i64) {
        {
            let mut dirty = self.dirty.lock().expect("cursors");
            let at = dirty.entry(row).or_insert(cursor);
            *at = (*at).max(cursor);
        }
        if !self.started.swap(true, Ordering::AcqRel) {
            tokio::spawn(writer(Arc::downgrade(self)));
        }
    }

    /// Writes the noted cursors now.
    pub async fn flush(&self) -> Result<(), DbErr> {
        let noted = std::mem::take(&mut *self.dirty.lock().expect("cursors"));
        let mut by_cursor: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (row, cursor) in noted {
            by_cursor.entry(cursor).or_default().push(row);
        }
        if by_cursor.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        for (cursor, rows) in by_cursor {
            for chunk in rows.chunks(CHUNK) {
                subscriptions::advance_rows(&txn, chunk, cursor).await?;
            }
        }
        txn.commit().await
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
