//! What extracting or listing an archive can fail with. The envelope code of each is chosen
//! in `api/errors/extract.rs`; a task shows the message.

use crate::{
    download::DownloadError,
    fs::{error::FsError, uri::UriError},
    queue::QueueError,
    upload::UploadError,
};

/// An extraction failure.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The caller's group may not run extract tasks.
    #[error("your group may not extract archives")]
    NotAllowed,
    /// Not an archive this server reads.
    #[error("unsupported archive type")]
    Unsupported,
    /// An unknown `encoding` label.
    #[error("unknown encoding {0:?}")]
    Encoding(String),
    /// The archive is damaged or uses a feature this server does not read.
    #[error("the archive cannot be read: {0}")]
    Corrupt(String),
    /// An entry whose name would leave the destination (`..`, absolute, a drive, NUL).
    #[error("the archive has an unsafe entry name {0:?}")]
    UnsafeName(String),
    /// More entries than the group allows.
    #[error("the archive has more than {0} entries")]
    TooManyEntries(u64),
    /// A 7z whose header is larger than the headers of that many entries can be: refused
    /// before it is parsed, since parsing keeps every entry in memory at once.
    #[error("the archive's header is too large for at most {0} entries")]
    HeaderTooLarge(u64),
    /// Every reading slot stayed taken for as long as a request waits.
    #[error("too many archives are being read, try again later")]
    Busy,
    /// More uncompressed bytes than the group allows.
    #[error("the archive unpacks to more than {0} bytes")]
    TooBig(u64),
    /// An encrypted entry, and no password given.
    #[error("the archive is encrypted: give its password")]
    Encrypted,
    /// The password given does not open the archive.
    #[error("the password of the archive is wrong")]
    WrongPassword,
    /// The source is not a file or the destination not a folder.
    #[error("{0}")]
    Invalid(&'static str),
    /// A request field is malformed; the message names it.
    #[error("{0}")]
    Field(String),
    /// A URI of the request is malformed.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// The task could not be queued.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// Reading the archive's blob or the temporary file failed.
    #[error("reading the archive failed: {0}")]
    Io(#[from] std::io::Error),
    /// The archive's content could not be picked.
    #[error(transparent)]
    Download(#[from] DownloadError),
    /// Writing an extracted file failed (quota, names, locks, storage).
    #[error(transparent)]
    Upload(#[from] UploadError),
    /// A file-system rule refused.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// Reading the blob from storage failed.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// The reader stopped because its consumer went away.
    #[error("the extraction was stopped")]
    Stopped,
}
