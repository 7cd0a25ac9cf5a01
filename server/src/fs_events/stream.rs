//! One open stream: says `subscribed` / `resumed`, then the subscription's changes, debounced
//! and merged, and a keep-alive every [`KEEP_ALIVE`]. Before each flush and keep-alive, and
//! when `crate::access_watch` says access narrowed, the subscriber's access is checked again
//! (`access.rs`); the stream ends, without a word, when it no longer holds. The cursor is noted as messages are sent
//! (`cursors.rs` writes it) and written when the stream ends (client gone, replaced by a new
//! connection, server stopping), so the client resumes where it was on any instance.
//!
//! A stream has no task or channel of its own: the connection polls it for its next message.
//! An idle stream is then its state, a mailbox and one timer, which keeps thousands of idle
//! subscribers cheap; the database work (replay, a folder's path, the final cursor) happens in
//! futures boxed for the moment they run, so the idle state does not carry their size.

use std::{collections::HashSet, collections::VecDeque, time::Duration};

use sea_orm::DbErr;
use stratus_entity::fs_change;
use tokio::time::Instant;

use super::{
    access::Access,
    cursors::Cursors,
    dispatcher::{Batch, Registration},
    journal,
    mailbox::Mail,
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
    /// The subscribed folder's owner-absolute path when it was opened (`None`: not in the
    /// tree any more).
    pub folder: Option<String>,
    /// What the subscriber was let in with, checked again while the stream runs.
    pub access: Access,
}

/// The subscribed folder's path, kept between flushes: it changes only when a folder of the
/// owner's tree is renamed, moved, deleted or restored, which the rows themselves show.
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
    /// The stream's messages; it ends when the stream does. Dropping it ends the stream (the
    /// client went away): its cursor is then written in the background.
    pub fn messages(self) -> impl futures_util::Stream<Item = Message> + Send + 'static {
        let run = Run {
            floor: 0,
            sent: 0,
            pending: Vec::new(),
            outbox: VecDeque::new(),
            note_after_outbox: false,
            folder: FolderPath {
                path: self.folder.clone(),
                stale: false,
            },
            deadline: None,
            keep_alive_at: Instant::now() + KEEP_ALIVE,
            noted: None,
            started: false,
            ended: false,
            stream: self,
        };
        futures_util::stream::unfold(run, |mut run| async move {
            run.next().await.map(|message| (message, run))
        })
    }
}

/// A stream's state between messages.
struct Run {
    stream: Stream,
    /// The cursor the stream started from.
    floor: i64,
    /// The highest journal id sent.
    sent: i64,
    /// Rows waiting for the debounce, oldest first.
    pending: Vec<fs_change::Model>,
    /// Messages of a flush not handed out yet.
    outbox: VecDeque<Message>,
    /// Note the cursor once the outbox is empty.
    note_after_outbox: bool,
    folder: FolderPath,
    deadline: Option<Instant>,
    keep_alive_at: Instant,
    /// The cursor last noted, and when.
    noted: Option<(i64, Instant)>,
    started: bool,
    /// The cursor was written for the last time (or must not be).
    ended: bool,
}

