//! Thumbnails (spec §7.5): `GET /file/thumb` answers a signed URL of a small picture of a
//! file, made on first request by the generator chain and kept as a thumbnail entity.
//!
//! Order of checks: resolve the URI through the file-system navigation (so every filesystem
//! works the same way); a filesystem without capability bit 10 (the trash), folders, symbolic
//! entries, empty files and files marked `thumb:disabled` have none. A stored thumbnail of the current version is
//! answered at once. Otherwise some enabled generator must take the extension and size
//! (`chain.rs`: the built-in one for jpg, jpeg, png, webp, gif by default; ffmpeg, libvips,
//! LibreOffice, poppler, libheif, LibRaw and the music cover per their `thumb_<name>_*`
//! settings), and the blob's policy must allow generating (local policies here; remote
//! policies on their slave node, which runs the same chain with the tools installed there on
//! the picture on its disk and keeps the thumbnail; other policies here with
//! `thumb_generator_proxy` in their settings); else there
//! is none, without marking the file, since a later setting may allow it.
//!
//! Generation is synchronous but bounded: at most `queue_thumb_worker_num` sources (never
//! more than the CPU count; a change applies to the next generation) are read and rendered at
//! once; further requests wait their turn. Thumbnail URLs are not speed-limited. Requests for
//! the same source blob wait for the one already generating and reuse its result. The
//! built-in generator reads the source (at most `thumb_builtin_max_size` bytes) into memory;
//! the decoder refuses pictures over 64 megapixels (or the lower `thumb_builtin_max_pixels`)
//! from the header, before allocating pixels. The other generators get the source streamed
//! into a private temporary folder, removed afterwards, and external tools run there in the
//! sandbox (`crate::sandbox`): no shell, `thumb_generator_timeout` seconds (60) and
//! `thumb_generator_max_memory` bytes of address space (2 GiB) per run. Whatever a generator
//! makes is fitted into `thumb_width` × `thumb_height` with the aspect ratio kept, encoded
//! per `thumb_encode_method` (png, jpg, webp) and `thumb_encode_quality`; ffmpeg, libvips and
//! poppler are asked for that very PNG or JPEG, kept as written when it is within the box
//! (`external::writes`), so it is not decoded and encoded twice. Animated GIF and
//! WebP pictures give their first frame. When every generator that takes the file fails,
//! the file is marked `thumb:disabled` (public metadata, cleared when a new version is
//! uploaded) with the reasons in the private `thumb:error`, and has no thumbnail; clients
//! then stop asking and nothing is retried for that version.

pub mod chain;
mod cover;
pub mod discover;
pub mod error;
pub mod external;
#[cfg(test)]
mod fuzz_tests;
pub mod generate;
mod inflight;
pub mod pinned;
pub mod render;
mod slots;
pub mod store;
pub mod version;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::EntityTrait;
use stratus_entity::{entity, storage_policy};

use chain::{Chain, Kind};
pub use error::ThumbError;
pub use inflight::Inflight;
use render::{Encoding, MAX_BOX_SIDE, Spec};
use slots::WorkerSlots;
use store::Commit;

use crate::{
    boolset::fs_cap,
    download::link::{self, UrlOptions},
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    imaging::MAX_PIXELS,
    sandbox::Limits,
    settings::Settings,
    state::AppState,
    storage::{ByteStream, StorageError, ThumbJob, ThumbTool},
};

pub use store::{DISABLED, ERROR};

/// The extensions some enabled generator takes, sorted and lower case (`thumb.thumb_exts` of
/// the site configuration).
pub async fn site_exts(settings: &Settings) -> Result<Vec<String>, ThumbError> {
    Ok(Config::load(settings).await?.chain.exts())
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
    chain: Chain,
    suffix: String,
    spec: Spec,
    /// What each external tool run may use.
    limits: Limits,
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
        let max_pixels = u64::try_from(int("thumb_builtin_max_pixels", MAX_PIXELS as i64))
            .ok()
            .filter(|&p| p > 0)
            .unwrap_or(MAX_PIXELS)
            .min(MAX_PIXELS);
        let suffix = match text("thumb_entity_suffix") {
            "" => "._thumb".to_owned(),
            s => s.to_owned(),
        };
        let positive = |key: &str, default: i64| Some(int(key, default)).filter(|v| *v > 0);
        Ok(Self {
            chain: Chain::from_settings(&all),
            suffix,
            spec: Spec {
                width: side("thumb_width", 400),
                height: side("thumb_height", 300),
                encoding: Encoding::from_setting(text("thumb_encode_method")),
                quality: int("thumb_encode_quality", 95).clamp(1, 100) as u8,
                limits: render::limits(max_pixels),
            },
            limits: Limits {
                timeout: std::time::Duration::from_secs(
                    positive("thumb_generator_timeout", 60).unwrap_or(60) as u64,
                ),
                memory: positive("thumb_generator_max_memory", 2 << 30).unwrap_or(2 << 30) as u64,
                file_size: 4 * external::MAX_OUTPUT,
            },
        })
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
    if config.chain.matching(&file.name, source.size).is_empty()
        || !generates_here(state, &source).await?
    {
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
    let generators = config.chain.matching(&file.name, source.size);
    let made = if driver.capabilities().native_thumbnails {
        // A slave node runs the same chain on its own disk, with its own tools.
        let job = job(source, &key, config, &file.name, &generators);
        driver.render_thumbnail(&job).await?
    } else {
        // Boxed: the generators' futures are large, and requests run on small stacks.
        Box::pin(generate::render_here(
            state,
            driver.as_ref(),
            source,
            &file.name,
            &key,
            config,
            &generators,
        ))
        .await?
    };
    let size = match made {
        Ok(size) => size as i64,
        Err(err) => {
            tracing::info!(file_id = file.id, error = %err, "thumbnail generation failed");
            store::disable(state, file.owner_id, file.id, &err).await?;
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

/// What a driver that renders thumbnails itself (a slave node) is asked to make: the
/// generators that take the file `name`, with the site's options and limits.
fn job(
    source: &entity::Model,
    key: &str,
    config: &Config,
    name: &str,
    generators: &[&chain::Generator],
) -> ThumbJob {
    let spec = config.spec;
    let ffmpeg = &config.chain.ffmpeg;
    ThumbJob {
        src: source.source.clone(),
        dst: key.to_owned(),
        width: spec.width,
        height: spec.height,
        encoding: spec.encoding.ext().to_owned(),
        quality: spec.quality,
        max_size: config.chain.get(Kind::Builtin).max_size.max(0) as u64,
        max_pixels: spec.limits.max_pixels,
        ext: chain::ext_of(name),
        generators: generators
            .iter()
            .map(|g| ThumbTool {
                kind: g.kind.key().to_owned(),
                path: g.path.clone(),
                max_size: g.max_size.max(0) as u64,
            })
            .collect(),
        ffmpeg_seek: ffmpeg.seek.clone(),
        ffmpeg_args: ffmpeg.extra_args.clone(),
        timeout_secs: config.limits.timeout.as_secs(),
        max_memory: config.limits.memory,
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
