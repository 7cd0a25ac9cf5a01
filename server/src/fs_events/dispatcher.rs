//! One dispatcher per instance: it tails the journal (one query every [`TICK`], whatever the
//! number of subscribers) and hands each batch of rows to the local subscribers of the rows'
//! owner through a small mailbox. Instances sharing a database each tail it, so a change made
//! through any instance reaches subscribers on all.
//!
//! On PostgreSQL the dispatcher also listens on [`CHANNEL`], which a trigger on the journal
//! notifies at each commit that appends to it, and reads at once instead of waiting for the
//! tick; the tick stays, for gaps and for a listener that lost its connection.
//!
//! On PostgreSQL ids are taken when a row is inserted but become visible at commit, so id 10
//! can appear after 11. An id skipped over is remembered for [`GAP_WAIT`] and looked for again;
//! rows found that way are handed out as `late` (below the cursor a subscriber started from).
//! Ids of rolled-back transactions never appear and are forgotten after the wait.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc, Mutex, OnceLock, Weak,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use stratus_entity::fs_change;
use tokio::sync::{Notify, OnceCell};

use super::{journal, mailbox::Mailbox, subscriptions::Key};
use crate::{
    access_watch::{self, Narrowed},
    state::AppState,
};

/// How often the journal is read.
pub const TICK: Duration = Duration::from_millis(200);
/// The channel the journal's trigger notifies at commit (PostgreSQL).
const CHANNEL: &str = "stratus_fs_changes";
/// How long the listener waits before connecting again after an error.
const LISTEN_RETRY: Duration = Duration::from_secs(5);
/// How long the listener waits for a notification before checking that its dispatcher is
/// still there.
const LISTEN_IDLE: Duration = Duration::from_secs(30);
/// How long a skipped id is looked for.
const GAP_WAIT: Duration = Duration::from_secs(10);
/// Skipped ids remembered at most (the newest are kept).
const MAX_GAPS: usize = 1000;

/// Rows of one owner handed to a subscriber, oldest first.
#[derive(Clone)]
pub struct Batch {
    pub rows: Arc<Vec<fs_change::Model>>,
    /// Rows that became visible after ids above them (see the module doc).
    pub late: bool,
}

/// A local subscriber; dropping it (replaced, server stopping) ends its stream.
struct Local {
    conn: u64,
    mailbox: Arc<Mailbox>,
    /// Who subscribed, and the share (id) the folder was reached through: whose narrowed
    /// access makes the stream check its own again.
    user_id: i64,
    share_id: Option<i64>,
}

impl Local {
    fn concerned(&self, what: Narrowed) -> bool {
        match what {
            Narrowed::Share(id) => self.share_id == Some(id),
            Narrowed::User(id) => self.user_id == id,
            Narrowed::Everyone => true,
            // Streams of recipients only: [`Dispatcher::recheck`] asks the owner's subscribers.
            Narrowed::Grants(owner) => self.user_id != owner,
        }
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        self.mailbox.close();
    }
}

#[derive(Default)]
struct Registry {
    next: u64,
    by_owner: HashMap<i64, Vec<Local>>,
    by_key: HashMap<Key, (i64, u64)>,
}

/// The instance's dispatcher (an [`AppState`] part).
pub struct Dispatcher {
    db: DatabaseConnection,
    registry: Mutex<Registry>,
    /// Every row with an id up to this was handed out (or matched no subscriber).
    watermark: AtomicI64,
    started: OnceCell<()>,
    /// Woken by the PostgreSQL listener when a transaction appended to the journal.
    wake: Arc<Notify>,
    /// Set once the dispatcher listens to [`access_watch`].
    watching: OnceLock<()>,
}

/// A subscriber's place in the dispatcher; dropping it leaves.
pub struct Registration {
    pub mailbox: Arc<Mailbox>,
    dispatcher: Arc<Dispatcher>,
    key: Key,
    owner_id: i64,
    conn: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.dispatcher.leave(&self.key, self.owner_id, self.conn);
    }
}

impl Registration {
    /// The owner of the tree subscribed to.
    pub fn owner_id(&self) -> i64 {
        self.owner_id
    }

