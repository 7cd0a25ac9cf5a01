//! Streamed multipart uploads: a body longer than one request goes to the bucket in parts of
//! the policy's part size, at most [`PARTS_IN_FLIGHT`] of them being sent while the next is
//! filled, so memory stays bounded whatever the object's size.
//!
//! The upload is opened through [`MultipartStore`], so its id is known from the moment the
//! bucket returns it: it is journaled then ([`PendingBlobs::after_upload_opened`]) and the
//! record dropped once the upload is completed or aborted. A process killed in between
//! leaves the record, and the next start aborts the upload (`pending::recover`); otherwise
//! parts nothing names would stay in the bucket, costing storage, until someone aborts them.
//!
//! Every way out that does not complete the upload aborts it at once: a failed part, a body
//! that fails or has the wrong length, and also the put being dropped midway (the client's
//! connection cut while the handler awaited its body), through [`OpenUpload`]'s `Drop`.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::{
    MultipartId, PutPayload, PutPayloadMut, aws::AmazonS3, multipart::MultipartStore,
    multipart::PartId, path::Path,
};

use super::{PARTS_IN_FLIGHT, S3Driver, exact, from_store, within};
use crate::storage::{
    ByteStream, StorageError,
    pending::{Pending, PendingBlobs},
};

/// Where a driver journals the uploads it opens: its policy's id and this process's journal.
#[derive(Clone)]
pub(super) struct Journal {
    pub policy_id: i64,
    pub pending: Arc<PendingBlobs>,
}

impl S3Driver {
    /// Streams a long body as a multipart upload, `head` first; aborts the upload (nothing
    /// becomes visible) on any failure.
    pub(super) async fn put_parts(
        &self,
        path: &Path,
        head: PutPayloadMut,
        mut body: ByteStream,
        mut seen: u64,
        size: Option<u64>,
    ) -> Result<(), StorageError> {
        let upload = self.open_upload(path).await?;
        let id = upload.id().to_owned();
        let mut parts = Parts::new(self.part_size);
        let mut sent: Vec<Option<PartId>> = Vec::new();
        // Dropped (the put failed or was dropped), it ends the parts still being sent.
        let mut in_flight = tokio::task::JoinSet::new();
        for piece in &head.freeze() {
            parts.push(piece.clone());
        }
        let outcome: Result<(), StorageError> = async {
            let mut ended = false;
            loop {
                while let Some((index, payload)) = parts.next_full(ended) {
                    while in_flight.len() >= PARTS_IN_FLIGHT {
                        let sent_one = in_flight.join_next().await.expect("parts in flight");
                        let (index, part) = sent_one.map_err(joined)?;
                        record(&mut sent, index, part?);
                    }
                    // Spawned, so that parts go out while the body is read.
                    let (store, path, id) = (self.store.clone(), path.clone(), id.clone());
                    in_flight.spawn(async move {
                        let part = store.put_part(&path, &id, index, payload).await;
                        (index, part.map_err(from_store))
                    });
                }
                if ended {
                    break;
                }
                match body.next().await {
                    Some(piece) => {
                        let piece = piece.map_err(StorageError::Io)?;
                        seen += piece.len() as u64;
                        within(size, seen)?;
                        parts.push(piece);
                    }
                    None => {
                        exact(size, seen)?;
                        ended = true;
                    }
                }
            }
            while let Some(sent_one) = in_flight.join_next().await {
                let (index, part) = sent_one.map_err(joined)?;
                record(&mut sent, index, part?);
            }
            Ok(())
        }
        .await;
        drop(in_flight);
        if let Err(e) = outcome {
            upload.abort().await;
            return Err(e);
        }
        let sent: Vec<PartId> = sent
            .into_iter()
            .map(|p| p.expect("every part sent"))
            .collect();
        match self.store.complete_multipart(path, &id, sent).await {
            Ok(_) => {
                upload.completed();
                Ok(())
            }
            Err(e) => {
                upload.abort().await;
                Err(from_store(e))
            }
        }
    }

    /// Opens a multipart upload at `path` and journals it.
    async fn open_upload(&self, path: &Path) -> Result<OpenUpload, StorageError> {
        let id = self
            .store
            .create_multipart(path)
            .await
            .map_err(from_store)?;
        let record = self.journal.as_ref().map(|journal| {
            journal
                .pending
                .after_upload_opened(journal.policy_id, path.as_ref(), &id)
        });
        Ok(OpenUpload(Some(Open {
            store: self.store.clone(),
            path: path.clone(),
            id,
            record,
        })))
    }
}

