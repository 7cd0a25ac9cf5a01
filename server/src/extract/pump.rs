//! Runs an archive reader on a blocking thread and hands its entries to async code, one at a
//! time: a file's bytes go through a small channel as the reader produces them, so memory
//! stays flat whatever the entry's size. The group's caps are applied here, on the bytes
//! really produced (a header may lie about sizes): past a cap, the entry's body ends with an
//! error and the reader stops with [`ExtractError::TooBig`] or [`ExtractError::TooManyEntries`].

use std::{fs::File, io::Read};

use bytes::Bytes;
use encoding_rs::Encoding;
use tokio::{sync::mpsc, task::JoinHandle};

use super::{
    Caps, ExtractError,
    entries::{self, Entry, Kind},
    format::Format,
    mask::Mask,
    names,
};
use crate::storage::ByteStream;

/// Bytes read from an entry at a time.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the reader and the writer.
const IN_FLIGHT: usize = 4;

/// An entry ready to be written.
pub enum Item {
    Dir {
        index: u64,
        path: Vec<String>,
    },
    File {
        index: u64,
        path: Vec<String>,
        size: u64,
        body: ByteStream,
    },
    /// A link, device or other special entry, left out.
    Skipped {
        index: u64,
        name: String,
    },
}

/// Where a run starts: the first entry not yet written, and the bytes written before it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Start {
    pub index: u64,
    pub bytes: u64,
}

/// What a run reads besides the archive: its password and the entries it extracts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub password: Option<String>,
    pub mask: Mask,
}

/// A running reader.
pub struct Pump {
    pub items: mpsc::Receiver<Item>,
    reader: JoinHandle<Result<(), ExtractError>>,
}

impl Pump {
    /// Starts reading `file` from `start`.
    pub fn start(
        file: File,
        format: Format,
        legacy: Option<&'static Encoding>,
        caps: Caps,
        start: Start,
        options: Options,
    ) -> Self {
        let (tx, items) = mpsc::channel(1);
        let reader = tokio::task::spawn_blocking(move || {
            let password = options.password.as_deref();
            let mut feed = Feed {
                tx,
                caps,
                bytes: start.bytes,
                mask: options.mask,
                password: password.is_some(),
            };
            entries::each(
                file,
                format,
                legacy,
                start.index,
                password,
                &mut |i, e, data| feed.entry(i, e, data),
            )
        });
        Self { items, reader }
    }

    /// How the reader ended; call after `items` ran dry, or after giving up on it (the
    /// reader then stops at its next send). A reader stopped because the writer went away
    /// answers [`ExtractError::Stopped`].
    pub async fn finish(self) -> Result<(), ExtractError> {
        drop(self.items);
        self.reader
            .await
            .map_err(|e| ExtractError::Corrupt(format!("the archive reader failed: {e}")))?
    }
}

/// What goes through a file's body channel.
enum Piece {
    Data(std::io::Result<Bytes>),
    End,
}

struct Feed {
    tx: mpsc::Sender<Item>,
    caps: Caps,
    bytes: u64,
    mask: Mask,
    /// A password was given: an entry that cannot be decoded may be its fault.
    password: bool,
}

impl Feed {
    fn entry(&mut self, index: u64, e: Entry, data: &mut dyn Read) -> Result<bool, ExtractError> {
        if index >= self.caps.entries {
            return Err(ExtractError::TooManyEntries(self.caps.entries));
        }
        let path = names::safe_path(&e.name)?;
        let item = match e.kind {
            // Entries outside the mask are passed over unread.
            _ if path.is_empty() || !self.mask.selects(&path) => return Ok(true),
            Kind::Special => Item::Skipped {
                index,
                name: e.name,
            },
            Kind::Dir => Item::Dir { index, path },
            Kind::File => {
                if self.caps.bytes_exceeded(self.bytes.saturating_add(e.size)) {
                    return Err(ExtractError::TooBig(self.caps.bytes));
                }
                let (tx, rx) = mpsc::channel(IN_FLIGHT);
                let item = Item::File {
                    index,
                    path,
                    size: e.size,
                    body: body(rx),
                };
                self.send(item)?;
                return self.copy(data, &tx).map(|()| true);
            }
        };
        self.send(item)?;
        Ok(true)
    }

    fn send(&self, item: Item) -> Result<(), ExtractError> {
        self.tx
            .blocking_send(item)
            .map_err(|_| ExtractError::Stopped)
    }

    /// Streams one entry's bytes into its body, counting them against the byte cap.
    fn copy(&mut self, data: &mut dyn Read, tx: &mpsc::Sender<Piece>) -> Result<(), ExtractError> {
        let stopped = |_| ExtractError::Stopped;
        loop {
            let mut buf = vec![0u8; CHUNK];
            let n = match data.read(&mut buf) {
                Ok(0) => return tx.blocking_send(Piece::End).map_err(stopped),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.blocking_send(Piece::Data(Err(std::io::Error::other(
                        "the archive cannot be read",
                    ))));
                    return Err(ExtractError::Corrupt(if self.password {
                        format!("{e} (is the password right?)")
                    } else {
                        e.to_string()
                    }));
                }
            };
            self.bytes += n as u64;
            if self.caps.bytes_exceeded(self.bytes) {
                let err = std::io::Error::other("the archive unpacks to more than allowed");
                let _ = tx.blocking_send(Piece::Data(Err(err)));
                return Err(ExtractError::TooBig(self.caps.bytes));
            }
            buf.truncate(n);
            tx.blocking_send(Piece::Data(Ok(Bytes::from(buf))))
                .map_err(stopped)?;
        }
    }
}

/// A body that ends cleanly only when the reader said the entry is complete: a reader that
/// died midway ends it with an error, so no truncated file is ever published.
fn body(rx: mpsc::Receiver<Piece>) -> ByteStream {
    Box::pin(futures_util::stream::unfold(Some(rx), |rx| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some(Piece::Data(piece)) => Some((piece, Some(rx))),
            Some(Piece::End) => None,
            None => Some((
                Err(std::io::Error::other("the archive reader stopped")),
                None,
            )),
        }
    }))
}
