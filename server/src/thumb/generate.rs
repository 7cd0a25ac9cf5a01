//! Making one thumbnail here: the generators that take the file are tried in chain order
//! within one worker slot, and the first picture made is fitted, encoded and stored.

use std::path::Path;

use stratus_entity::entity;

use super::{
    Config, ThumbError, Thumbnailer,
    chain::{Generator, Kind},
    cover,
    external::{self, Box2},
    read_capped, render,
};
use crate::{
    imaging::DecodeError,
    state::AppState,
    storage::{StorageDriver, stream_once},
};

/// Renders the thumbnail of `source` (a file called `name`) and stores it at `key`: its
/// size, or why no generator could make one.
pub(super) async fn render_here(
    state: &AppState,
    driver: &dyn StorageDriver,
    source: &entity::Model,
    name: &str,
    key: &str,
    config: &Config,
    generators: &[&Generator],
) -> Result<Result<u64, String>, ThumbError> {
    let bytes = {
        let thumbs = Thumbnailer::of(state);
        let _slot = thumbs
            .workers
            .current(&state.settings)
            .await
            .acquire()
            .await?;
        let mut staged: Option<tempfile::TempDir> = None;
        let mut reasons = Vec::new();
        let mut made = None;
        for generator in generators {
            let picture = match generator.kind {
                Kind::Builtin => builtin(driver, source, generator).await?,
                _ => {
                    let src = external::source_name(&super::chain::ext_of(name));
                    if staged.is_none() {
                        staged = Some(Box::pin(stage(state, driver, source, &src)).await?);
                    }
                    let dir = staged.as_ref().expect("staged above").path();
                    Box::pin(outside(config, generator, dir, &src)).await
                }
            };
            match fit(picture, config).await {
                Ok(bytes) => {
                    made = Some(bytes);
                    break;
                }
                Err(reason) => reasons.push(format!("{}: {reason}", generator.kind.key())),
            }
        }
        // The private folder goes before the slot is given back.
        if let Some(dir) = staged {
            let _ = tokio::task::spawn_blocking(move || dir.close()).await;
        }
        match made {
            Some(bytes) => bytes,
            None => return Ok(Err(reasons.join("; "))),
        }
    };
    let size = bytes.len() as u64;
    driver.put(key, stream_once(bytes), Some(size)).await?;
    Ok(Ok(size))
}

/// The source in memory, for the built-in decoder.
async fn builtin(
    driver: &dyn StorageDriver,
    source: &entity::Model,
    generator: &Generator,
) -> Result<Result<Vec<u8>, String>, ThumbError> {
    let object = driver.get(&source.source, None).await?;
    Ok(read_capped(object.stream, generator.max_size.max(0) as u64)
        .await?
        .ok_or_else(|| DecodeError::TooLarge.to_string()))
}

/// A private folder holding the source as `src`, streamed from the driver.
async fn stage(
    state: &AppState,
    driver: &dyn StorageDriver,
    source: &entity::Model,
    src: &str,
) -> Result<tempfile::TempDir, ThumbError> {
    let parent = state.temp_dir().await?;
    tokio::fs::create_dir_all(&parent)
        .await
        .map_err(crate::storage::StorageError::from)?;
    let dir = tokio::task::spawn_blocking(move || {
        tempfile::Builder::new().prefix("thumb-").tempdir_in(parent)
    })
    .await
    .map_err(|e| crate::storage::StorageError::from(std::io::Error::other(e)))?
    .map_err(crate::storage::StorageError::from)?;
    let object = driver.get(&source.source, None).await?;
    // The blob's recorded size bounds the copy: a blob that grew is not followed further.
    external::stage(object.stream, dir.path(), src, source.size.max(0) as u64).await?;
    Ok(dir)
}

/// The picture a generator that works on the staged file makes.
async fn outside(
    config: &Config,
    generator: &Generator,
    dir: &Path,
    src: &str,
) -> Result<Vec<u8>, String> {
    if generator.kind == Kind::MusicCover {
        let path = dir.join(src);
        return tokio::task::spawn_blocking(move || cover::read(&path))
            .await
            .unwrap_or_else(|e| Err(format!("the reader failed: {e}")));
    }
    let fit = Box2 {
        width: config.spec.width,
        height: config.spec.height,
    };
    let out = external::generate(
        generator,
        &config.chain.ffmpeg,
        dir,
        src,
        fit,
        &config.limits,
    )
    .await?;
    external::read_output(&out).await
}

/// A generator's picture fitted into the box and encoded, within the decode limits.
async fn fit(picture: Result<Vec<u8>, String>, config: &Config) -> Result<Vec<u8>, String> {
    let data = picture?;
    let spec = config.spec;
    // A panic in a decoder is a picture that cannot be thumbnailed, not a server failure.
    tokio::task::spawn_blocking(move || render::render(&data, &spec))
        .await
        .unwrap_or_else(|e| {
            Err(render::RenderError::Encode(format!(
                "the decoder failed: {e}"
            )))
        })
        .map_err(|e| e.to_string())
}
