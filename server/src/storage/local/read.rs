//! Streaming an object out: chunks are read ahead of the one being sent, so the disk read of
//! the next chunk and the socket write of this one overlap.

use std::io::{self, Read};

use bytes::{Bytes, BytesMut};
use futures_util::stream;
use tokio::sync::mpsc;

use super::READ_CHUNK;
use crate::storage::ByteStream;

/// Chunks read and waiting to be sent; with the one being read and the one being sent, at
/// most this + 2 chunks of an open download are in memory.
const READ_AHEAD: usize = 2;

/// Spans of at most this many bytes are read at once, on the trip to the blocking pool that
/// opens the file: for a small file, a read-ahead task, its channel and a second trip to the
/// pool cost more than the read itself.
const READ_AT_ONCE: u64 = 64 * 1024;

/// A span opened for reading: its bytes already read, or the file to stream them from.
pub(super) enum Opened {
    Read(Bytes),
    File(std::fs::File, u64),
}

/// Opens the next `len` bytes of `file` for [`stream`]; a small span is read now (call it on
/// the blocking pool). A file shorter than a small span is an error here.
pub(super) fn open_span(mut file: std::fs::File, len: u64) -> io::Result<Opened> {
    if len > READ_AT_ONCE {
        return Ok(Opened::File(file, len));
    }
    let mut buf = BytesMut::zeroed(len as usize);
    file.read_exact(&mut buf)?;
    Ok(Opened::Read(buf.freeze()))
}

/// The bytes of an [`Opened`] span.
pub(super) fn stream(opened: Opened) -> ByteStream {
    match opened {
        Opened::Read(bytes) if bytes.is_empty() => Box::pin(stream::empty()),
        Opened::Read(bytes) => Box::pin(stream::once(async move { Ok(bytes) })),
        Opened::File(file, len) => read_ahead(file, len),
    }
}

/// The next `len` bytes of `file`, in chunks of [`READ_CHUNK`]. Each read is one trip to the
/// blocking pool (no thread is held while the client is slow); a file shorter than `len`
/// ends the stream with an error.
pub(super) fn read_ahead(file: std::fs::File, len: u64) -> ByteStream {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(READ_AHEAD);
    tokio::spawn(async move {
        let mut file = file;
        let mut left = len;
        while left > 0 {
            let n = left.min(READ_CHUNK as u64) as usize;
            let read = tokio::task::spawn_blocking(move || {
                let mut buf = BytesMut::zeroed(n);
                let res = file.read_exact(&mut buf).map(|()| buf.freeze());
                (file, res)
            })
            .await;
            let (back, chunk) = match read {
                Ok(done) => done,
                Err(e) => {
                    let _ = tx.send(Err(io::Error::other(e))).await;
                    return;
                }
            };
            file = back;
            let failed = chunk.is_err();
            // A closed channel: the client went away.
            if tx.send(chunk).await.is_err() || failed {
                return;
            }
            left -= n as u64;
        }
    });
    Box::pin(stream::unfold(rx, |mut rx| async move {
        Some((rx.recv().await?, rx))
    }))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use futures_util::StreamExt;

    use super::*;

    async fn collect(stream: ByteStream) -> (Vec<u8>, Option<io::Error>) {
        let mut out = Vec::new();
        let mut stream = stream;
        while let Some(piece) = stream.next().await {
            match piece {
                Ok(bytes) => out.extend_from_slice(&bytes),
                Err(e) => return (out, Some(e)),
            }
        }
        (out, None)
    }

    #[tokio::test]
    async fn reads_exactly_len_bytes_in_chunks() {
        let mut f = tempfile::tempfile().unwrap();
        let data: Vec<u8> = (0..(READ_CHUNK * 2 + 123))
            .map(|i| (i % 251) as u8)
            .collect();
        f.write_all(&data).unwrap();
        use std::io::Seek;
        f.seek(io::SeekFrom::Start(5)).unwrap();
        let (got, err) = collect(read_ahead(f, data.len() as u64 - 10)).await;
        assert!(err.is_none());
        assert_eq!(got, &data[5..data.len() - 5]);
    }

    #[tokio::test]
    async fn a_short_file_ends_with_an_error() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b"abc").unwrap();
        use std::io::Seek;
        f.rewind().unwrap();
        let (got, err) = collect(read_ahead(f, 10)).await;
        assert!(got.is_empty());
        assert_eq!(err.unwrap().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn a_small_span_is_read_when_opened() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b"0123456789").unwrap();
        use std::io::Seek;
        f.seek(io::SeekFrom::Start(2)).unwrap();
        let opened = open_span(f, 5).unwrap();
        assert!(matches!(&opened, Opened::Read(b) if &b[..] == b"23456"));
        let (got, err) = collect(stream(opened)).await;
        assert!(err.is_none());
        assert_eq!(got, b"23456");
        let mut short = tempfile::tempfile().unwrap();
        short.write_all(b"abc").unwrap();
        short.rewind().unwrap();
        assert!(open_span(short, 10).is_err());
    }

    #[tokio::test]
    async fn nothing_to_read_is_an_empty_stream() {
        let f = tempfile::tempfile().unwrap();
        let (got, err) = collect(read_ahead(f, 0)).await;
        assert!(got.is_empty() && err.is_none());
    }
}
