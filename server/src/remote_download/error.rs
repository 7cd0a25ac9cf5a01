//! [`RemoteDownloadError`]: why a remote download was refused, in the downloader's words.

use sea_orm::DbErr;

use crate::{
    fs::{error::FsError, uri::UriError},
    net::guard::GuardError,
    queue::QueueError,
};

#[derive(Debug, thiserror::Error)]
pub enum RemoteDownloadError {
    #[error("your group may not create remote downloads")]
    NotAllowed,
    #[error("at most {0} URLs per request")]
    Batch(i64),
    #[error("give either src (URLs) or src_file (a torrent file), not both")]
    Source,
    #[error("{0}")]
    BadUrl(String),
    #[error("{0}")]
    Param(String),
    #[error("refused: {0}")]
    Refused(#[from] GuardError),
    /// A tracker, web seed or DHT node of a torrent or magnet the SSRF guard refuses.
    #[error("refused: the {what} {url}: {source}")]
    Endpoint {
        what: &'static str,
        url: String,
        source: GuardError,
    },
    #[error("not a usable torrent: {0}")]
    NotTorrent(String),
    #[error("the torrent file cannot be read: {0}")]
    Storage(String),
    #[error(transparent)]
    Uri(#[from] UriError),
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("{0}")]
    Downloader(String),
    #[error("only a torrent download has files to select")]
    NotSelectable,
    #[error("the download has not started yet; select its files once it lists them")]
    NotStarted,
}
