//! The listening socket and the connections it accepts.
//!
//! Every connection gets TCP_NODELAY, so small responses on a keep-alive connection are not
//! held back ~40 ms by Nagle's algorithm and delayed ACKs.
//!
//! Slow or stalled clients cannot hold connections forever ([`Limits`]): a connection that
//! carries no request is closed when no byte of a new one arrives within the idle timeout,
//! or when a request head that has begun is not whole within the header timeout; a request
//! body that delivers nothing for the body timeout while the handler waits for it fails
//! (`requests.rs`), and so does a response the client takes nothing of for as long (a
//! write that waits). Timeouts count only waiting on the client: a slow handler, a long
//! download or a slow but steady upload never hits them. At most `max_connections` are
//! open at once; past that the acceptor stops accepting, so further clients wait in the
//! kernel's listen backlog, spending no descriptor, until a connection closes (refusing them
//! instead would fail a browser's burst of parallel requests; every connection is bounded
//! by the timeouts, so a slot always comes back). One client address holds at most
//! `max_per_address` of them (`per_address.rs`): past that its new connections are answered
//! 429 and closed at once, so the slots left stay free for other clients.
//!
//! Each connection can also be aborted by the response it carries ([`abort_handle`]). A
//! streamed body that fails midway must reach the client as a broken transfer; returning an
//! error from the body is not enough, because poem polls the finished hyper connection once
//! more for its graceful shutdown, and that poll writes the chunked terminator, so the client
//! would see a complete (truncated) response. An aborted connection refuses every further
//! write instead, and is closed without the terminator.

mod activity;
mod deadline;
pub mod guard;
mod per_address;
mod requests;

use std::{
    collections::HashMap,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc, LazyLock, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use poem::{
    Addr, Request,
    http::uri::Scheme,
    listener::{Acceptor, TcpAcceptor},
    web::{LocalAddr, RemoteAddr},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    sync::{OwnedSemaphorePermit, Semaphore},
    time::Instant,
};

use self::{
    activity::{Shared, Waiting},
    deadline::Deadline,
    per_address::{AddressSlot, PerAddress},
};
pub use self::{per_address::client_network, requests::track};
use crate::config::{Cidrs, Config};

/// How long a connection may wait on its client, and how many may be open; `None` is no
/// limit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// From the first byte of a request head to its end.
    pub header_timeout: Option<Duration>,
    /// A connection carrying no request, before the first byte of the next one.
    pub idle_timeout: Option<Duration>,
    /// A request body that delivers nothing, or a response the client takes nothing of.
    pub body_timeout: Option<Duration>,
    /// Connections open at once.
    pub max_connections: Option<usize>,
    /// Connections open at once from one client address.
    pub max_per_address: Option<usize>,
}

impl Limits {
    /// The limits the configuration sets; zero turns one off.
    pub fn of(config: &Config) -> Self {
        let secs = |s: u64| (s > 0).then(|| Duration::from_secs(s));
        Self {
            header_timeout: secs(config.http_header_timeout_secs),
            idle_timeout: secs(config.http_idle_timeout_secs),
            body_timeout: secs(config.http_body_timeout_secs),
            max_connections: (config.http_max_connections > 0)
                .then_some(config.http_max_connections),
            max_per_address: (config.http_max_connections_per_address > 0)
                .then_some(config.http_max_connections_per_address),
        }
    }
}

/// A TCP acceptor that disables Nagle's algorithm on each connection and applies [`Limits`].
pub struct GuardedAcceptor {
    inner: TcpAcceptor,
    limits: Limits,
    slots: Option<Arc<Semaphore>>,
    per_address: Option<PerAddress>,
}

impl GuardedAcceptor {
    /// `trusted_proxies` carry many clients on their connections and are not held to
    /// `max_per_address`.
    pub fn new(
        listener: tokio::net::TcpListener,
        limits: Limits,
        trusted_proxies: Cidrs,
    ) -> std::io::Result<Self> {
        Ok(Self {
            inner: TcpAcceptor::from_tokio(listener)?,
            limits,
            slots: limits.max_connections.map(|n| Arc::new(Semaphore::new(n))),
            per_address: limits
                .max_per_address
                .map(|n| PerAddress::new(n, trusted_proxies)),
        })
    }
}

