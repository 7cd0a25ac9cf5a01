//! The task progress streams open in this process (`/workflow/progress/:id/stream`): each
//! reads the database twice a second for as long as it is open, so one user's are capped
//! (`max_event_streams_per_user`), and `/metrics` shows how many are open.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use super::QueueError;
use crate::state::AppState;

/// Open streams per user.
#[derive(Default)]
struct OpenStreams(Mutex<HashMap<i64, usize>>);

impl OpenStreams {
    fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Self::default())
    }

    fn counts(&self) -> MutexGuard<'_, HashMap<i64, usize>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One open stream of a user, given back when dropped.
pub struct StreamPlace {
    open: Arc<OpenStreams>,
    user: i64,
}

impl StreamPlace {
    /// A place for one more stream of `user`; [`QueueError::TooManyStreams`] when the user
    /// has as many open as the cap.
    pub fn take(state: &AppState, user: i64) -> Result<Self, QueueError> {
        let max = state.config.max_event_streams_per_user;
        let open = OpenStreams::of(state);
        {
            let mut counts = open.counts();
            let count = counts.entry(user).or_default();
            if max > 0 && *count >= max {
                return Err(QueueError::TooManyStreams(max));
            }
            *count += 1;
        }
        Ok(Self { open, user })
    }
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut counts = self.open.counts();
        if let Some(count) = counts.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.user);
            }
        }
    }
}

/// Progress streams open in this process, every user's.
pub fn open(state: &AppState) -> usize {
    OpenStreams::of(state).counts().values().sum()
}
