//! The cap on long-lived event streams one user may have open in this process
//! (`max_event_streams_per_user`, for each kind apart): each holds a connection and some work
//! for as long as it is open (a task progress stream reads the database twice a second, a
//! file event stream is fed by the journal tail and checks its access), so one account cannot
//! open them without bound. Past the cap, a new stream is refused with 429.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use super::envelope::{ApiError, ErrorCode};
use crate::state::AppState;

/// The kinds of streams, each counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// `GET /workflow/progress/:id/stream`.
    TaskProgress,
    /// `GET /file/events`.
    FileEvents,
}

impl StreamKind {
    fn noun(self) -> &'static str {
        match self {
            StreamKind::TaskProgress => "task progress streams",
            StreamKind::FileEvents => "file event streams",
        }
    }
}

/// Streams open per kind and user in this process.
#[derive(Default)]
struct OpenStreams(Mutex<HashMap<(StreamKind, i64), usize>>);

impl OpenStreams {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<(StreamKind, i64), usize>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One open stream of a user, given back when it is dropped (with the stream).
pub struct StreamPlace {
    open: Arc<OpenStreams>,
    key: (StreamKind, i64),
}

impl StreamPlace {
    /// A place for a stream of `kind` of `user`, or 429 when they have all theirs open.
    pub fn take(state: &AppState, kind: StreamKind, user: i64) -> Result<Self, ApiError> {
        let max = state.config.max_event_streams_per_user;
        let open = state.part(|_| OpenStreams::default());
        let key = (kind, user);
        {
            let mut counts = open.counts();
            let count = counts.entry(key).or_default();
            if max > 0 && *count >= max {
                return Err(ApiError::new(
                    ErrorCode::TooManyRequests,
                    format!("At most {max} {} may be open at once", kind.noun()),
                ));
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
