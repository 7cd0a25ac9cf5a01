//! The listening socket: TCP_NODELAY on every accepted connection, so small responses on a
//! keep-alive connection are not held back ~40 ms by Nagle's algorithm and delayed ACKs.
//!
//! Each connection can also be aborted by the response it carries ([`abort_handle`]). A
//! streamed body that fails midway must reach the client as a broken transfer; returning an
//! error from the body is not enough, because poem polls the finished hyper connection once
//! more for its graceful shutdown, and that poll writes the chunked terminator, so the client
//! would see a complete (truncated) response. An aborted connection refuses every further
//! write instead, and is closed without the terminator.

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
};

/// A TCP acceptor that disables Nagle's algorithm on each connection.
pub struct NoDelayAcceptor(TcpAcceptor);

impl NoDelayAcceptor {
    pub fn new(listener: tokio::net::TcpListener) -> std::io::Result<Self> {
        Ok(Self(TcpAcceptor::from_tokio(listener)?))
    }
}

impl Acceptor for NoDelayAcceptor {
    type Io = Connection;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.0.local_addr()
    }

    async fn accept(&mut self) -> std::io::Result<(Connection, LocalAddr, RemoteAddr, Scheme)> {
        let (stream, local, remote, scheme) = self.0.accept().await?;
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "could not set TCP_NODELAY");
        }
        // Keyed by the addresses requests see, so `abort_handle` finds it.
        let key = match (&local.0, &remote.0) {
            (Addr::SocketAddr(l), Addr::SocketAddr(r)) => Some((*l, *r)),
            _ => None,
        };
        Ok((Connection::new(stream, key), local, remote, scheme))
    }
}

/// Open connections by (local, peer) address: unique while a connection lives.
type Key = (SocketAddr, SocketAddr);
static OPEN: LazyLock<Mutex<HashMap<Key, AbortHandle>>> = LazyLock::new(Default::default);

fn open() -> std::sync::MutexGuard<'static, HashMap<Key, AbortHandle>> {
    OPEN.lock().unwrap_or_else(|e| e.into_inner())
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
/// [`NoDelayAcceptor`].
pub fn abort_handle(req: &Request) -> Option<AbortHandle> {
    match (&req.local_addr().0, &req.remote_addr().0) {
        (Addr::SocketAddr(local), Addr::SocketAddr(peer)) => open().get(&(*local, *peer)).cloned(),
        _ => None,
    }
}

/// An accepted TCP connection that can be aborted; it leaves the registry when dropped.
pub struct Connection {
    stream: TcpStream,
    key: Option<Key>,
    abort: AbortHandle,
}

impl Connection {
    fn new(stream: TcpStream, key: Option<Key>) -> Self {
        let abort = AbortHandle::default();
        if let Some(key) = key {
            open().insert(key, abort.clone());
        }
        Self { stream, key, abort }
    }

    fn refuse(&self) -> Option<io::Error> {
        self.abort
            .aborted()
            .then(|| io::Error::new(io::ErrorKind::ConnectionAborted, "response aborted"))
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut open = open();
            // Only our own entry: the address pair may already belong to a newer connection.
            if open
                .get(&key)
                .is_some_and(|h| Arc::ptr_eq(&h.0, &self.abort.0))
            {
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
        Pin::new(&mut self.stream).poll_read(cx, buf)
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
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(err) = self.refuse() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(err) = self.refuse() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
