//! Upload sessions on a slave: opened by the master (`PUT /slave/upload`), fed chunk by chunk
//! by the client (or by the master relaying), and, for a session with a callback, completed
//! on the node and reported to the master once the last chunk is in.
//!
//! A session is a JSON file named after its id, rewritten (temporary file, then rename)
//! under the session's lock each time a chunk is marked received; the chunks themselves go
//! straight into the local driver's partial file at their offsets, in any order and at once.

use std::path::PathBuf;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::Slave;
use crate::storage::{
    ByteStream, StorageDriver, StorageError,
    remote::protocol::{self, CreateUpload, UploadSession},
};

/// Session records [`Slave::sweep_expired`] looks at per call.
const SWEEP_BATCH: usize = 256;

/// Why a slave refused an upload request.
#[derive(Debug, thiserror::Error)]
pub enum SlaveError {
    #[error("upload session expired or not found")]
    SessionGone,
    #[error("chunk index out of range")]
    ChunkIndex,
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("the master did not take the finished upload: {0}")]
    Callback(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A session as stored: what the master sent, and which chunks are in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    session: UploadSession,
    /// One character per chunk, `1` once received.
    received: String,
}

impl Record {
    fn chunk_count(&self) -> u64 {
        let s = &self.session;
        if s.size == 0 || s.chunk_size == 0 {
            1
        } else {
            s.size.div_ceil(s.chunk_size)
        }
    }

    /// `(offset, length)` of chunk `index`.
    fn span(&self, index: u64) -> Option<(u64, u64)> {
        if index >= self.chunk_count() {
            return None;
        }
        let s = &self.session;
        if s.chunk_size == 0 {
            return Some((0, s.size));
        }
        let offset = index * s.chunk_size;
        Some((offset, s.chunk_size.min(s.size - offset)))
    }

    fn all_received(&self) -> bool {
        self.received.bytes().all(|b| b == b'1')
    }
}

impl Slave {
    fn record_path(&self, id: &str) -> PathBuf {
        self.inner.sessions.join(format!("{id}.json"))
    }

