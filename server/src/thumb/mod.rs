//! Thumbnails (spec §7.5): `GET /file/thumb` answers a signed URL of a small picture of a
//! file, made on first request by the built-in generator and kept as a thumbnail entity.
//!
//! Order of checks: resolve the URI through the file-system navigation (so every filesystem
//! works the same way); a filesystem without capability bit 10 (the trash), folders, symbolic
//! entries, empty files and files marked `thumb:disabled` have none. A stored thumbnail of the current version is
//! answered at once. Otherwise the built-in generator must be on (`thumb_builtin_enabled`),
//! know the extension (`thumb_builtin_exts`, comma-separated; default jpg, jpeg, png, webp,
//! gif) and accept the size (`thumb_builtin_max_size`), and the blob's policy must allow
//! generating (local policies here; remote policies on their slave node, which reads the
//! picture from its disk and keeps the thumbnail; other policies here with
//! `thumb_generator_proxy` in their settings); else there is none, without marking the
//! file, since a later setting may allow it.
//!
//! Generation is synchronous but bounded: at most `queue_thumb_worker_num` pictures (never
//! more than the CPU count; a change applies to the next generation) are read and decoded at
//! once, on the blocking pool; further requests wait their turn. Thumbnail URLs are not
//! speed-limited. Requests for the same source blob wait for the one already
//! generating and reuse its result. The source (at most `thumb_builtin_max_size` bytes) is
//! read into memory; the decoder refuses pictures over 64 megapixels (or the lower
//! `thumb_builtin_max_pixels`) from the header, before allocating pixels. The result fits
//! `thumb_width` × `thumb_height` with the aspect ratio kept, encoded per
//! `thumb_encode_method` (png, jpg, webp) and `thumb_encode_quality`. Animated GIF and WebP
//! pictures give their first frame. A picture that cannot be decoded marks the file
//! `thumb:disabled` (public metadata, cleared when a new version is uploaded) and has no
//! thumbnail; clients then stop asking.

pub mod error;
mod inflight;
pub mod render;
mod slots;
pub mod store;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::EntityTrait;
use stratus_entity::{entity, storage_policy};

pub use error::ThumbError;
pub use inflight::Inflight;
use render::{Encoding, MAX_BOX_SIDE, RenderError, Spec};
use slots::WorkerSlots;
use store::Commit;

use crate::{
    boolset::fs_cap,
    download::link::{self, UrlOptions},
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    imaging::{DecodeError, MAX_PIXELS},
    settings::{Settings, parse_bool},
    state::AppState,
    storage::{ByteStream, StorageDriver, StorageError, ThumbJob, stream_once},
};

/// Extensions the built-in generator takes when `thumb_builtin_exts` is empty.
pub const DEFAULT_EXTS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// The extensions some enabled generator takes, sorted and lower case (`thumb.thumb_exts` of
/// the site configuration). Stratus has only the built-in generator.
pub async fn site_exts(settings: &Settings) -> Result<Vec<String>, ThumbError> {
    let config = Config::load(settings).await?;
    if !config.enabled {
        return Ok(Vec::new());
    }
    let mut exts = config.exts;
    exts.sort();
    exts.dedup();
    Ok(exts)
}

/// Process-wide generator state: the worker slots and the in-flight generations.
#[derive(Default)]
pub struct Thumbnailer {
    workers: WorkerSlots,
    inflight: Inflight,
}

impl Thumbnailer {
    /// The state's generator.
    pub fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Self::default())
    }
}

/// A signed thumbnail URL.
#[derive(Debug, Clone)]
pub struct ThumbLink {
    pub url: String,
    pub expires: DateTime<Utc>,
}

/// The thumbnail settings of the site.
struct Config {
    enabled: bool,
    exts: Vec<String>,
    max_size: i64,
    suffix: String,
    spec: Spec,
}