    /// See [`Dispatcher::watermark`].
    pub fn watermark(&self) -> i64 {
        self.dispatcher.watermark()
    }
}

impl Dispatcher {
    /// The instance's dispatcher.
    pub fn of(state: &AppState) -> Arc<Dispatcher> {
        let dispatcher = state.part(|inner| Dispatcher {
            db: inner.db.clone(),
            registry: Mutex::default(),
            watermark: AtomicI64::new(0),
            started: OnceCell::new(),
            wake: Arc::new(Notify::new()),
            watching: OnceLock::new(),
        });
        dispatcher.watching.get_or_init(|| {
            let weak = Arc::downgrade(&dispatcher);
            access_watch::listen(state, move |what| {
                if let Some(d) = weak.upgrade() {
                    d.recheck(what);
                }
            });
        });
        dispatcher
    }

    /// Has the local streams `what` concerns check their access again.
    fn recheck(&self, what: Narrowed) {
        let reg = self.registry.lock().expect("registry");
        let locals: Vec<&Local> = match what {
            // Only subscribers of that owner's tree reached it through a grant.
            Narrowed::Grants(owner) => reg.by_owner.get(&owner).into_iter().flatten().collect(),
            _ => reg.by_owner.values().flatten().collect(),
        };
        for local in locals {
            if local.concerned(what) {
                local.mailbox.recheck();
            }
        }
    }

    /// Every row up to this id was put in the subscribers' queues. Read it before draining a
    /// queue: after the drain, everything up to it has been seen.
    pub fn watermark(&self) -> i64 {
        self.watermark.load(Ordering::Acquire)
    }

    /// Registers a subscriber of `owner_id`'s tree under `key` (through the share `share_id`,
    /// if any); an earlier local subscriber with the same key is dropped (its stream ends).
    pub async fn join(
        self: &Arc<Self>,
        key: Key,
        owner_id: i64,
        share_id: Option<i64>,
    ) -> Result<Registration, DbErr> {
        self.start().await?;
        let mailbox = Arc::new(Mailbox::default());
        let mut reg = self.registry.lock().expect("registry");
        reg.next += 1;
        let conn = reg.next;
        if let Some((old_owner, old_conn)) = reg.by_key.insert(key, (owner_id, conn))
            && let Some(list) = reg.by_owner.get_mut(&old_owner)
        {
            list.retain(|l| l.conn != old_conn);
        }
        reg.by_owner.entry(owner_id).or_default().push(Local {
            conn,
            mailbox: mailbox.clone(),
            user_id: key.user_id,
            share_id,
        });
        Ok(Registration {
            mailbox,
            dispatcher: self.clone(),
            key,
            owner_id,
            conn,
        })
    }

    /// Ends every local stream (the server is stopping).
    pub fn close_all(&self) {
        let mut reg = self.registry.lock().expect("registry");
        reg.by_owner.clear();
        reg.by_key.clear();
    }

    /// Local subscribers now.
    pub fn subscribers(&self) -> usize {
        let reg = self.registry.lock().expect("registry");
        reg.by_key.len()
    }

    fn leave(&self, key: &Key, owner_id: i64, conn: u64) {
        let mut reg = self.registry.lock().expect("registry");
        if reg.by_key.get(key) == Some(&(owner_id, conn)) {
            reg.by_key.remove(key);
        }
        if let Some(list) = reg.by_owner.get_mut(&owner_id) {
            list.retain(|l| l.conn != conn);
            if list.is_empty() {
                reg.by_owner.remove(&owner_id);
            }
        }
    }

    /// Starts the tail on first use, from the journal's end.
    async fn start(self: &Arc<Self>) -> Result<(), DbErr> {
        self.started
            .get_or_try_init(|| async {
                let last = journal::max_id(&self.db).await?;
                self.watermark.store(last, Ordering::Release);
                if self.db.get_database_backend() == DbBackend::Postgres {
                    let pool = self.db.get_postgres_connection_pool().clone();
                    tokio::spawn(listen(pool, Arc::downgrade(&self.wake)));
                }
                tokio::spawn(tail(Arc::downgrade(self), last, self.wake.clone()));
                Ok::<_, DbErr>(())
            })
            .await?;
        Ok(())
    }