/// What a client past its address's limit gets before the connection closes: written
/// without waiting (it fits any socket buffer), so it costs the acceptor nothing.
const TOO_MANY: &[u8] =
    b"HTTP/1.1 429 Too Many Requests\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

impl Acceptor for GuardedAcceptor {
    type Io = Connection;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> std::io::Result<(Connection, LocalAddr, RemoteAddr, Scheme)> {
        loop {
            // A free slot first: until one is, new clients wait in the listen backlog.
            let slot = match &self.slots {
                Some(slots) => Some(
                    slots
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("the semaphore is never closed"),
                ),
                None => None,
            };
            let (stream, local, remote, scheme) = self.inner.accept().await?;
            let address_slot = match (&self.per_address, &remote.0) {
                (Some(limit), Addr::SocketAddr(peer)) => match limit.take(peer.ip()) {
                    Some(place) => Some(place),
                    None => {
                        tracing::debug!(peer = %peer.ip(), "too many connections from one address");
                        let _ = stream.try_write(TOO_MANY);
                        continue;
                    }
                },
                _ => None,
            };
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY");
            }
            // Keyed by the addresses requests see, so `abort_handle` and `track` find it.
            let key = match (&local.0, &remote.0) {
                (Addr::SocketAddr(l), Addr::SocketAddr(r)) => Some((*l, *r)),
                _ => None,
            };
            let conn = Connection::new(stream, key, self.limits, slot, address_slot);
            return Ok((conn, local, remote, scheme));
        }
    }
}

/// Open connections by (local, peer) address: unique while a connection lives.
type Key = (SocketAddr, SocketAddr);
static OPEN: LazyLock<Mutex<HashMap<Key, Arc<Shared>>>> = LazyLock::new(Default::default);

fn open() -> std::sync::MutexGuard<'static, HashMap<Key, Arc<Shared>>> {
    OPEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// The state of the connection `req` came on, when it came through [`GuardedAcceptor`].
fn shared(req: &Request) -> Option<Arc<Shared>> {
    match (&req.local_addr().0, &req.remote_addr().0) {
        (Addr::SocketAddr(local), Addr::SocketAddr(peer)) => open().get(&(*local, *peer)).cloned(),
        _ => None,
    }
}

/// Aborts one connection: after [`AbortHandle::abort`], nothing more is written to it.
#[derive(Debug, Clone, Default)]
pub struct AbortHandle(Arc<AtomicBool>);