    async fn load(&self, id: &str) -> Result<Option<Record>, SlaveError> {
        if !protocol::valid_session_id(id) {
            return Err(SlaveError::Invalid("not a session id".into()));
        }
        match tokio::fs::read(self.record_path(id)).await {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StorageError::Io(e).into()),
        }
    }

    async fn store(&self, record: &Record) -> Result<(), SlaveError> {
        let path = self.record_path(&record.session.id);
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec(record).expect("records serialize");
        let file = async {
            tokio::fs::write(&tmp, &bytes).await?;
            tokio::fs::File::open(&tmp).await?.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        };
        file.await.map_err(|e| SlaveError::Storage(e.into()))
    }

    async fn remove(&self, id: &str) {
        let _ = tokio::fs::remove_file(self.record_path(id)).await;
    }

    /// Opens (or reopens) a session: the partial file and the session's record.
    pub async fn create_upload(&self, req: CreateUpload) -> Result<(), SlaveError> {
        let session = req.session;
        if !protocol::valid_session_id(&session.id) {
            return Err(SlaveError::Invalid("not a session id".into()));
        }
        self.sweep_expired().await;
        let lock = self.lock_of(&session.id);
        let _held = lock.lock().await;
        self.local()
            .begin_upload(&session.key, session.size, session.chunk_size)
            .await?;
        let mut record = Record {
            session,
            received: String::new(),
        };
        record.received = "0".repeat(record.chunk_count() as usize);
        self.store(&record).await
    }

    /// Writes chunk `index` of session `id` (`len` bytes announced by the request); the last
    /// one of a session with a callback completes the upload here and tells the master.
    pub async fn put_chunk(
        &self,
        id: &str,
        index: u64,
        len: Option<u64>,
        body: ByteStream,
    ) -> Result<(), SlaveError> {
        let record = self.live(id).await?;
        let (offset, expected) = record.span(index).ok_or(SlaveError::ChunkIndex)?;
        if let Some(len) = len.filter(|l| *l != expected) {
            return Err(StorageError::LengthMismatch { expected, got: len }.into());
        }
        let done_before = record.all_received() && record.session.callback.is_some();
        if !done_before {
            let key = &record.session.key;
            self.local()
                .put_chunk(key, index, offset, body, expected)
                .await?;
        }
        let (record, completed_now) = self.mark(id, index).await?;
        // The request that set the last bit finishes, and a chunk sent again after every
        // chunk was in retries a finish that failed; two last chunks racing finish once.
        match &record.session.callback {
            Some(callback) if completed_now || done_before => self.finish(id, callback).await,
            _ => Ok(()),
        }
    }

    async fn live(&self, id: &str) -> Result<Record, SlaveError> {
        self.load(id)
            .await?
            .filter(|r| r.session.expires > Utc::now().timestamp())
            .ok_or(SlaveError::SessionGone)
    }

    /// Marks chunk `index` received, under the session's lock; true when that made the
    /// session complete.
    async fn mark(&self, id: &str, index: u64) -> Result<(Record, bool), SlaveError> {
        let lock = self.lock_of(id);
        let _held = lock.lock().await;
        let mut record = self.live(id).await?;
        let was_complete = record.all_received();
        let mut received = record.received.into_bytes();
        if let Some(slot) = received.get_mut(index as usize) {
            *slot = b'1';
        }
        record.received = String::from_utf8(received).expect("ascii");
        self.store(&record).await?;
        let completed_now = !was_complete && record.all_received();
        Ok((record, completed_now))
    }

    /// Completes the blob and calls the master; the session goes once the master took it.
    /// Runs under the session's lock, so a retried chunk cannot finish alongside; a session
    /// already gone was finished by an earlier request.
    async fn finish(&self, id: &str, callback: &str) -> Result<(), SlaveError> {
        let lock = self.lock_of(id);
        let _held = lock.lock().await;
        let Some(record) = self.load(id).await? else {
            return Ok(());
        };
        let session = &record.session;
        self.local()
            .complete_upload(&session.key, session.size)
            .await?;
        self.call_master(callback).await?;
        self.remove(&session.id).await;
        Ok(())
    }

    /// `POST callback`, signed with the node secret, and the master's verdict.
    async fn call_master(&self, callback: &str) -> Result<(), SlaveError> {
        let url = url::Url::parse(callback)
            .map_err(|e| SlaveError::Callback(format!("callback URL: {e}")))?;
        let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
        let auth = protocol::authorization_now(self.secret(), &path, &[], "");
        let resp = self
            .client()
            .post(url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .send()
            .await
            .map_err(|e| SlaveError::Callback(e.to_string()))?;
        let reply: protocol::Reply<serde_json::Value> = resp
            .json()
            .await
            .map_err(|e| SlaveError::Callback(e.to_string()))?;
        if reply.code != 0 {
            return Err(SlaveError::Callback(format!(
                "{}: {}",
                reply.code, reply.msg
            )));
        }
        Ok(())
    }

    /// Drops sessions past their expiry with their partial files: the master cancels the
    /// sessions it drops, but not while the node was down. Looks at [`SWEEP_BATCH`]
    /// records at most, so opening a session stays cheap.
    async fn sweep_expired(&self) {
        let Ok(mut dir) = tokio::fs::read_dir(&self.inner.sessions).await else {
            return;
        };
        let now = Utc::now().timestamp();
        let mut seen = 0;
        while let Ok(Some(entry)) = dir.next_entry().await {
            seen += 1;
            if seen > SWEEP_BATCH {
                break;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            if let Ok(Some(record)) = self.load(id).await
                && record.session.expires <= now
                && let Err(e) = self.cancel_upload(id).await
            {
                tracing::warn!(session = id, error = %e, "could not drop an expired upload");
            }
        }
    }

    /// Drops session `id` and its partial file; nothing to drop is fine.
    pub async fn cancel_upload(&self, id: &str) -> Result<(), SlaveError> {
        let lock = self.lock_of(id);
        let _held = lock.lock().await;
        if let Some(record) = self.load(id).await? {
            self.local().abort_upload(&record.session.key).await?;
        }
        self.remove(id).await;
        Ok(())
    }

    /// Completes the relayed upload of `key` (no callback): the blob must have `size` bytes.
    pub async fn complete_upload(&self, key: &str, size: u64) -> Result<(), SlaveError> {
        self.local().complete_upload(key, size).await?;
        self.remove(&protocol::relay_session_id(key)).await;
        Ok(())
    }
}
