//! Streaming a request body into a file at an offset, written on a blocking thread of its own.
//!
//! The pieces of the body reach the file as they arrived (never copied into a buffer of ours):
//! the async side reads them and hands them over a short queue to a blocking thread, which
//! takes whatever is waiting and writes it with one `pwritev` at its place. Every
//! [`WRITE_BEHIND`] bytes that thread asks the kernel to start writing the part just finished
//! out (`POSIX_FADV_DONTNEED` starts write-back of a range's dirty pages, and drops the pages of
//! the range before it, written out by then), so the disk works while the rest of the body is
//! still arriving: the sync that ends the write waits for the last step only, not for the
//! whole body, and a large upload does not pile up in the page cache.
//!
//! The sync runs only once the whole body was received and written: a body cut off (client
//! gone, wrong length) ends the thread at once, unsynced, and its caller's error stands.

use std::io::{self, IoSlice};

use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::check_length;
use crate::storage::{ByteStream, StorageError};

/// Pieces waiting for the writing thread: it takes them all at once, so a few keep it busy;
/// the bound is what a slow disk lets pile up in memory (a piece is at most a few hundred KiB).
const QUEUE: usize = 8;
/// Most pieces in one `pwritev`.
const BATCH: usize = 64;
/// Bytes written between two requests to start write-back.
const WRITE_BEHIND: u64 = 8 << 20;

/// How the written range is made durable once the body is complete.
#[derive(Debug, Clone, Copy)]
pub(super) enum SyncAs {
    /// `fdatasync`: the data and what reading it back needs (a chunk in place).
    Data,
    /// `fsync`: data and every attribute (a whole new file).
    All,
}

enum Piece {
    Data(Bytes),
    /// The body is complete: sync and return.
    End,
}

/// Opens a file (on the writing thread) and returns it with whatever the caller keeps beside
/// it (dropped on that thread when the write fails, so a temporary file guard cleans up).
type Open<T> = Box<dyn FnOnce() -> Result<(std::fs::File, T), StorageError> + Send>;

/// Writes `body` at `offset` of the file `open` returns, refusing a body of another length
/// than `expected` (stopping before writing past it), and syncs it as `sync` says.
pub(super) async fn stream_into<T: Send + 'static>(
    open: impl FnOnce() -> Result<(std::fs::File, T), StorageError> + Send + 'static,
    offset: u64,
    body: ByteStream,
    expected: Option<u64>,
    sync: SyncAs,
) -> Result<(std::fs::File, T), StorageError> {
    let (tx, rx) = mpsc::channel(QUEUE);
    let open: Open<T> = Box::new(open);
    let writer = tokio::task::spawn_blocking(move || write_all(open, offset, rx, sync));
    let fed = feed(body, expected, &tx).await;
    drop(tx);
    let written = writer
        .await
        .map_err(|e| StorageError::Other(format!("storage task failed: {e}")))?;
    // The body's own error first: the writer then only saw the queue close.
    fed?;
    written
}

/// Sends the pieces of `body` to the writer, then the end mark when the length is right.
/// A writer that stopped (its error is its result) ends the feeding early.
async fn feed(
    mut body: ByteStream,
    expected: Option<u64>,
    tx: &mpsc::Sender<Piece>,
) -> Result<(), StorageError> {
    let mut received = 0u64;
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(StorageError::Io)?;
        let got = received + piece.len() as u64;
        if let Some(expected) = expected
            && got > expected
        {
            return Err(StorageError::LengthMismatch { expected, got });
        }
        received = got;
        if !piece.is_empty() && tx.send(Piece::Data(piece)).await.is_err() {
            return Ok(());
        }
    }
    check_length(expected, received)?;
    let _ = tx.send(Piece::End).await;
    Ok(())
}

fn write_all<T>(
    open: Open<T>,
    offset: u64,
    mut rx: mpsc::Receiver<Piece>,
    sync: SyncAs,
) -> Result<(std::fs::File, T), StorageError> {
    let (file, kept) = open()?;
    let mut pos = offset;
    // Write-back was asked for up to `started`; pages before `dropped` were let go.
    let (mut started, mut dropped) = (offset, offset);
    let mut batch: Vec<Bytes> = Vec::with_capacity(BATCH);
    let mut ended = false;
    while !ended {
        match rx.blocking_recv() {
            Some(Piece::Data(piece)) => batch.push(piece),
            Some(Piece::End) => ended = true,
            None => return Err(cut_off()),
        }
        while !ended && batch.len() < BATCH {
            match rx.try_recv() {
                Ok(Piece::Data(piece)) => batch.push(piece),
                Ok(Piece::End) => ended = true,
                Err(_) => break,
            }
        }
        pos += write_at(&file, &mut batch, pos)?;
        if pos - started >= WRITE_BEHIND {
            write_behind(&file, dropped, pos);
            (dropped, started) = (started, pos);
        }
    }
    match sync {
        SyncAs::Data => file.sync_data()?,
        SyncAs::All => file.sync_all()?,
    }
    Ok((file, kept))
}

