//! Chunked transfers (the Nextcloud clients' chunking v2): a client opens a transfer, sends
//! its chunks one request each, then asks for them to be joined into the file. Chunks are
//! staged as files below the data folder (`transfers/<owner>/<transfer>/<chunk>`), each
//! written as it streams in, and the assembly reads them back in order as one stream into
//! the ordinary file write (`super::stream`), so neither a chunk nor the file is ever held
//! in memory.
//!
//! A chunk is written under a temporary name and renamed when complete, so a cut-off chunk
//! is never assembled. Staged bytes are not charged to the quota until the file is joined, so
//! what one owner stages in all open transfers together is held to the free space. A transfer nobody touched for [`MAX_AGE`] is abandoned: the periodic
//! upload job removes it ([`collect_abandoned`]). The S3 endpoint's multipart uploads are
//! transfers too, with notes beside their chunks (the target, each part's digest).

use std::{
    io,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::{state::AppState, storage::ByteStream};

/// The folder of all transfers, below the data folder.
const DIR: &str = "transfers";

/// How long a transfer may go untouched before it is collected.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest transfer id or chunk name accepted.
const MAX_NAME: usize = 128;

/// Why a transfer step failed.
#[derive(Debug)]
pub enum TransferError {
    /// No such transfer (or chunk name) for this owner.
    NotFound,
    /// A transfer of that id is open already.
    Exists,
    /// The chunks would pass the owner's free space.
    NoSpace,
    Io(io::Error),
}

impl From<io::Error> for TransferError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => TransferError::NotFound,
            _ => TransferError::Io(e),
        }
    }
}

/// A name a client gives (transfer id, chunk): letters, digits, `-` and `_` only, so it is
/// always one plain path segment.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn root(state: &AppState) -> PathBuf {
    state.config.data_dir.join(DIR)
}

/// The folder of transfer `id` of `owner`.
fn dir(state: &AppState, owner: i64, id: &str) -> Result<PathBuf, TransferError> {
    if !plain(id) {
        return Err(TransferError::NotFound);
    }
    Ok(root(state).join(owner.to_string()).join(id))
}

/// Opens transfer `id`.
pub async fn open(state: &AppState, owner: i64, id: &str) -> Result<(), TransferError> {
    let dir = dir(state, owner, id)?;
    if let Some(parent) = dir.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    match tokio::fs::create_dir(&dir).await {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(TransferError::Exists),
        other => Ok(other?),
    }
}

/// Whether transfer `id` of `owner` is open.
pub async fn exists(state: &AppState, owner: i64, id: &str) -> bool {
    match dir(state, owner, id) {
        Ok(dir) => tokio::fs::metadata(dir).await.is_ok_and(|m| m.is_dir()),
        Err(_) => false,
    }
}

/// The complete chunks of a transfer, in order (chunk names are numbers: their offsets or
/// indexes), with their sizes.
pub async fn chunks(
    state: &AppState,
    owner: i64,
    id: &str,
) -> Result<Vec<(String, u64)>, TransferError> {
    let dir = dir(state, owner, id)?;
    let mut found = Vec::new();
    let mut entries = tokio::fs::read_dir(&dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if plain(&name) {
            found.push((name, entry.metadata().await?.len()));
        }
    }
    found.sort_by(|(a, _), (b, _)| order(a).cmp(&order(b)));
    Ok(found)
}

/// A chunk's place: by its number, then by its name.
fn order(name: &str) -> (u128, &str) {
    (name.parse().unwrap_or(u128::MAX), name)
}

/// Bytes a chunk may stream in before the owner's staged total is read again, so chunks sent
/// side by side cannot together pass the free space by more than this each.
const RECOUNT_EVERY: u64 = 4 << 20;