impl Run {
    /// The next message; `None` when the stream is over.
    async fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(message) = self.outbox.pop_front() {
                return Some(message);
            }
            if self.note_after_outbox {
                self.note_after_outbox = false;
                self.note();
            }
            if self.ended {
                return None;
            }
            let step = if self.started {
                self.step().await
            } else {
                self.started = true;
                Box::pin(self.start()).await
            };
            if let Err(e) = step {
                tracing::warn!(error = %e, folder = self.stream.key.folder_id, "file event stream");
                self.ended = true;
            }
        }
    }

    /// The opening message, and on a resume the rows missed.
    async fn start(&mut self) -> Result<(), DbErr> {
        match self.stream.opened {
            Opened::ReconnectRequired => {
                self.outbox.push_back(Message::ReconnectRequired);
                // The subscription row is gone: nothing to save.
                self.ended = true;
            }
            Opened::Subscribed { cursor, .. } => {
                self.outbox.push_back(Message::Subscribed);
                self.floor = cursor;
            }
            Opened::Resumed { cursor, .. } => {
                self.outbox.push_back(Message::Resumed);
                read_after(&self.stream.state, self.owner(), cursor, &mut self.pending).await?;
                self.floor = self.pending.last().map_or(cursor, |r| r.id);
                let key = self.stream.key;
                self.pending.retain(|r| !echo(&key, r));
                if !self.pending.is_empty() {
                    self.deadline = Some(Instant::now() + self.stream.debounce);
                }
            }
        }
        self.sent = self.floor;
        Ok(())
    }

    /// Waits for rows or a timer, and acts on them.
    async fn step(&mut self) -> Result<(), DbErr> {
        let wake = self
            .deadline
            .map_or(self.keep_alive_at, |d| d.min(self.keep_alive_at));
        let mail = tokio::select! {
            mail = self.stream.registration.mailbox.take() => Some(mail),
            _ = tokio::time::sleep_until(wake) => None,
        };
        match mail {
            Some(Mail::Closed) => {
                self.ended = true;
                Box::pin(self.save_end()).await?;
            }
            Some(Mail::Recheck) => {
                Box::pin(self.check_access()).await?;
            }
            Some(Mail::Batches { batches, lagged }) => {
                self.receive(batches);
                if lagged {
                    let before = self.pending.len();
                    self.folder.stale = true;
                    Box::pin(self.reread()).await?;
                    if self.pending.len() > before {
                        self.deadline = Some(Instant::now() + self.stream.debounce);
                    }
                }
            }
            None => {
                let now = Instant::now();
                let flush = self.deadline.is_some_and(|d| d <= now);
                if (flush || self.keep_alive_at <= now) && !Box::pin(self.check_access()).await? {
                    return Ok(());
                }
                if flush {
                    self.deadline = None;
                    Box::pin(self.flush()).await?;
                    self.note_after_outbox = true;
                }
                if self.keep_alive_at <= now {
                    self.keep_alive_at = now + KEEP_ALIVE;
                    self.outbox.push_back(Message::KeepAlive);
                    self.note_after_outbox = true;
                }
            }
        }
        Ok(())
    }

    /// Checks the subscriber's access again; when it no longer holds, the stream ends: what
    /// is pending is not sent, and the cursor is saved at what was (a client let in again
    /// later resumes from there). Whether it held.
    async fn check_access(&mut self) -> Result<bool, DbErr> {
        let state = &self.stream.state;
        let holds = self
            .stream
            .access
            .holds(state, self.stream.key.folder_id)
            .await?;
        if !holds {
            self.pending.clear();
            self.outbox.clear();
            self.ended = true;
            subscriptions::advance(&state.db, &self.stream.key, self.sent).await?;
        }
        Ok(holds)
    }

    /// The owner of the subscribed tree.
    fn owner(&self) -> i64 {
        self.stream.registration.owner_id()
    }

    /// Takes the rows of `batches` this stream has not had; an echo of the client's own change
    /// does not delay the others.
    fn receive(&mut self, batches: Vec<Batch>) {
        for batch in batches {
            self.folder.see(&batch.rows);
            if take(&self.stream.key, &batch, self.floor, &mut self.pending) {
                self.deadline = Some(Instant::now() + self.stream.debounce);
            }
        }
    }

    /// After a full queue: the journal's rows after `sent` that are not pending yet.
    async fn reread(&mut self) -> Result<(), DbErr> {
        let mut rows = Vec::new();
        read_after(&self.stream.state, self.owner(), self.sent, &mut rows).await?;
        let have: HashSet<i64> = self.pending.iter().map(|r| r.id).collect();
        let key = self.stream.key;
        self.pending.extend(
            rows.into_iter()
                .filter(|r| !have.contains(&r.id) && !echo(&key, r)),
        );
        self.pending.sort_by_key(|r| r.id);
        Ok(())
    }

    /// Puts the merged events of the pending rows in the outbox.
    async fn flush(&mut self) -> Result<(), DbErr> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.pending.sort_by_key(|r| r.id);
        if self.folder.stale {
            self.folder.path = match path_of(&self.stream.state.db, self.stream.key.folder_id).await
            {
                Ok(path) => Some(path),
                // The folder left the tree (trashed or deleted): nothing below it to report.
                Err(DbErr::RecordNotFound(_)) => None,
                Err(e) => return Err(e),
            };
            self.folder.stale = false;
        }
        if let Some(path) = &self.folder.path {
            let mut buf = [0; uuid::fmt::Hyphenated::LENGTH];
            let client = self.stream.key.client(&mut buf);
            let events = merge(route::events_for(&self.pending, path, client));
            self.outbox
                .extend(events.into_iter().map(|e| Message::Event(Box::new(e))));
        }
        self.sent = self
            .sent
            .max(self.pending.iter().map(|r| r.id).max().unwrap_or(0));
        self.pending = Vec::new();
        Ok(())
    }

    /// The cursor to save: when nothing is pending, everything up to the dispatcher's
    /// watermark has been sent (or did not concern this stream); otherwise none (0 never
    /// moves a cursor).
    fn cursor(&mut self) -> i64 {
        let watermark = self.stream.registration.watermark();
        if let Some(Mail::Batches { batches, lagged }) = self.stream.registration.mailbox.try_take()
        {
            self.receive(batches);
            if lagged {
                return 0;
            }
        }
        if self.pending.is_empty() && self.outbox.is_empty() {
            watermark
        } else {
            0
        }
    }

    /// Notes the cursor for the background writer when it moved (or ten minutes went by).
    fn note(&mut self) {
        let cursor = self.cursor();
        let now = Instant::now();
        let due = match self.noted {
            Some((noted, at)) => cursor > noted || now.duration_since(at) >= SEEN_EVERY,
            None => true,
        };
        if due && let Some(row) = self.stream.opened.row() {
            Cursors::of(&self.stream.state).note(row, cursor);
            self.noted = Some((cursor.max(self.noted.map_or(0, |n| n.0)), now));
        }
    }

    /// Writes the cursor at the stream's end.
    async fn save_end(&mut self) -> Result<(), DbErr> {
        let cursor = self.cursor();
        subscriptions::advance(&self.stream.state.db, &self.stream.key, cursor).await
    }
}

