//! What a `remote_download` task stores between runs: its source, its destination, and how
//! far the transfer got, so a restart resumes it (HTTP from the bytes in the part file, aria2
//! by its download id) and never publishes the files twice.

use serde::{Deserialize, Serialize};

/// What a download fetches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An `http`/`https` URL, fetched by Stratus.
    Url(String),
    /// A `magnet:` link, fetched by aria2.
    Magnet(String),
    /// A `.torrent` file in the owner's drive (its URI), fetched by aria2.
    Torrent(String),
}

impl Source {
    pub fn text(&self) -> &str {
        match self {
            Self::Url(s) | Self::Magnet(s) | Self::Torrent(s) => s,
        }
    }
}

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DownloadState {
    pub src: Source,
    /// The folder the file(s) go to.
    pub dst: String,
    /// HTTP: bytes in the part file, synced to disk.
    #[serde(default)]
    pub received: u64,
    /// HTTP: the whole size, when the server said.
    #[serde(default)]
    pub total: Option<u64>,
    /// HTTP: the file's name, fixed by the first answer.
    #[serde(default)]
    pub name: Option<String>,
    /// aria2: its download id (the last one: a torrent's metadata download hands on to the
    /// download of its files).
    #[serde(default)]
    pub gid: Option<String>,
    /// The files are in the drive; only clean-up is left.
    #[serde(default)]
    pub published: bool,
}
