//! A deadline polled from inside `poll_*` functions, so an IO wrapper can fail a read or a
//! write that has waited too long without a task of its own.
//!
//! The timer is re-armed lazily: moving the deadline later costs nothing until the timer
//! fires, and a timer that fires before the current deadline is simply set again. A steady
//! transfer, whose deadline moves with every chunk, so touches the timer about once per
//! timeout instead of once per chunk.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use tokio::time::{Instant, Sleep};

#[derive(Default)]
pub(crate) struct Deadline {
    timer: Option<Pin<Box<Sleep>>>,
}

impl Deadline {
    /// `Ready` once `at` has passed; otherwise the task is woken when it may have.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>, at: Instant) -> Poll<()> {
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        if timer.deadline() > at {
            timer.as_mut().reset(at);
        }
        loop {
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if Instant::now() >= at {
                return Poll::Ready(());
            }
            // Fired for an earlier deadline that has since moved on.
            timer.as_mut().reset(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Polls once; `true` when ready.
    async fn ready(deadline: &mut Deadline, at: Instant) -> bool {
        std::future::poll_fn(|cx| Poll::Ready(deadline.poll(cx, at).is_ready())).await
    }

    #[tokio::test]
    async fn fires_at_the_latest_deadline_and_never_before() {
        let mut deadline = Deadline::default();
        let first = Instant::now() + Duration::from_millis(20);
        assert!(!ready(&mut deadline, first).await);
        // Moved later: the timer armed for the first deadline fires and is set again.
        let later = first + Duration::from_millis(30);
        std::future::poll_fn(|cx| deadline.poll(cx, later)).await;
        assert!(Instant::now() >= later);
        // Moved earlier than an armed timer: it is brought forward.
        let far = Instant::now() + Duration::from_secs(3600);
        assert!(!ready(&mut deadline, far).await);
        let near = Instant::now() + Duration::from_millis(10);
        std::future::poll_fn(|cx| deadline.poll(cx, near)).await;
        assert!(Instant::now() >= near);
        assert!(ready(&mut deadline, near).await);
    }
}
