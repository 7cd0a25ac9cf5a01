//! One open stream: sends `subscribed` / `resumed`, then the subscription's changes, debounced
//! and merged, and a keep-alive every [`KEEP_ALIVE`]. The cursor is noted as messages are sent
//! (`cursors.rs` writes it) and written when the stream ends (client gone, replaced by a new
//! connection, server stopping), so the client resumes where it was on any instance.

use std::{collections::HashSet, sync::atomic::Ordering, time::Duration};

use sea_orm::DbErr;
use stratus_entity::fs_change;
use tokio::{sync::mpsc, time::Instant};

use super::{
    cursors::Cursors,
    dispatcher::{Batch, Registration},
    journal,
    merge::{Event, merge},
    route,
    subscriptions::{self, Key, Opened},
};
use crate::{fs::changes::path_of, state::AppState};

/// Fixed interval of `keep-alive` messages.
pub const KEEP_ALIVE: Duration = Duration::from_secs(30);
/// How often an idle stream's unchanged cursor is noted anyway, so its subscription counts
/// as seen (retention prunes those unseen for `fs_event_push_max_age`).
const SEEN_EVERY: Duration = Duration::from_secs(600);

/// What a stream says; the edge writes it in the wire's words.
#[derive(Debug)]
pub enum Message {
    Subscribed,
    Resumed,
    Event(Box<Event>),
    KeepAlive,
    ReconnectRequired,
}

/// A subscription ready to stream.
pub struct Stream {
    pub state: AppState,
    pub key: Key,
    pub registration: Registration,
    pub opened: Opened,
    pub debounce: Duration,
    /// The cursor last noted, and when.
    pub noted: Option<(i64, Instant)>,
}

/// The subscribed folder's path, kept between flushes: it changes only when a folder of the
/// owner's tree is renamed, moved, deleted or restored, which the rows themselves show.
#[derive(Default)]
struct FolderPath {
    path: Option<String>,
    stale: bool,
}

impl FolderPath {
    /// Marks the path for a new look when `rows` change folders.
    fn see(&mut self, rows: &[fs_change::Model]) {
        self.stale |= rows
            .iter()
            .any(|r| r.is_folder && r.kind != fs_change::kind::MODIFY);
    }
}