fn cut_off() -> StorageError {
    StorageError::Io(io::Error::other("the body ended early"))
}

/// Writes every piece of `batch` at `pos` (emptying it); returns the bytes written.
fn write_at(file: &std::fs::File, batch: &mut Vec<Bytes>, pos: u64) -> io::Result<u64> {
    let mut done = 0u64;
    let mut first = 0;
    while first < batch.len() {
        let slices: Vec<IoSlice<'_>> = batch[first..].iter().map(|b| IoSlice::new(b)).collect();
        let mut n = match rustix::io::pwritev(file, &slices, pos + done) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        done += n as u64;
        // A short write: go on from the first byte not written.
        while n > 0 {
            let len = batch[first].len();
            if n >= len {
                n -= len;
                first += 1;
            } else {
                batch[first].advance(n);
                n = 0;
            }
        }
    }
    batch.clear();
    Ok(done)
}

/// Starts write-back of `from..to` and lets go of the pages in it that are clean by now (the
/// older part of the range: the newer part is still being written out and stays). Advice
/// only: a kernel that ignores it leaves everything to the final sync.
#[cfg(target_os = "linux")]
fn write_behind(file: &std::fs::File, from: u64, to: u64) {
    use rustix::fs::{Advice, fadvise};
    let _ = fadvise(
        file,
        from,
        std::num::NonZeroU64::new(to - from),
        Advice::DontNeed,
    );
}

#[cfg(not(target_os = "linux"))]
fn write_behind(_file: &std::fs::File, _from: u64, _to: u64) {}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;

    fn pieces(sizes: &[usize]) -> (ByteStream, Vec<u8>) {
        let mut all = Vec::new();
        let mut out = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let piece: Vec<u8> = (0..*size).map(|j| (i * 7 + j) as u8).collect();
            all.extend_from_slice(&piece);
            out.push(Ok(Bytes::from(piece)));
        }
        (Box::pin(stream::iter(out)), all)
    }

    fn opener(
        path: std::path::PathBuf,
    ) -> impl FnOnce() -> Result<(std::fs::File, ()), StorageError> + Send + 'static {
        move || {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)?;
            Ok((file, ()))
        }
    }

    #[tokio::test]
    async fn pieces_land_at_the_offset_past_several_write_behind_steps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'x'; 10]).unwrap();
        // 2.5 steps of write-behind in uneven pieces.
        let sizes: Vec<usize> = (0..90).map(|i| 200_000 + i * 1_003).collect();
        let (body, data) = pieces(&sizes);
        let len = data.len() as u64;
        stream_into(opener(path.clone()), 4, body, Some(len), SyncAs::Data)
            .await
            .unwrap();
        let got = std::fs::read(&path).unwrap();
        assert_eq!(&got[..4], b"xxxx");
        assert_eq!(&got[4..], &data[..]);
    }

    #[tokio::test]
    async fn a_body_of_another_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (body, _) = pieces(&[100, 100]);
        let err = stream_into(opener(path.clone()), 0, body, Some(150), SyncAs::Data).await;
        assert!(matches!(
            err,
            Err(StorageError::LengthMismatch { expected: 150, .. })
        ));
        let (body, _) = pieces(&[100, 100]);
        let err = stream_into(opener(path), 0, body, Some(300), SyncAs::All).await;
        assert!(matches!(
            err,
            Err(StorageError::LengthMismatch {
                expected: 300,
                got: 200
            })
        ));
    }

    #[tokio::test]
    async fn a_failing_body_fails_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let body: ByteStream = Box::pin(stream::iter([
            Ok(Bytes::from_static(b"abc")),
            Err(io::Error::other("client gone")),
        ]));
        let err = stream_into(opener(dir.path().join("f")), 0, body, None, SyncAs::All).await;
        assert!(matches!(err, Err(StorageError::Io(e)) if e.to_string() == "client gone"));
    }
}
