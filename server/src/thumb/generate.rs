//! Making one thumbnail: the generators that take the file are tried in chain order, and
//! the first picture made is fitted and encoded (or kept as the tool wrote it when it already
//! is the thumbnail, see [`external::writes`]). The master renders here within one worker
//! slot ([`render_here`]); a slave node runs the same chain on its own disk ([`render`]).
//! Each step's time is logged at debug level (`stratus_server::thumb=debug`).

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use stratus_entity::entity;

use super::{
    Config, ThumbError, Thumbnailer,
    chain::{FfmpegOptions, Generator, Kind},
    cover,
    external::{self, Box2, Target, Want},
    read_capped,
    render::{self, Spec},
};
use crate::{
    imaging::DecodeError,
    sandbox::Limits,
    state::AppState,
    storage::{StorageDriver, StorageError, stream_once},
};

/// The blob a rendering reads.
pub struct Source<'a> {
    pub driver: &'a dyn StorageDriver,
    pub key: &'a str,
    /// Its recorded size: a copy for the tools stops there.
    pub size: i64,
    /// The file's extension, which names the copy the tools read.
    pub ext: &'a str,
}

/// How the picture is made and fitted.
pub struct Recipe<'a> {
    pub spec: Spec,
    pub ffmpeg: &'a FfmpegOptions,
    /// What each external tool run may use.
    pub limits: &'a Limits,
}

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
    let asked = Instant::now();
    let made = {
        let thumbs = Thumbnailer::of(state);
        let _slot = thumbs
            .workers
            .current(&state.settings)
            .await
            .acquire()
            .await?;
        tracing::debug!(
            source = source.id,
            wait_ms = ms(asked.elapsed()),
            "worker slot"
        );
        let ext = super::chain::ext_of(name);
        let from = Source {
            driver,
            key: &source.source,
            size: source.size,
            ext: &ext,
        };
        let recipe = Recipe {
            spec: config.spec,
            ffmpeg: &config.chain.ffmpeg,
            limits: &config.limits,
        };
        Box::pin(render(&from, state.temp_dir().await?, &recipe, generators)).await?
    };
    let bytes = match made {
        Ok(bytes) => bytes,
        Err(reasons) => return Ok(Err(reasons)),
    };
    let size = bytes.len() as u64;
    let put = Instant::now();
    driver.put(key, stream_once(bytes), Some(size)).await?;
    tracing::debug!(
        source = source.id,
        put_ms = ms(put.elapsed()),
        "thumbnail stored"
    );
    Ok(Ok(size))
}

/// Milliseconds, for the step timings.
pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Tries `generators` in order on `source` and answers the first picture made, fitted and
/// encoded, or the reasons each one failed. The tools read a copy in a private folder under
/// `temp`, removed afterwards.
pub async fn render(
    source: &Source<'_>,
    temp: PathBuf,
    recipe: &Recipe<'_>,
    generators: &[&Generator],
) -> Result<Result<Vec<u8>, String>, StorageError> {
    let mut staged: Option<tempfile::TempDir> = None;
    let mut reasons = Vec::new();
    let mut made = None;
    for generator in generators {
        let started = Instant::now();
        let picture = match generator.kind {
            Kind::Builtin => builtin(source, generator).await?,
            _ => {
                let src = external::source_name(source.ext);
                if staged.is_none() {
                    staged = Some(Box::pin(stage(&temp, source, &src)).await?);
                    tracing::debug!(stage_ms = ms(started.elapsed()), "source staged");
                }
                let dir = staged.as_ref().expect("staged above").path();
                let ran = Instant::now();
                let picture = Box::pin(outside(recipe, generator, dir, &src)).await;
                let run_ms = ms(ran.elapsed());
                tracing::debug!(generator = generator.kind.key(), run_ms, "generator ran");
                picture
            }
        };
        let fitting = Instant::now();
        let as_is = external::writes(generator.kind, recipe.spec.encoding);
        let fitted = fit(picture, recipe.spec, as_is).await;
        tracing::debug!(fit_ms = ms(fitting.elapsed()), "picture fitted");
        match fitted {
            Ok(bytes) => {
                made = Some(bytes);
                break;
            }
            Err(reason) => reasons.push(format!("{}: {reason}", generator.kind.key())),
        }
    }
    if let Some(dir) = staged {
        let _ = tokio::task::spawn_blocking(move || dir.close()).await;
    }
    Ok(made.ok_or_else(|| reasons.join("; ")))
}

/// The source in memory, for the built-in decoder.
async fn builtin(
    source: &Source<'_>,
    generator: &Generator,
) -> Result<Result<Vec<u8>, String>, StorageError> {
    let object = source.driver.get(source.key, None).await?;
    Ok(read_capped(object.stream, generator.max_size.max(0) as u64)
        .await?
        .ok_or_else(|| DecodeError::TooLarge.to_string()))
}

/// A private folder under `parent` holding the source as `src`, streamed from the driver.
async fn stage(
    parent: &Path,
    source: &Source<'_>,
    src: &str,
) -> Result<tempfile::TempDir, StorageError> {
    tokio::fs::create_dir_all(parent).await?;
    let parent = parent.to_owned();
    let dir = tokio::task::spawn_blocking(move || {
        tempfile::Builder::new().prefix("thumb-").tempdir_in(parent)
    })
    .await
    .map_err(|e| StorageError::from(std::io::Error::other(e)))??;
    // The blob's recorded size bounds the copy: a blob that grew is not followed further.
    let cap = source.size.max(0) as u64;
    if let Some(file) = source.driver.open_local(source.key).await? {
        // A blob on local disk is copied by the kernel, in one blocking call, rather than
        // streamed through the server; the tools still get a copy of their own, so no run
        // can touch the stored blob.
        let to = dir.path().join(src);
        tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            use std::io::Read;
            let mut out = std::fs::File::create(to)?;
            std::io::copy(&mut file.take(cap), &mut out)
        })
        .await
        .map_err(|e| StorageError::from(std::io::Error::other(e)))??;
        return Ok(dir);
    }
    let object = source.driver.get(source.key, None).await?;
    external::stage(object.stream, dir.path(), src, cap).await?;
    Ok(dir)
}

/// The picture a generator that works on the staged file makes.
async fn outside(
    recipe: &Recipe<'_>,
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
    let want = Want {
        fit: Box2 {
            width: recipe.spec.width,
            height: recipe.spec.height,
        },
        target: Target {
            encoding: recipe.spec.encoding,
            quality: recipe.spec.quality,
        },
    };
    let out = external::generate(generator, recipe.ffmpeg, dir, src, want, recipe.limits).await?;
    external::read_output(&out).await
}

/// A generator's picture fitted into the box and encoded, within the decode limits; kept as
/// it is when the tool was asked for the thumbnail's encoding (`as_is`) and the picture is
/// in that encoding and within the box.
async fn fit(picture: Result<Vec<u8>, String>, spec: Spec, as_is: bool) -> Result<Vec<u8>, String> {
    let data = picture?;
    if as_is && render::fits_as_is(&data, &spec) {
        return Ok(data);
    }
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
