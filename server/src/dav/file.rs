//! Open files: a reader streaming from the storage driver (with seeks for ranges) and a
//! writer streaming the request body into [`upload::stream::write`].

use std::{
    fmt,
    io::SeekFrom,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use bytes::{Buf, Bytes};
use dav_server::fs::{DavFile, DavMetaData, FsError, FsFuture};
use futures_util::{FutureExt, StreamExt, stream};
use tokio::{sync::mpsc, task::JoinHandle};

use stratus_entity::entity;

use super::{error::upload_err, meta::Meta, session::Session};
use crate::nextcloud::dav::oc::headers::Verifier;
use crate::{
    download::{link, speed},
    fs::{drive::verified::verified, uri::FileUri},
    storage::{ByteRange, ByteStream, StorageDriver},
    upload::{
        granted,
        stream::{Found, StreamWrite, write, write_found},
    },
};

/// The stored version a [`Reader`] streams.
pub struct Blob {
    pub driver: Arc<dyn StorageDriver>,
    pub entity: entity::Model,
}

/// A file being read.
pub struct Reader {
    pub session: Arc<Session>,
    pub meta: Meta,
    /// The file's name: a presigned URL's type and disposition follow it.
    name: String,
    /// `None` for an empty file without a version.
    blob: Option<Blob>,
    /// Whether a GET may be redirected to a provider URL.
    redirect: bool,
    pos: u64,
    /// In a mutex only to be `Sync` as dav-server wants; `&mut self` reaches it unlocked.
    stream: Option<std::sync::Mutex<ByteStream>>,
    buf: Bytes,
}

impl Reader {
    pub fn new(session: Arc<Session>, meta: Meta, name: String, blob: Option<Blob>) -> Self {
        Self {
            session,
            meta,
            name,
            blob,
            redirect: true,
            pos: 0,
            stream: None,
            buf: Bytes::new(),
        }
    }

    /// The same reader, always streaming the bytes itself.
    pub fn without_redirect(self) -> Self {
        Self {
            redirect: false,
            ..self
        }
    }

    /// The caller's group speed limit in bytes per second (0: none), as for API downloads.
    fn speed_limit(&self) -> u64 {
        self.session.me.group.speed_limit.max(0) as u64
    }

    async fn read(&mut self, count: usize) -> Result<Bytes, FsError> {
        loop {
            if !self.buf.is_empty() {
                let n = count.min(self.buf.len());
                self.pos += n as u64;
                return Ok(self.buf.split_to(n));
            }
            if self.pos >= self.meta.len {
                return Ok(Bytes::new());
            }
            let Some(blob) = &self.blob else {
                return Ok(Bytes::new());
            };
            if self.stream.is_none() {
                let range = (self.pos > 0).then_some(ByteRange::From(self.pos));
                let object = blob
                    .driver
                    .get(&blob.entity.source, range)
                    .await
                    .map_err(|e| {
                        tracing::warn!(error = %e, "WebDAV read failed");
                        FsError::GeneralFailure
                    })?;
                let stream = speed::throttle(object.stream, self.speed_limit());
                self.stream = Some(std::sync::Mutex::new(stream));
            }
            let stream = self
                .stream
                .as_mut()
                .expect("opened")
                .get_mut()
                .map_err(|_| FsError::GeneralFailure)?;
            match stream.next().await {
                Some(Ok(piece)) => self.buf = piece,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "WebDAV read failed");
                    return Err(FsError::GeneralFailure);
                }
                None => return Ok(Bytes::new()),
            }
        }
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("meta", &self.meta)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl DavFile for Reader {
    fn metadata(&mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let meta: Box<dyn DavMetaData> = Box::new(self.meta.clone());
        async move { Ok(meta) }.boxed()
    }

    fn write_buf(&mut self, _buf: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        async { Err(FsError::Forbidden) }.boxed()
    }

    fn write_bytes(&mut self, _buf: Bytes) -> FsFuture<'_, ()> {
        async { Err(FsError::Forbidden) }.boxed()
    }

    fn read_bytes(&mut self, count: usize) -> FsFuture<'_, Bytes> {
        self.read(count).boxed()
    }

    fn seek(&mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.meta.len.checked_add_signed(d),
        };
        async move {
            let target = target.ok_or(FsError::GeneralFailure)?;
            if target != self.pos {
                self.pos = target;
                self.stream = None;
                self.buf = Bytes::new();
            }
            Ok(target)
        }
        .boxed()
    }

    fn flush(&mut self) -> FsFuture<'_, ()> {
        async { Ok(()) }.boxed()
    }

    /// A presigned URL when the storage offers one, the account does not ask for proxying, no
    /// speed limit needs the bytes to pass through here and the file was not reached through
    /// a share (the API's rule). Without one, or when presigning fails, the bytes are streamed.
    fn redirect_url(&mut self) -> FsFuture<'_, Option<String>> {
        async move {
            let Some(blob) = &self.blob else {
                return Ok(None);
            };
            // Most drivers cannot presign: they answer before the settings are read.
            if !self.redirect
                || self.session.proxy
                || self.speed_limit() > 0
                || !blob.driver.capabilities().presign
            {
                return Ok(None);
            }
            let state = &self.session.state;
            let ttl = link::url_ttl_secs(state)
                .await
                .map_err(|_| FsError::GeneralFailure)?;
            let ttl = Duration::from_secs(ttl as u64);
            let url = link::presigned(state, Some(&blob.entity), &self.name, false, ttl).await;
            Ok(url.map(|(url, _)| url))
        }
        .boxed()
    }
}

type Item = std::io::Result<Bytes>;