impl Drop for Run {
    /// The client went away: the cursor is noted for the instance's cursor writer, which the
    /// server flushes once more after its last connection ended (so a clean restart resumes
    /// exactly); a stream without a row is written by a task of its own.
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let cursor = self.cursor();
        if let Some(row) = self.stream.opened.row() {
            Cursors::of(&self.stream.state).note(row, cursor);
            return;
        }
        let (db, key) = (self.stream.state.db.clone(), self.stream.key);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = subscriptions::advance(&db, &key, cursor).await {
                    tracing::warn!(error = %e, folder = key.folder_id, "saving a file event cursor");
                }
            });
        }
    }
}

/// Adds the rows of `batch` the stream of `key` has not had to `pending`; whether any was.
fn take(key: &Key, batch: &Batch, floor: i64, pending: &mut Vec<fs_change::Model>) -> bool {
    let mut added = false;
    for row in batch.rows.iter() {
        if (row.id > floor || batch.late)
            && !echo(key, row)
            && !pending.iter().any(|p| p.id == row.id)
        {
            added = true;
            pending.push(row.clone());
        }
    }
    added
}

/// Whether `row` is the change of the client of `key` itself.
fn echo(key: &Key, row: &fs_change::Model) -> bool {
    let mut buf = [0; uuid::fmt::Hyphenated::LENGTH];
    row.client_id.as_deref() == Some(key.client(&mut buf))
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