    /// Hands `rows` (oldest first) to the subscribers of their owners.
    fn dispatch(&self, rows: Vec<fs_change::Model>, late: bool) {
        let mut by_owner: BTreeMap<i64, Vec<fs_change::Model>> = BTreeMap::new();
        for row in rows {
            by_owner.entry(row.owner_id).or_default().push(row);
        }
        let reg = self.registry.lock().expect("registry");
        for (owner, rows) in by_owner {
            let Some(locals) = reg.by_owner.get(&owner) else {
                continue;
            };
            let batch = Batch {
                rows: Arc::new(rows),
                late,
            };
            for local in locals {
                local.mailbox.put(batch.clone());
            }
        }
    }
}

/// The tail loop; ends with the state that holds the dispatcher.
async fn tail(dispatcher: Weak<Dispatcher>, mut last: i64, wake: Arc<Notify>) {
    let mut gaps: BTreeMap<i64, Instant> = BTreeMap::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = wake.notified() => {}
        }
        let Some(d) = dispatcher.upgrade() else {
            return;
        };
        match read(&d.db, last, &gaps).await {
            Ok((fresh, late)) => {
                let now = Instant::now();
                if !late.is_empty() {
                    for row in &late {
                        gaps.remove(&row.id);
                    }
                    d.dispatch(late, true);
                }
                let tracks_gaps = d.db.get_database_backend() == DbBackend::Postgres;
                for row in &fresh {
                    if tracks_gaps {
                        let from = (last + 1).max(row.id - MAX_GAPS as i64);
                        for id in from..row.id {
                            gaps.insert(id, now);
                        }
                    }
                    last = last.max(row.id);
                }
                gaps.retain(|_, seen| now.duration_since(*seen) < GAP_WAIT);
                while gaps.len() > MAX_GAPS {
                    gaps.pop_first();
                }
                if !fresh.is_empty() {
                    d.dispatch(fresh, false);
                }
                let watermark = gaps.keys().next().map_or(last, |first| first - 1);
                d.watermark.store(watermark, Ordering::Release);
            }
            Err(e) => tracing::warn!(error = %e, "reading the file change journal"),
        }
    }
}

/// Wakes the tail at each notification on [`CHANNEL`] until the dispatcher is gone. The
/// listener holds one connection of the pool; a lost connection is opened again (the tick
/// covers what was committed meanwhile).
async fn listen(pool: sqlx::PgPool, wake: Weak<Notify>) {
    while wake.strong_count() > 0 {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "listening for file changes");
                tokio::time::sleep(LISTEN_RETRY).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "listening for file changes");
            tokio::time::sleep(LISTEN_RETRY).await;
            continue;
        }
        loop {
            match tokio::time::timeout(LISTEN_IDLE, listener.recv()).await {
                Ok(Ok(_)) => match wake.upgrade() {
                    Some(w) => w.notify_one(),
                    None => return,
                },
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "listening for file changes");
                    tokio::time::sleep(LISTEN_RETRY).await;
                    break;
                }
                Err(_) if wake.strong_count() == 0 => return,
                Err(_) => {}
            }
        }
    }
}

/// Rows after `last` (up to a page) and rows of remembered gaps, oldest first.
async fn read(
    db: &DatabaseConnection,
    last: i64,
    gaps: &BTreeMap<i64, Instant>,
) -> Result<(Vec<fs_change::Model>, Vec<fs_change::Model>), DbErr> {
    let mut cond = Condition::any().add(fs_change::Column::Id.gt(last));
    if !gaps.is_empty() {
        cond = cond.add(fs_change::Column::Id.is_in(gaps.keys().copied().collect::<Vec<_>>()));
    }
    let rows = fs_change::Entity::find()
        .filter(cond)
        .order_by_asc(fs_change::Column::Id)
        .limit(journal::PAGE)
        .all(db)
        .await?;
    Ok(rows.into_iter().partition(|r| r.id > last))
}
