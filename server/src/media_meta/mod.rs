//! Media metadata (the `media_meta` queue, Cloudreve's task of that name): once a file's new
//! version is in, a task reads what it can where the blob lies and stores it as public
//! metadata of the file, which the file's details show:
//!
//! - pictures: their EXIF as `exif:*` (camera, lens, exposure, time taken, size, place), with
//!   `media_meta_exif`; pictures over `media_meta_exif_size_local` bytes (local policies,
//!   1 GiB by default) or `media_meta_exif_size_remote` (other policies, 100 MiB) are not read;
//! - audio files: their tags as `music:*` (title, artist, album, year, track, duration...),
//!   read in process, with `media_meta_music`, up to `media_meta_music_size_local` /
//!   `media_exif_music_size_remote` (Cloudreve's spelling) bytes;
//! - video and audio files: container and streams as `stream:*`, read by `ffprobe`
//!   (`media_meta_ffprobe_path`) in the sandbox, with `media_meta_ffprobe` (off by default),
//!   up to `media_meta_ffprobe_size_local` / `_remote` bytes (0: no limit), within the time,
//!   memory and probing limits of the `media_meta_ffprobe_*` settings (`ffprobe.rs`).
//!
//! `media_meta` switches all of it. A new version drops the old version's keys
//! ([`NAMESPACES`]) in the transaction that makes it current, so stale values are never shown.
//!
//! - `exif.rs`: the EXIF fields as keys and values.
//! - `window.rs`: what of a picture is read for them, bounded (a TIFF's directories only).
//! - `music.rs`: the tags as keys and values.
//! - `ffprobe.rs`: ffprobe's answer as keys and values.
//! - `task.rs`: the task: the blob copied to a temporary file (never held in memory), read,
//!   and the keys replaced, unless the file has changed meanwhile.
//! - `backfill.rs`: the files that existed before a settings change switched a reader on,
//!   read by one task with progress.

pub mod backfill;
pub mod exif;
pub mod ffprobe;
pub mod music;
pub mod task;
pub mod window;

use sea_orm::DbErr;
use stratus_entity::file;

use crate::{queue::store, settings::parse_bool, state::AppState};

/// The metadata namespace of a picture's EXIF.
pub const NAMESPACE: &str = "exif:";
/// Every namespace this module writes (EXIF, music tags, audio and video streams); a new
/// version drops them all.
pub const NAMESPACES: &[&str] = &[NAMESPACE, "music:", "stream:"];

/// Extensions whose EXIF is read (JPEG, TIFF and raw pictures built on it, HEIF, PNG, WebP).
pub const EXIF_EXTS: &[&str] = &[
    "jpg", "jpeg", "jpe", "tif", "tiff", "dng", "heic", "heif", "avif", "png", "webp",
];

/// Extensions whose tags are read.
pub const MUSIC_EXTS: &[&str] = &[
    "mp3", "m4a", "ogg", "oga", "opus", "flac", "wav", "aac", "aiff", "ape", "wv", "mpc", "spx",
];

/// Extensions given to `ffprobe`: videos, and the audio files above.
pub const FFPROBE_EXTS: &[&str] = &[
    "3g2", "3gp", "asf", "avi", "divx", "flv", "m2ts", "m2v", "m4v", "mkv", "mov", "mp4", "mpeg",
    "mpg", "mts", "mxf", "ogv", "rm", "webm", "wmv",
];

/// What can be read from a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readers {
    pub exif: bool,
    pub music: bool,
    pub ffprobe: bool,
}

impl Readers {
    /// The readers the settings `all` switch on that take a file called `name`.
    pub fn for_name(all: &std::collections::HashMap<String, String>, name: &str) -> Self {
        let on = |key: &str| all.get(key).is_some_and(|v| parse_bool(v));
        let ext = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let ext = ext.as_str();
        if !on("media_meta") {
            return Self::default();
        }
        Self {
            exif: on("media_meta_exif") && EXIF_EXTS.contains(&ext),
            music: on("media_meta_music") && MUSIC_EXTS.contains(&ext),
            ffprobe: on("media_meta_ffprobe")
                && (FFPROBE_EXTS.contains(&ext) || MUSIC_EXTS.contains(&ext)),
        }
    }

    pub fn any(self) -> bool {
        self.exif || self.music || self.ffprobe
    }
}

/// Queues the metadata of `file`'s current version when the site extracts it for its type.
/// Best effort: a failure is logged, and the write it follows stands.
pub async fn queue_for(state: &AppState, file: &file::Model) {
    if let Err(e) = try_queue(state, file).await {
        tracing::warn!(file_id = file.id, error = %e, "cannot queue the media metadata task");
    }
}

async fn try_queue(state: &AppState, file: &file::Model) -> Result<(), DbErr> {
    let Some(entity_id) = file.primary_entity else {
        return Ok(());
    };
    let all = state.settings.all().await?;
    if file.size <= 0 || !Readers::for_name(&all, &file.name).any() {
        return Ok(());
    }
    let private = task::MetaState {
        file_id: file.id,
        entity_id,
    };
    store::submit_for_file(state, &task::MediaMeta, file, &private).await
}