/// Stores chunk `name` of transfer `id` from `body`, refusing to stage more than `free` bytes
/// in all of the owner's open transfers together (what was staged and not yet joined is not
/// charged to the quota, so it is bounded here); answers the chunk's size.
pub async fn put_chunk(
    state: &AppState,
    owner: i64,
    id: &str,
    name: &str,
    mut body: ByteStream,
    free: u64,
) -> Result<u64, TransferError> {
    if !plain(name) {
        return Err(TransferError::NotFound);
    }
    let dir = dir(state, owner, id)?;
    tokio::fs::metadata(&dir).await?;
    let part = dir.join(format!(".{name}.{}", uuid::Uuid::new_v4()));
    // Neither the chunk this one replaces nor this one's own partial file count.
    let skip = [dir.join(name), part.clone()];
    let result = async {
        let mut staged = staged_by(state, owner, &skip).await?;
        let mut file = tokio::fs::File::create(&part).await?;
        let (mut len, mut recount_at) = (0u64, RECOUNT_EVERY);
        while let Some(piece) = body.next().await {
            let piece = piece.map_err(TransferError::Io)?;
            len += piece.len() as u64;
            if len >= recount_at {
                staged = staged_by(state, owner, &skip).await?;
                recount_at = len + RECOUNT_EVERY;
            }
            if staged + len > free {
                return Err(TransferError::NoSpace);
            }
            file.write_all(&piece).await?;
        }
        file.flush().await?;
        file.sync_all().await?;
        tokio::fs::rename(&part, dir.join(name)).await?;
        Ok(len)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    result
}

/// The bytes `owner` has staged in every open transfer (chunks, chunks being written, notes),
/// but the files in `skip`. A transfer or file removed meanwhile counts nothing.
async fn staged_by(state: &AppState, owner: i64, skip: &[PathBuf]) -> Result<u64, TransferError> {
    let gone = |e: &io::Error| e.kind() == io::ErrorKind::NotFound;
    let mut transfers = match tokio::fs::read_dir(root(state).join(owner.to_string())).await {
        Ok(entries) => entries,
        Err(e) if gone(&e) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut total = 0;
    while let Some(transfer) = transfers.next_entry().await? {
        let mut files = match tokio::fs::read_dir(transfer.path()).await {
            Ok(entries) => entries,
            Err(e) if gone(&e) || e.kind() == io::ErrorKind::NotADirectory => continue,
            Err(e) => return Err(e.into()),
        };
        while let Some(file) = files.next_entry().await? {
            if skip.contains(&file.path()) {
                continue;
            }
            match file.metadata().await {
                Ok(meta) => total += meta.len(),
                Err(e) if gone(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(total)
}

/// The chunks of transfer `id` joined in order, as one stream, and its length.
pub async fn assembled(
    state: &AppState,
    owner: i64,
    id: &str,
) -> Result<(ByteStream, u64), TransferError> {
    let dir = dir(state, owner, id)?;
    let list = chunks(state, owner, id).await?;
    let total = list.iter().map(|(_, len)| len).sum();
    let paths: Vec<PathBuf> = list.into_iter().map(|(n, _)| dir.join(n)).collect();
    let body = stream::iter(paths)
        .then(|path| async move {
            let file = tokio::fs::File::open(path).await?;
            Ok::<_, io::Error>(ReaderStream::with_capacity(file, 256 * 1024))
        })
        .try_flatten()
        .map_ok(Bytes::from);
    Ok((Box::pin(body), total))
}

/// The file of note `name` of a transfer: hidden from [`chunks`] by its leading dot.
fn note_path(state: &AppState, owner: i64, id: &str, name: &str) -> Result<PathBuf, TransferError> {
    if !plain(name) {
        return Err(TransferError::NotFound);
    }
    Ok(dir(state, owner, id)?.join(format!(".note-{name}")))
}

/// Keeps `text` as note `name` of transfer `id` (what a client needs to finish it: its
/// target, a chunk's digest), replacing an earlier one.
pub async fn put_note(
    state: &AppState,
    owner: i64,
    id: &str,
    name: &str,
    text: &str,
) -> Result<(), TransferError> {
    let path = note_path(state, owner, id, name)?;
    let part = path.with_extension(uuid::Uuid::new_v4().to_string());
    tokio::fs::write(&part, text).await?;
    tokio::fs::rename(&part, &path).await?;
    Ok(())
}

/// Note `name` of transfer `id`; `None` when it was never written.
pub async fn note(
    state: &AppState,
    owner: i64,
    id: &str,
    name: &str,
) -> Result<Option<String>, TransferError> {
    match tokio::fs::read_to_string(note_path(state, owner, id, name)?).await {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Removes chunk `name` of transfer `id` (a part the client left out of the file).
pub async fn drop_chunk(
    state: &AppState,
    owner: i64,
    id: &str,
    name: &str,
) -> Result<(), TransferError> {
    if !plain(name) {
        return Err(TransferError::NotFound);
    }
    match tokio::fs::remove_file(dir(state, owner, id)?.join(name)).await {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// The open transfers of `owner` whose id starts with `prefix`, with the time each was last
/// touched.
pub async fn list(
    state: &AppState,
    owner: i64,
    prefix: &str,
) -> Result<Vec<(String, SystemTime)>, TransferError> {
    let mut found = Vec::new();
    let mut entries = match tokio::fs::read_dir(root(state).join(owner.to_string())).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e.into()),
    };
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if plain(&name) && name.starts_with(prefix) {
            found.push((name, entry.metadata().await?.modified()?));
        }
    }
    found.sort();
    Ok(found)
}

/// Removes transfer `id` and its chunks; false when there was none.
pub async fn remove(state: &AppState, owner: i64, id: &str) -> Result<bool, TransferError> {
    let dir = dir(state, owner, id)?;
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Removes the transfers untouched for [`MAX_AGE`] (a chunk written touches its transfer's
/// folder); answers how many.
pub async fn collect_abandoned(state: &AppState) -> io::Result<u64> {
    collect_older(&root(state), SystemTime::now() - MAX_AGE).await
}

async fn collect_older(root: &Path, before: SystemTime) -> io::Result<u64> {
    let mut owners = match tokio::fs::read_dir(root).await {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    while let Some(owner) = owners.next_entry().await? {
        let mut transfers = tokio::fs::read_dir(owner.path()).await?;
        while let Some(t) = transfers.next_entry().await? {
            let touched = t.metadata().await?.modified()?;
            if touched < before {
                tokio::fs::remove_dir_all(t.path()).await?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_order() {
        assert!(plain("web-file-upload-1a2b_3"));
        for bad in ["", ".", "..", "a/b", ".file", "a b"] {
            assert!(!plain(bad), "{bad}");
        }
        let mut names = vec!["10", "9", "00001", "x"];
        names.sort_by_key(|n| order(n));
        assert_eq!(names, ["00001", "9", "10", "x"]);
    }

    #[tokio::test]
    async fn only_old_transfers_are_collected() {
        let root = tempfile::tempdir().unwrap();
        let old = root.path().join("1").join("t");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("1"), b"x").unwrap();
        let now = SystemTime::now();
        assert_eq!(collect_older(root.path(), now - MAX_AGE).await.unwrap(), 0);
        assert_eq!(
            collect_older(root.path(), now + Duration::from_secs(1))
                .await
                .unwrap(),
            1
        );
        assert!(!old.exists());
    }
}