impl Config {
    async fn load(settings: &Settings) -> Result<Self, ThumbError> {
        let all = settings.all().await?;
        let text = |key: &str| all.get(key).map(|v| v.trim()).unwrap_or_default();
        let int = |key: &str, default: i64| text(key).parse().unwrap_or(default);
        let side = |key: &str, default: i64| {
            u32::try_from(int(key, default))
                .ok()
                .filter(|s| (1..=MAX_BOX_SIDE).contains(s))
                .unwrap_or(default as u32)
        };
        let exts: Vec<String> = text("thumb_builtin_exts")
            .split(',')
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        let max_pixels = u64::try_from(int("thumb_builtin_max_pixels", MAX_PIXELS as i64))
            .ok()
            .filter(|&p| p > 0)
            .unwrap_or(MAX_PIXELS)
            .min(MAX_PIXELS);
        let suffix = match text("thumb_entity_suffix") {
            "" => "._thumb".to_owned(),
            s => s.to_owned(),
        };
        Ok(Self {
            enabled: parse_bool(text("thumb_builtin_enabled")),
            exts: if exts.is_empty() {
                DEFAULT_EXTS.iter().map(|e| (*e).to_owned()).collect()
            } else {
                exts
            },
            max_size: int("thumb_builtin_max_size", 78_643_200),
            suffix,
            spec: Spec {
                width: side("thumb_width", 400),
                height: side("thumb_height", 300),
                encoding: Encoding::from_setting(text("thumb_encode_method")),
                quality: int("thumb_encode_quality", 95).clamp(1, 100) as u8,
                limits: render::limits(max_pixels),
            },
        })
    }

    /// Whether the built-in generator takes a file of this name and size.
    fn accepts(&self, name: &str, size: i64) -> bool {
        let ext = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        self.enabled && size > 0 && size <= self.max_size && self.exts.contains(&ext)
    }
}

fn unavailable() -> ThumbError {
    ThumbError::Unavailable
}

/// The thumbnail of a snapshot's file: one made for the file and that very blob while it was
/// live is shown; none is made for a snapshot, which is read-only.
async fn snapshot_thumbnail(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    base: &str,
) -> Result<ThumbLink, ThumbError> {
    let state = ctx.state;
    let node = crate::fs::snapshot_tree::resolve(ctx, uri).await?.as_node();
    if node.is_folder() {
        return Err(unavailable());
    }
    let source = link::pick_entity(state, &node.file, None)
        .await?
        .ok_or_else(unavailable)?;
    let config = Config::load(&state.settings).await?;
    match store::find(&state.db, node.file.id, &source, &config.suffix).await? {
        Some((thumb, encoding)) => sign(state, base, &node, &thumb, encoding).await,
        None => Err(unavailable()),
    }
}

/// The thumbnail URL of `uri`, generating the thumbnail first when there is none.
/// `base` is the site base content URLs start with.
pub async fn thumbnail(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    base: &str,
) -> Result<ThumbLink, ThumbError> {
    let state = ctx.state;
    if uri.fs == crate::fs::uri::FsKind::Snapshot {
        return snapshot_thumbnail(ctx, uri, base).await;
    }
    let node = nav::resolve(ctx, uri).await?;
    // A file system without thumbnails (the trash) answers "no thumbnail" like any file that
    // has none, as Cloudreve does: clients then show the file's icon.
    if !node.capability.enabled(fs_cap::GENERATE_THUMB) {
        return Err(unavailable());
    }
    let file = &node.file;
    if node.is_folder() || file.is_symbolic || store::disabled(&state.db, file.id).await? {
        return Err(unavailable());
    }
    // Blobs still uploading or gone are refused here too; an empty file has no blob.
    let source = link::pick_entity(state, file, None)
        .await?
        .ok_or_else(unavailable)?;
    let config = Config::load(&state.settings).await?;
    if let Some((thumb, encoding)) =
        store::find(&state.db, file.id, &source, &config.suffix).await?
    {
        return sign(state, base, &node, &thumb, encoding).await;
    }
    if !config.accepts(&file.name, source.size) || !generates_here(state, &source).await? {
        return Err(unavailable());
    }
    let thumbs = Thumbnailer::of(state);
    let _turn = thumbs.inflight.lock(source.id).await;
    // Whoever held the turn before may have made it already.
    if let Some((thumb, encoding)) =
        store::find(&state.db, file.id, &source, &config.suffix).await?
    {
        return sign(state, base, &node, &thumb, encoding).await;
    }
    let (thumb, encoding) = make(state, file, &source, &config).await?;
    sign(state, base, &node, &thumb, encoding).await
}