impl Stream {
    /// Runs the stream in a task of its own; the receiver yields its messages and ends with it.
    /// Dropping the receiver ends the stream.
    pub fn spawn(self) -> mpsc::Receiver<Message> {
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            let key = self.key.clone();
            if let Err(e) = self.run(tx).await {
                tracing::warn!(error = %e, folder = key.folder_id, "file event stream");
            }
        });
        rx
    }

    async fn run(mut self, out: mpsc::Sender<Message>) -> Result<(), DbErr> {
        let mut pending: Vec<fs_change::Model> = Vec::new();
        let floor = match self.opened {
            Opened::ReconnectRequired => {
                let _ = out.send(Message::ReconnectRequired).await;
                return Ok(());
            }
            Opened::Subscribed { cursor } => {
                if out.send(Message::Subscribed).await.is_err() {
                    return Ok(());
                }
                cursor
            }
            Opened::Resumed { cursor } => {
                if out.send(Message::Resumed).await.is_err() {
                    return Ok(());
                }
                read_after(&self.state, self.owner(), cursor, &mut pending).await?;
                let floor = pending.last().map_or(cursor, |r| r.id);
                pending.retain(|r| !self.echo(r));
                floor
            }
        };
        let mut sent = floor;
        let mut folder = FolderPath {
            path: None,
            stale: true,
        };
        let mut deadline = (!pending.is_empty()).then(|| Instant::now() + self.debounce);
        let mut keep_alive = tokio::time::interval_at(Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
        loop {
            tokio::select! {
                _ = out.closed() => break,
                batch = self.registration.rx.recv() => {
                    let Some(batch) = batch else { break };
                    folder.see(&batch.rows);
                    if self.take(batch, floor, &mut pending) {
                        deadline = Some(Instant::now() + self.debounce);
                    }
                    if self.registration.lagged.swap(false, Ordering::AcqRel) {
                        let before = pending.len();
                        folder.stale = true;
                        self.reread(sent, &mut pending).await?;
                        if pending.len() > before {
                            deadline = Some(Instant::now() + self.debounce);
                        }
                    }
                }
                _ = sleep_until(deadline) => {
                    deadline = None;
                    if !self.flush(&out, &mut pending, &mut sent, &mut folder).await? {
                        break;
                    }
                    self.save(&mut pending, &mut deadline, floor, &mut folder, false).await?;
                }
                _ = keep_alive.tick() => {
                    if out.send(Message::KeepAlive).await.is_err() {
                        break;
                    }
                    self.save(&mut pending, &mut deadline, floor, &mut folder, false).await?;
                }
            }
        }
        self.save(&mut pending, &mut deadline, floor, &mut folder, true)
            .await
    }

    /// The owner of the subscribed tree.
    fn owner(&self) -> i64 {
        self.registration.owner_id()
    }

    /// Adds the rows of `batch` this stream has not had; whether any was added (an echo of the
    /// client's own change does not delay the others).
    fn take(&self, batch: Batch, floor: i64, pending: &mut Vec<fs_change::Model>) -> bool {
        let mut added = false;
        for row in batch.rows.iter() {
            if (row.id > floor || batch.late)
                && !self.echo(row)
                && !pending.iter().any(|p| p.id == row.id)
            {
                added = true;
                pending.push(row.clone());
            }
        }
        added
    }

    /// Whether `row` is the client's own change.
    fn echo(&self, row: &fs_change::Model) -> bool {
        row.client_id.as_deref() == Some(self.key.client_id.as_str())
    }

    /// After a full queue: the journal's rows after `sent` that are not pending yet.
    async fn reread(&self, sent: i64, pending: &mut Vec<fs_change::Model>) -> Result<(), DbErr> {
        let mut rows = Vec::new();
        read_after(&self.state, self.owner(), sent, &mut rows).await?;
        let have: HashSet<i64> = pending.iter().map(|r| r.id).collect();
        pending.extend(
            rows.into_iter()
                .filter(|r| !have.contains(&r.id) && !self.echo(r)),
        );
        pending.sort_by_key(|r| r.id);
        Ok(())
    }

    /// Sends the merged events of `pending`; false when the client is gone.
    async fn flush(
        &self,
        out: &mpsc::Sender<Message>,
        pending: &mut Vec<fs_change::Model>,
        sent: &mut i64,
        folder: &mut FolderPath,
    ) -> Result<bool, DbErr> {
        if pending.is_empty() {
            return Ok(true);
        }
        pending.sort_by_key(|r| r.id);
        if folder.stale || folder.path.is_none() {
            folder.path = match path_of(&self.state.db, self.key.folder_id).await {
                Ok(path) => Some(path),
                // The folder left the tree (trashed or deleted): nothing below it to report.
                Err(DbErr::RecordNotFound(_)) => None,
                Err(e) => return Err(e),
            };
            folder.stale = false;
        }
        let events = match &folder.path {
            Some(path) => merge(route::events_for(pending, path, &self.key.client_id)),
            None => Vec::new(),
        };
        for event in events {
            if out.send(Message::Event(Box::new(event))).await.is_err() {
                return Ok(false);
            }
        }
        *sent = (*sent).max(pending.iter().map(|r| r.id).max().unwrap_or(0));
        pending.clear();
        Ok(true)
    }

    /// Saves the cursor when nothing is pending: everything up to the dispatcher's watermark
    /// has then been sent (or did not concern this stream). At the stream's `end` it is
    /// written at once; before, it is noted for the background writer when it moved (or ten
    /// minutes went by).
    async fn save(
        &mut self,
        pending: &mut Vec<fs_change::Model>,
        deadline: &mut Option<Instant>,
        floor: i64,
        folder: &mut FolderPath,
        end: bool,
    ) -> Result<(), DbErr> {
        let watermark = self.registration.watermark();
        while let Ok(batch) = self.registration.rx.try_recv() {
            folder.see(&batch.rows);
            if self.take(batch, floor, pending) {
                *deadline = Some(Instant::now() + self.debounce);
            }
        }
        let cursor = if pending.is_empty() { watermark } else { 0 };
        if end {
            return subscriptions::advance(&self.state.db, &self.key, cursor).await;
        }
        let now = Instant::now();
        let due = match self.noted {
            Some((noted, at)) => cursor > noted || now.duration_since(at) >= SEEN_EVERY,
            None => true,
        };
        if due {
            Cursors::of(&self.state).note(&self.key, cursor);
            self.noted = Some((cursor.max(self.noted.map_or(0, |n| n.0)), now));
        }
        Ok(())
    }
}

/// `owner_id`'s rows after `after`, all pages, appended to `rows`.
async fn read_after(
    state: &AppState,
    owner_id: i64,
    mut after: i64,
    rows: &mut Vec<fs_change::Model>,
) -> Result<(), DbErr> {
    loop {
        let page = journal::after(&state.db, owner_id, after).await?;
        let full = page.len() as u64 == journal::PAGE;
        if let Some(last) = page.last() {
            after = last.id;
        }
        rows.extend(page);
        if !full {
            return Ok(());
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
