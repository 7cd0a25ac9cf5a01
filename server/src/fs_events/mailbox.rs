//! The dispatcher's queue to one stream: a few batches behind a lock and the waker of the
//! stream that reads them. One small allocation per stream, where a channel allocates a block
//! of slots up front (about a kilobyte), which adds up over thousands of idle streams.

use std::{
    sync::Mutex,
    task::{Context, Poll},
};

use futures_util::task::AtomicWaker;

use super::dispatcher::Batch;

/// Batches queued at most; past that the stream is told it lagged and reads the journal.
const QUEUE: usize = 8;

/// What the stream finds in its mailbox.
pub enum Mail {
    /// Batches, oldest first; `lagged` when some did not fit and were dropped.
    Batches { batches: Vec<Batch>, lagged: bool },
    /// The dispatcher let go of the stream (replaced by a newer connection, server stopping).
    Closed,
    /// Access may have narrowed (`crate::access_watch`): the stream checks it again now.
    Recheck,
}

#[derive(Default)]
pub struct Mailbox {
    inbox: Mutex<Inbox>,
    waker: AtomicWaker,
}

#[derive(Default)]
struct Inbox {
    batches: Vec<Batch>,
    lagged: bool,
    closed: bool,
    recheck: bool,
}

impl Mailbox {
    fn inbox(&self) -> std::sync::MutexGuard<'_, Inbox> {
        self.inbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `batch`, or marks the stream lagged when the queue is full.
    pub fn put(&self, batch: Batch) {
        {
            let mut inbox = self.inbox();
            if inbox.batches.len() < QUEUE {
                inbox.batches.push(batch);
            } else {
                inbox.lagged = true;
            }
        }
        self.waker.wake();
    }

    /// Ends the stream once it has taken what is queued.
    pub fn close(&self) {
        self.inbox().closed = true;
        self.waker.wake();
    }

    /// Asks the stream to check its access again.
    pub fn recheck(&self) {
        self.inbox().recheck = true;
        self.waker.wake();
    }

    /// What is queued now, without waiting (`None` when nothing is). A pending recheck stays
    /// for [`take`](Self::take).
    pub fn try_take(&self) -> Option<Mail> {
        let mut inbox = self.inbox();
        if !inbox.batches.is_empty() || inbox.lagged {
            let batches = std::mem::take(&mut inbox.batches);
            let lagged = std::mem::replace(&mut inbox.lagged, false);
            return Some(Mail::Batches { batches, lagged });
        }
        inbox.closed.then_some(Mail::Closed)
    }

    /// Waits for mail.
    pub fn poll_take(&self, cx: &mut Context<'_>) -> Poll<Mail> {
        if let Some(mail) = self.take_any() {
            return Poll::Ready(mail);
        }
        self.waker.register(cx.waker());
        // Again after registering: a put in between would otherwise go unnoticed.
        match self.take_any() {
            Some(mail) => Poll::Ready(mail),
            None => Poll::Pending,
        }
    }

    /// [`try_take`](Self::try_take), then a pending recheck.
    fn take_any(&self) -> Option<Mail> {
        self.try_take().or_else(|| {
            std::mem::replace(&mut self.inbox().recheck, false).then_some(Mail::Recheck)
        })
    }

    /// Waits for mail.
    pub async fn take(&self) -> Mail {
        std::future::poll_fn(|cx| self.poll_take(cx)).await
    }
}
