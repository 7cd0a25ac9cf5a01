//! What one connection is doing, shared by its IO wrapper and the requests it carries: how
//! many requests are in flight, since when it has carried none, and when the first byte of
//! the next request arrived. The wrapper reads it to choose the timeout that applies to a
//! waiting read; [`Busy`] guards, held by each request until its response body is done,
//! keep it up to date.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    task::Waker,
};

use tokio::time::Instant;

use super::AbortHandle;

/// One connection's state, registered under its addresses for the requests to find.
pub(crate) struct Shared {
    pub(crate) abort: AbortHandle,
    activity: Mutex<Activity>,
}

struct Activity {
    requests: usize,
    /// When the last request ended (or the connection opened).
    idle_since: Instant,
    /// When the first byte after `idle_since` arrived: a request head is on its way.
    head_since: Option<Instant>,
    /// The task waiting to read while requests were in flight, woken when they are done
    /// so that its read picks up the idle deadline (HTTP/2 would not read again by itself).
    reader: Option<Waker>,
}

impl Shared {
    pub(crate) fn new() -> Self {
        Self {
            abort: AbortHandle::default(),
            activity: Mutex::new(Activity {
                requests: 0,
                idle_since: Instant::now(),
                head_since: None,
                reader: None,
            }),
        }
    }

    fn activity(&self) -> MutexGuard<'_, Activity> {
        self.activity.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived: with no request in flight, they start the next request's head.
    pub(crate) fn bytes_read(&self) {
        let mut activity = self.activity();
        if activity.requests == 0 && activity.head_since.is_none() {
            activity.head_since = Some(Instant::now());
        }
    }

    /// What a read that waits now is waiting for. While requests are in flight the reading
    /// task is remembered, to be woken when they are done.
    pub(crate) fn waiting(&self, waker: &Waker) -> Waiting {
        let mut activity = self.activity();
        if activity.requests > 0 {
            if !activity.reader.as_ref().is_some_and(|w| w.will_wake(waker)) {
                activity.reader = Some(waker.clone());
            }
            return Waiting::Body;
        }
        match activity.head_since {
            Some(since) => Waiting::Head(since),
            None => Waiting::Request(activity.idle_since),
        }
    }

    /// Marks a request in flight until the returned guard is dropped.
    pub(crate) fn begin(self: &Arc<Self>) -> Busy {
        let mut activity = self.activity();
        activity.requests += 1;
        activity.head_since = None;
        Busy(self.clone())
    }
}

/// What a waiting read waits for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// A request is in flight: its body, if anything (it has a timeout of its own).
    Body,
    /// The rest of a request head whose first byte came at this instant.
    Head(Instant),
    /// The first byte of a request, none having been in flight since this instant.
    Request(Instant),
}

/// One request in flight on a connection.
pub(crate) struct Busy(Arc<Shared>);

impl Drop for Busy {
    fn drop(&mut self) {
        let reader = {
            let mut activity = self.0.activity();
            activity.requests -= 1;
            if activity.requests > 0 {
                return;
            }
            activity.idle_since = Instant::now();
            activity.head_since = None;
            activity.reader.take()
        };
        if let Some(reader) = reader {
            reader.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_read_waits_for_follows_the_requests() {
        let waker = Waker::noop();
        let before = Instant::now();
        let shared = Arc::new(Shared::new());
        // Idle from the start.
        let Waiting::Request(since) = shared.waiting(waker) else {
            panic!("not idle");
        };
        assert!(since >= before && since <= Instant::now());
        // A first byte: a head is on its way, from then on however many bytes follow.
        let first = Instant::now();
        shared.bytes_read();
        let head = shared.waiting(waker);
        shared.bytes_read();
        assert_eq!(shared.waiting(waker), head);
        let Waiting::Head(since) = head else {
            panic!("no head");
        };
        assert!(since >= first && since <= Instant::now());
        // In flight: the body, whatever arrives.
        let busy = shared.begin();
        let second = shared.begin();
        shared.bytes_read();
        assert_eq!(shared.waiting(waker), Waiting::Body);
        drop(busy);
        assert_eq!(shared.waiting(waker), Waiting::Body);
        // Done: idle again, from the end of the last request.
        let ended = Instant::now();
        drop(second);
        let Waiting::Request(since) = shared.waiting(waker) else {
            panic!("not idle");
        };
        assert!(since >= ended && since <= Instant::now());
    }
}