/// Generates the thumbnail of `file` from `source` and stores it, or marks the file when the
/// picture cannot be thumbnailed. Returns the thumbnail recorded for the file, which is
/// another request's when that one recorded first.
async fn make(
    state: &AppState,
    file: &stratus_entity::file::Model,
    source: &entity::Model,
    config: &Config,
) -> Result<(entity::Model, Encoding), ThumbError> {
    let encoding = config.spec.encoding;
    let key = store::key_for(&source.source, encoding, &config.suffix);
    let driver = state.storage.driver(source.storage_policy_id).await?;
    let made = if driver.capabilities().native_thumbnails {
        driver.render_thumbnail(&job(source, &key, config)).await?
    } else {
        render_here(state, driver.as_ref(), source, &key, config).await?
    };
    let size = match made {
        Ok(size) => size as i64,
        Err(err) => {
            tracing::info!(file_id = file.id, error = %err, "thumbnail generation failed");
            store::disable(state, file.owner_id, file.id).await?;
            return Err(unavailable());
        }
    };
    let committed = store::commit(
        state,
        file.owner_id,
        file.id,
        source,
        &key,
        size,
        &config.suffix,
    )
    .await;
    match committed {
        Ok(Commit::Stored(thumb)) => Ok((thumb, encoding)),
        other => {
            // Blob first, then the row: a blob no row points at is deleted again.
            if let Err(err) = driver.delete(std::slice::from_ref(&key)).await {
                tracing::warn!(key, error = %err, "deleting a surplus thumbnail failed");
            }
            match other? {
                Commit::Existing(thumb) => {
                    let encoding = store::made_from(&thumb.source, &source.source, &config.suffix)
                        .unwrap_or(encoding);
                    Ok((thumb, encoding))
                }
                _ => Err(unavailable()),
            }
        }
    }
}

/// Renders the thumbnail here and stores it at `key`: its size, or why the picture cannot be
/// thumbnailed.
async fn render_here(
    state: &AppState,
    driver: &dyn StorageDriver,
    source: &entity::Model,
    key: &str,
    config: &Config,
) -> Result<Result<u64, String>, ThumbError> {
    let bytes = match generate(state, source, config).await? {
        Ok(bytes) => bytes,
        Err(err) => return Ok(Err(err.to_string())),
    };
    let size = bytes.len() as u64;
    driver.put(key, stream_once(bytes), Some(size)).await?;
    Ok(Ok(size))
}

/// What a driver that renders thumbnails itself (a slave node) is asked to make.
fn job(source: &entity::Model, key: &str, config: &Config) -> ThumbJob {
    let spec = config.spec;
    ThumbJob {
        src: source.source.clone(),
        dst: key.to_owned(),
        width: spec.width,
        height: spec.height,
        encoding: spec.encoding.ext().to_owned(),
        quality: spec.quality,
        max_size: config.max_size.max(0) as u64,
        max_pixels: spec.limits.max_pixels,
    }
}