/// A part's task that panicked or was cancelled.
fn joined(err: tokio::task::JoinError) -> StorageError {
    StorageError::Other(format!("sending a part: {err}"))
}

fn record(sent: &mut Vec<Option<PartId>>, index: usize, part: PartId) {
    if sent.len() <= index {
        sent.resize(index + 1, None);
    }
    sent[index] = Some(part);
}

/// Cuts a body into parts of exactly `size` bytes (the last one shorter), without copying:
/// some providers (R2) want every part but the last of one size.
struct Parts {
    size: usize,
    filling: PutPayloadMut,
    next_index: usize,
    full: Vec<PutPayload>,
}

impl Parts {
    fn new(size: usize) -> Self {
        Self {
            size,
            filling: PutPayloadMut::new(),
            next_index: 0,
            full: Vec::new(),
        }
    }

    fn push(&mut self, mut piece: Bytes) {
        while !piece.is_empty() {
            let room = self.size - self.filling.content_length();
            let taken = piece.split_to(room.min(piece.len()));
            self.filling.push(taken);
            if self.filling.content_length() == self.size {
                let part = std::mem::take(&mut self.filling).freeze();
                self.full.push(part);
            }
        }
    }

    /// The next part to send with its index: a full one, or at the `end` the rest (also
    /// an empty one when nothing was sent, as an upload needs a part).
    fn next_full(&mut self, end: bool) -> Option<(usize, PutPayload)> {
        let part = if !self.full.is_empty() {
            self.full.remove(0)
        } else if end && (self.filling.content_length() > 0 || self.next_index == 0) {
            std::mem::take(&mut self.filling).freeze()
        } else {
            return None;
        };
        self.next_index += 1;
        Some((self.next_index - 1, part))
    }
}

/// A multipart upload opened and not yet completed or aborted; dropped so, it is aborted in
/// the background.
struct OpenUpload(Option<Open>);

struct Open {
    store: Arc<AmazonS3>,
    path: Path,
    id: MultipartId,
    /// The journal's record of the upload, when the driver journals.
    record: Option<Pending>,
}

impl OpenUpload {
    fn id(&self) -> &str {
        &self.0.as_ref().expect("an open upload").id
    }

    /// The upload was completed: its record goes.
    fn completed(mut self) {
        if let Some(Open {
            record: Some(record),
            ..
        }) = self.0.take()
        {
            record.settle();
        }
    }

    /// Aborts the upload; its record goes once the bucket dropped it.
    async fn abort(mut self) {
        if let Some(open) = self.0.take() {
            open.abort().await;
        }
    }
}

impl Open {
    async fn abort(self) {
        match self.store.abort_multipart(&self.path, &self.id).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {
                if let Some(record) = self.record {
                    record.settle();
                }
            }
            // The record stays open: the next start aborts the upload.
            Err(e) => tracing::warn!(path = %self.path, error = %e, "aborting a multipart upload"),
        }
    }
}

impl Drop for OpenUpload {
    fn drop(&mut self) {
        let Some(open) = self.0.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(open.abort());
            }
            // No runtime to abort it with: the record stays for the next start.
            Err(_) => tracing::warn!(path = %open.path, "a multipart upload left open"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lens(parts: &mut Parts, end: bool) -> Vec<(usize, usize)> {
        std::iter::from_fn(|| parts.next_full(end))
            .map(|(i, p)| (i, p.content_length()))
            .collect()
    }

    #[test]
    fn parts_have_one_size_but_the_last() {
        let mut parts = Parts::new(10);
        parts.push(Bytes::from(vec![1; 4]));
        assert_eq!(lens(&mut parts, false), []);
        parts.push(Bytes::from(vec![2; 23]));
        assert_eq!(lens(&mut parts, false), [(0, 10), (1, 10)]);
        parts.push(Bytes::from(vec![3; 3]));
        assert_eq!(lens(&mut parts, false), [(2, 10)]);
        assert_eq!(lens(&mut parts, true), []);
        parts.push(Bytes::from(vec![4; 1]));
        assert_eq!(lens(&mut parts, true), [(3, 1)]);
    }

    #[test]
    fn an_empty_body_still_has_one_part() {
        let mut parts = Parts::new(10);
        assert_eq!(lens(&mut parts, true), [(0, 0)]);
    }
}