/// A file being written: the body goes through a channel into a task running the upload
/// path, which commits only when [`DavFile::flush`] confirms the body is complete. A writer
/// dropped before that (client gone, short body) makes the task fail and discard the blob.
pub struct Writer {
    session: Arc<Session>,
    uri: FileUri,
    size: Option<u64>,
    written: u64,
    tx: Option<mpsc::Sender<Item>>,
    complete: Arc<AtomicBool>,
    task: Option<JoinHandle<Result<Meta, FsError>>>,
    result: Option<Meta>,
    /// What `open` found at the target, handed to the upload path once.
    found: Option<Found>,
}

impl Writer {
    pub fn new(session: Arc<Session>, uri: FileUri, size: Option<u64>, found: Found) -> Self {
        Self {
            session,
            uri,
            size,
            found: Some(found),
            written: 0,
            tx: None,
            complete: Arc::new(AtomicBool::new(false)),
            task: None,
            result: None,
        }
    }

    fn start(&mut self) {
        if self.task.is_some() || self.result.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel::<Item>(4);
        let complete = self.complete.clone();
        let received: ByteStream = Box::pin(stream::unfold(Some(rx), move |rx| {
            let complete = complete.clone();
            async move {
                let mut rx = rx?;
                match rx.recv().await {
                    Some(item) => Some((item, Some(rx))),
                    None if complete.load(Ordering::Acquire) => None,
                    None => Some((
                        Err(std::io::Error::other("the request body ended early")),
                        None,
                    )),
                }
            }
        }));
        // An `OC-Checksum` is verified as the body goes by; a mismatch fails the body at its
        // end, so the blob is discarded and nothing is published.
        let body = match self.session.oc.checksum.as_ref().map(Verifier::new) {
            Some(v) => {
                let checked = self.session.clone();
                verified(received, v, move || {
                    checked.oc.mismatch.store(true, Ordering::Release)
                })
            }
            None => received,
        };
        let session = self.session.clone();
        let uri = self.uri.clone();
        let size = self.size;
        let found = self.found.take();
        // The write outlives this call on a task of its own: it keeps the request's context,
        // whose client the change journal names.
        let origin = crate::request_ctx::current();
        let put = async move {
            let tokens = session.tokens();
            // Into a folder another user granted: written as its owner, in the owner's tree.
            let acting = granted::acting(&session.state, &session.me, &uri)
                .await
                .map_err(upload_err)?;
            let (me, uri, author) = match acting {
                Some(a) => (Arc::new(a.owner), a.uri, Some(session.me.user.id)),
                None => (session.me.clone(), uri, None),
            };
            let w = StreamWrite {
                uri: &uri,
                size,
                body,
                lock_tokens: &tokens,
                journal: true,
                modified: session.oc.mtime,
                author,
            };
            let file = match found {
                Some(found) => write_found(&session.state, &me, w, found).await,
                None => write(&session.state, &me, w).await,
            }
            .map_err(upload_err)?;
            Ok(Meta::of(&file))
        };
        self.task = Some(match origin {
            Some(ctx) => tokio::spawn(crate::request_ctx::scope(ctx, put)),
            None => tokio::spawn(put),
        });
        self.tx = Some(tx);
    }

    async fn finish(&mut self) -> Result<(), FsError> {
        if self.result.is_some() {
            return Ok(());
        }
        self.start();
        if self.size.is_none_or(|s| s == self.written) {
            self.complete.store(true, Ordering::Release);
        }
        self.tx = None;
        let task = self.task.take().expect("started");
        let meta = task.await.map_err(|_| FsError::GeneralFailure)??;
        self.result = Some(meta);
        Ok(())
    }

    async fn send(&mut self, bytes: Bytes) -> Result<(), FsError> {
        self.start();
        self.written += bytes.len() as u64;
        let sent = match &self.tx {
            Some(tx) => tx.send(Ok(bytes)).await.is_ok(),
            None => false,
        };
        if !sent {
            // The task stopped early: report its error.
            self.tx = None;
            if let Some(task) = self.task.take() {
                task.await.map_err(|_| FsError::GeneralFailure)??;
            }
            return Err(FsError::GeneralFailure);
        }
        Ok(())
    }

    /// Writes an empty file at once (a LOCK on an unmapped URL creates one).
    pub async fn create_empty(mut self) -> Result<Self, FsError> {
        self.size = Some(0);
        self.finish().await?;
        Ok(self)
    }
}

impl fmt::Debug for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("uri", &self.uri)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl DavFile for Writer {
    fn metadata(&mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        async move {
            match &self.result {
                Some(meta) => Ok(Box::new(meta.clone()) as Box<dyn DavMetaData>),
                None => Err(FsError::NotFound),
            }
        }
        .boxed()
    }

    fn write_buf(&mut self, mut buf: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        let bytes = buf.copy_to_bytes(buf.remaining());
        self.send(bytes).boxed()
    }

    fn write_bytes(&mut self, buf: Bytes) -> FsFuture<'_, ()> {
        self.send(buf).boxed()
    }

    fn read_bytes(&mut self, _count: usize) -> FsFuture<'_, Bytes> {
        async { Err(FsError::Forbidden) }.boxed()
    }

    /// Writes land in a new version from its start: partial updates are not supported.
    fn seek(&mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        async move {
            match pos {
                SeekFrom::Start(0) if self.written == 0 => Ok(0),
                _ => Err(FsError::NotImplemented),
            }
        }
        .boxed()
    }

    fn flush(&mut self) -> FsFuture<'_, ()> {
        self.finish().boxed()
    }
}