/// Local blobs are thumbnailed here, a slave node's on the node (the thumbnail stored there
/// too); other policies only with `thumb_generator_proxy`, here.
async fn generates_here(state: &AppState, source: &entity::Model) -> Result<bool, ThumbError> {
    let policy = storage_policy::Entity::find_by_id(source.storage_policy_id)
        .one(&state.db)
        .await?;
    Ok(policy.is_some_and(|p| {
        p.r#type == storage_policy::kind::LOCAL
            || p.r#type == storage_policy::kind::REMOTE
            || p.settings
                .get("thumb_generator_proxy")
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
    }))
}

/// Reads and renders the source in a worker slot. The outer error is a server failure
/// (storage, worker pool); the inner one a picture that cannot be thumbnailed.
async fn generate(
    state: &AppState,
    source: &entity::Model,
    config: &Config,
) -> Result<Result<Vec<u8>, RenderError>, ThumbError> {
    let thumbs = Thumbnailer::of(state);
    let _slot = thumbs
        .workers
        .current(&state.settings)
        .await
        .acquire()
        .await?;
    let driver = state.storage.driver(source.storage_policy_id).await?;
    let object = driver.get(&source.source, None).await?;
    let Some(data) = read_capped(object.stream, config.max_size as u64).await? else {
        return Ok(Err(RenderError::Decode(DecodeError::TooLarge)));
    };
    let spec = config.spec;
    // A panic in a decoder is a picture that cannot be thumbnailed, not a server failure.
    Ok(
        tokio::task::spawn_blocking(move || render::render(&data, &spec))
            .await
            .unwrap_or_else(|e| Err(RenderError::Encode(format!("the decoder failed: {e}")))),
    )
}

/// The whole stream, or `None` as soon as it passes `cap` bytes.
pub async fn read_capped(
    mut stream: ByteStream,
    cap: u64,
) -> Result<Option<Vec<u8>>, StorageError> {
    let mut out = Vec::new();
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(StorageError::from)?;
        if (out.len() + piece.len()) as u64 > cap {
            return Ok(None);
        }
        out.extend_from_slice(&piece);
    }
    Ok(Some(out))
}

/// A signed content URL of the thumbnail, named `<file stem>_thumb.<ext>` so it is served
/// with the right content type, valid for `entity_url_default_ttl` seconds.
async fn sign(
    state: &AppState,
    base: &str,
    node: &nav::Node,
    thumb: &entity::Model,
    encoding: Encoding,
) -> Result<ThumbLink, ThumbError> {
    let key = state.settings.get("secret_key").await?;
    let ttl = crate::download::link::url_ttl_secs(state).await?;
    let expires = Utc::now().timestamp() + ttl;
    let file_name = node.file.name.as_str();
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let name = format!("{stem}_thumb.{}", encoding.ext());
    let hashid = link::entity_hashid(&state.ids, Some(thumb));
    let share = crate::share::access::bound_share(state, node);
    let opts = UrlOptions {
        thumb: true,
        share: share.as_deref(),
        ..UrlOptions::default()
    };
    let url = link::content_url(base, key.as_bytes(), &hashid, 0, &name, expires, opts);
    Ok(ThumbLink {
        url,
        expires: DateTime::from_timestamp(expires, 0).unwrap_or_else(Utc::now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_and_sizes_decide_what_is_generated() {
        let config = Config {
            enabled: true,
            exts: DEFAULT_EXTS.iter().map(|e| (*e).to_owned()).collect(),
            max_size: 100,
            suffix: "._thumb".into(),
            spec: Spec {
                width: 1,
                height: 1,
                encoding: Encoding::Png,
                quality: 1,
                limits: render::limits(MAX_PIXELS),
            },
        };
        assert!(config.accepts("a.JPG", 10));
        assert!(config.accepts("x.y.gif", 100));
        assert!(!config.accepts("a.png", 101));
        assert!(!config.accepts("a.png", 0));
        assert!(!config.accepts("a.bmp", 10));
        assert!(!config.accepts("png", 10));
        let off = Config {
            enabled: false,
            ..config
        };
        assert!(!off.accepts("a.png", 10));
    }
}
