//! The middleware that ties each request to its connection's [`Activity`](super::activity):
//! the request counts as in flight from the moment it reaches the app until its response
//! body is done or dropped, so the connection's idle and header timeouts never cut a slow
//! handler or a long download. It also gives the request body its progress timeout: a body
//! that delivers nothing for `body_timeout` while the handler waits for it fails with
//! `TimedOut`, the handler's answer ends the request, and the connection, whose body was
//! left unread, is closed after it.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use poem::{Endpoint, IntoResponse, Request, Response};
use tokio::time::Instant;

use super::{activity::Busy, deadline::Deadline};

/// Serves `req` through `next`, tracked on its connection and with its body's timeout.
pub async fn track<E: Endpoint>(
    next: &E,
    mut req: Request,
    body_timeout: Option<Duration>,
) -> Response {
    let busy = super::shared(&req).map(|conn| conn.begin());
    if let Some(timeout) = body_timeout {
        let body = req.take_body();
        req.set_body(stalling(body, timeout));
    }
    let mut resp = match next.call(req).await {
        Ok(resp) => resp.into_response(),
        Err(err) => err.into_response(),
    };
    if let Some(busy) = busy {
        let body: BoxBody<Bytes, io::Error> = resp.take_body().into();
        resp.set_body(poem::Body::from(BoxBody::new(Tracked {
            inner: body,
            _busy: busy,
        })));
    }
    resp
}

fn stalling(body: poem::Body, timeout: Duration) -> poem::Body {
    BoxBody::new(Stalling {
        inner: body.into(),
        timeout,
        waiting_since: None,
        deadline: Deadline::default(),
        failed: false,
    })
    .into()
}

/// A request body that fails when its client sends nothing for `timeout` while read.
struct Stalling {
    inner: BoxBody<Bytes, io::Error>,
    timeout: Duration,
    /// Start of the current wait for the client; `None` while data flows.
    waiting_since: Option<Instant>,
    deadline: Deadline,
    failed: bool,
}

impl HttpBody for Stalling {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        if this.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.waiting_since = None;
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let since = *this.waiting_since.get_or_insert_with(Instant::now);
                if this.deadline.poll(cx, since + this.timeout).is_pending() {
                    return Poll::Pending;
                }
                this.failed = true;
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client sent nothing of the request body for too long",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its request in flight until it is done or dropped; the size
/// hint is passed on, so `Content-Length` survives.
struct Tracked {
    inner: BoxBody<Bytes, io::Error>,
    _busy: Busy,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_steady_body_passes_and_a_stalled_one_fails() {
        // Ten chunks with pauses far below the timeout: the body passes whole.
        let steady = futures_util::stream::iter(0..10u8).then(|i| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok::<_, io::Error>(Bytes::from(vec![i; 10]))
        });
        let body = stalling(
            poem::Body::from_bytes_stream(steady),
            Duration::from_secs(30),
        );
        assert_eq!(body.into_vec().await.unwrap().len(), 100);

        // One chunk, then nothing ever again.
        let stalled = futures_util::stream::iter([Ok::<_, io::Error>(Bytes::from_static(b"x"))])
            .chain(futures_util::stream::pending());
        let err = stalling(
            poem::Body::from_bytes_stream(stalled),
            Duration::from_millis(20),
        )
        .into_vec()
        .await
        .unwrap_err();
        assert!(err.to_string().contains("request body"), "{err}");
    }
}
