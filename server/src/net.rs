//! The listening socket: TCP_NODELAY on every accepted connection, so small responses on a
//! keep-alive connection are not held back ~40 ms by Nagle's algorithm and delayed ACKs.

use poem::{
    http::uri::Scheme,
    listener::{Acceptor, TcpAcceptor},
    web::{LocalAddr, RemoteAddr},
};
use tokio::net::TcpStream;

/// A TCP acceptor that disables Nagle's algorithm on each connection.
pub struct NoDelayAcceptor(TcpAcceptor);

impl NoDelayAcceptor {
    pub fn new(listener: tokio::net::TcpListener) -> std::io::Result<Self> {
        Ok(Self(TcpAcceptor::from_tokio(listener)?))
    }
}

impl Acceptor for NoDelayAcceptor {
    type Io = TcpStream;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.0.local_addr()
    }

    async fn accept(&mut self) -> std::io::Result<(TcpStream, LocalAddr, RemoteAddr, Scheme)> {
        let (stream, local, remote, scheme) = self.0.accept().await?;
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "could not set TCP_NODELAY");
        }
        Ok((stream, local, remote, scheme))
    }
}
