//! The cap on long-lived event streams one user may have open in this process
//! (`max_event_streams_per_user`, for each kind apart): each holds a connection and some work
//! for as long as it is open (a task progress stream reads the database twice a second, a
//! file event stream is fed by the journal tail and checks its access), so one account cannot
//! open them without bound. `/metrics` shows how many of each kind are open.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use crate::state::AppState;

/// The kinds of streams, each counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// `GET /workflow/progress/:id/stream`.
    TaskProgress,
    /// `GET /file/events`.
    FileEvents,
    /// The sync clients' push socket (`dav/push.rs`).
    SyncPush,
}

impl StreamKind {
    fn noun(self) -> &'static str {
        match self {
            StreamKind::TaskProgress => "task progress streams",
            StreamKind::FileEvents => "file event streams",
            StreamKind::SyncPush => "sync push connections",
        }
    }
}

/// The user has as many streams of a kind open as the cap.
#[derive(Debug, thiserror::Error)]
#[error("At most {max} {noun} may be open at once")]
pub struct TooManyStreams {
    pub max: usize,
    pub noun: &'static str,
}

/// Streams open per kind and user in this process.
#[derive(Default)]
struct OpenStreams(Mutex<HashMap<(StreamKind, i64), usize>>);

impl OpenStreams {
    fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Self::default())
    }

    fn counts(&self) -> MutexGuard<'_, HashMap<(StreamKind, i64), usize>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One open stream of a user, given back when it is dropped (with the stream).
pub struct StreamPlace {
    open: Arc<OpenStreams>,
    key: (StreamKind, i64),
}

impl StreamPlace {
    /// A place for a stream of `kind` of `user`, or [`TooManyStreams`] when they have all
    /// theirs open.
    pub fn take(state: &AppState, kind: StreamKind, user: i64) -> Result<Self, TooManyStreams> {
        let max = state.config.max_event_streams_per_user;
        let open = OpenStreams::of(state);
        let key = (kind, user);
        {
            let mut counts = open.counts();
            let count = counts.entry(key).or_default();
            if max > 0 && *count >= max {
                return Err(TooManyStreams {
                    max,
                    noun: kind.noun(),
                });
            }
            *count += 1;
        }
        Ok(Self { open, key })
    }
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut counts = self.open.counts();
        if let Some(count) = counts.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// Streams of `kind` open in this process, every user's.
pub fn open(state: &AppState, kind: StreamKind) -> usize {
    OpenStreams::of(state)
        .counts()
        .iter()
        .filter(|((k, _), _)| *k == kind)
        .map(|(_, n)| n)
        .sum()
}