impl AbortHandle {
    pub fn abort(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn aborted(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The abort handle of the connection `req` came on, when it came through
/// [`GuardedAcceptor`].
pub fn abort_handle(req: &Request) -> Option<AbortHandle> {
    shared(req).map(|conn| conn.abort.clone())
}

fn timed_out(what: &str) -> io::Error {
    tracing::debug!(what, "closing a connection whose client stalled");
    io::Error::new(io::ErrorKind::TimedOut, format!("{what} timed out"))
}

/// An accepted TCP connection with its timeouts, which can be aborted; it leaves the
/// registry, and gives back its slot, when dropped.
pub struct Connection {
    stream: TcpStream,
    key: Option<Key>,
    shared: Arc<Shared>,
    limits: Limits,
    read_deadline: Deadline,
    write_deadline: Deadline,
    /// Start of the current wait for the client to take what is written; `None` while it
    /// does.
    write_waiting_since: Option<Instant>,
    /// The last write that went through.
    last_write: Instant,
    _slot: Option<OwnedSemaphorePermit>,
    _address_slot: Option<AddressSlot>,
}

impl Connection {
    fn new(
        stream: TcpStream,
        key: Option<Key>,
        limits: Limits,
        slot: Option<OwnedSemaphorePermit>,
        address_slot: Option<AddressSlot>,
    ) -> Self {
        let shared = Arc::new(Shared::new());
        if let Some(key) = key {
            open().insert(key, shared.clone());
        }
        Self {
            stream,
            key,
            shared,
            limits,
            read_deadline: Deadline::default(),
            write_deadline: Deadline::default(),
            write_waiting_since: None,
            last_write: Instant::now(),
            _slot: slot,
            _address_slot: address_slot,
        }
    }

    fn refuse(&self) -> Option<io::Error> {
        self.shared
            .abort
            .aborted()
            .then(|| io::Error::new(io::ErrorKind::ConnectionAborted, "response aborted"))
    }

    /// A read is waiting: whether the header or idle timeout has run out. Idle counts from
    /// the last write too, so the tail of a response a slow client still takes is no idle
    /// time.
    fn read_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let at = match self.shared.waiting(cx.waker()) {
            Waiting::Body => None,
            Waiting::Head(since) => self.limits.header_timeout.map(|limit| since + limit),
            Waiting::Request(since) => self
                .limits
                .idle_timeout
                .map(|limit| since.max(self.last_write) + limit),
        };
        at.is_some_and(|at| self.read_deadline.poll(cx, at).is_ready())
    }

    /// A write is waiting: whether the client has taken nothing for the body timeout.
    fn write_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(limit) = self.limits.body_timeout else {
            return false;
        };
        let since = *self.write_waiting_since.get_or_insert_with(Instant::now);
        self.write_deadline.poll(cx, since + limit).is_ready()
    }

    /// The outcome of a write: an answer ends a wait; a wait that ran out fails the write.
    fn written(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if let Poll::Ready(Ok(n)) = poll
            && n > 0
        {
            self.last_write = Instant::now();
        }
        self.waited(cx, poll)
    }

    /// A write or flush that answered ends a wait; one that waited too long fails.
    fn waited<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.write_waiting_since = None;
                Poll::Ready(result)
            }
            Poll::Pending if self.write_expired(cx) => {
                Poll::Ready(Err(timed_out("sending to the client")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut open = open();
            // Only our own entry: the address pair may already belong to a newer connection.
            if open.get(&key).is_some_and(|s| Arc::ptr_eq(s, &self.shared)) {
                open.remove(&key);
            }
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let filled = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > filled {
                    self.shared.bytes_read();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending if self.read_expired(cx) => {
                Poll::Ready(Err(timed_out("waiting for a request")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(err) = self.refuse() {
            return Poll::Ready(Err(err));
        }
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.written(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(err) = self.refuse() {
            return Poll::Ready(Err(err));
        }
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.written(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(err) = self.refuse() {
            return Poll::Ready(Err(err));
        }
        let poll = Pin::new(&mut self.stream).poll_flush(cx);
        self.waited(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::{io::AsyncWriteExt, net::TcpListener};

    use super::*;

    async fn acceptor(limits: Limits) -> (GuardedAcceptor, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        (
            GuardedAcceptor::new(listener, limits, Cidrs::default()).unwrap(),
            addr,
        )
    }

    #[tokio::test]
    async fn past_the_cap_a_client_waits_for_a_free_slot() {
        let limits = Limits {
            max_connections: Some(1),
            ..Limits::default()
        };
        let (mut acceptor, addr) = acceptor(limits).await;
        let _a = TcpStream::connect(addr).await.unwrap();
        let (first, ..) = acceptor.accept().await.unwrap();
        // Connected, so waiting in the listen backlog, but not taken while the slot is held.
        let _b = TcpStream::connect(addr).await.unwrap();
        let mut second = Box::pin(acceptor.accept());
        assert!(
            tokio::time::timeout(Duration::from_millis(200), &mut second)
                .await
                .is_err(),
            "a connection was accepted past the cap"
        );
        drop(first);
        tokio::time::timeout(Duration::from_secs(30), second)
            .await
            .expect("a freed slot lets the waiting client in")
            .unwrap();
    }

    #[tokio::test]
    async fn a_client_that_takes_nothing_of_a_response_is_dropped() {
        let limits = Limits {
            body_timeout: Some(Duration::from_millis(200)),
            ..Limits::default()
        };
        let (mut acceptor, addr) = acceptor(limits).await;
        // Connected and never read from: the kernel's buffers fill, then writes wait.
        let _client = TcpStream::connect(addr).await.unwrap();
        let (mut conn, ..) = acceptor.accept().await.unwrap();
        let chunk = vec![0u8; 64 * 1024];
        let err = tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                if let Err(err) = conn.write_all(&chunk).await {
                    return err;
                }
            }
        })
        .await
        .expect("the stalled write gives up");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    }
}
