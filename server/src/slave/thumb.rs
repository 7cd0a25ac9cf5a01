//! Thumbnails made on the node (`POST /slave/file/thumb`): the picture is read from the node's
//! disk, rendered by the generator chain the master's settings describe (the built-in
//! decoder, and the external tools installed on the node, run in the node's own sandbox), and
//! the thumbnail stored beside it, so neither travels. At most one rendering per CPU runs at
//! once; further requests wait their turn.

use std::time::Duration;

use crate::{
    sandbox::Limits,
    storage::{
        StorageDriver, StorageError, ThumbJob, ThumbTool, remote::protocol::ThumbMade, stream_once,
    },
    thumb::{
        chain::{FfmpegOptions, Generator, Kind},
        external,
        generate::{self, Recipe, Source},
        render::{self, Encoding, MAX_BOX_SIDE, Spec},
    },
};

use super::Slave;

/// Longest a tool may run, whatever the master asks (`thumb_generator_timeout`'s maximum).
const MAX_TIMEOUT_SECS: u64 = 3600;
/// What a tool may use when the master says nothing (the site defaults).
const DEFAULT_TIMEOUT_SECS: u64 = 60;
const DEFAULT_MEMORY: u64 = 2 << 30;

/// Renders `job` and stores the thumbnail; a picture that cannot be thumbnailed is an answer
/// (`refused`), not an error.
pub async fn make(slave: &Slave, job: &ThumbJob) -> Result<ThumbMade, StorageError> {
    let refused = |why: String| ThumbMade {
        size: None,
        refused: Some(why),
    };
    let not_ours =
        |what: String| StorageError::Other(format!("{what}: not a thumbnail this node makes"));
    let Some(spec) = spec_of(job) else {
        return Err(not_ours(format!(
            "thumbnail {}×{} in {:?}",
            job.width, job.height, job.encoding
        )));
    };
    let generators = generators_of(job).map_err(not_ours)?;
    let size = slave.local().head(&job.src).await?.size as i64;
    let takes: Vec<&Generator> = generators
        .iter()
        .filter(|g| size > 0 && size <= g.max_size)
        .collect();
    if takes.is_empty() {
        return Ok(refused("the picture is too large".into()));
    }
    let ffmpeg = FfmpegOptions {
        seek: job.ffmpeg_seek.clone(),
        extra_args: job.ffmpeg_args.clone(),
    };
    let limits = limits_of(job);
    let recipe = Recipe {
        spec,
        ffmpeg: &ffmpeg,
        limits: &limits,
    };
    let source = Source {
        driver: slave.local(),
        key: &job.src,
        size,
        ext: &job.ext,
    };
    let made = {
        let _turn = slave.render_turn().await;
        Box::pin(generate::render(&source, slave.temp(), &recipe, &takes)).await?
    };
    let bytes = match made {
        Ok(bytes) => bytes,
        Err(why) => return Ok(refused(why)),
    };
    let size = bytes.len() as u64;
    slave
        .local()
        .put(&job.dst, stream_once(bytes), Some(size))
        .await?;
    Ok(ThumbMade {
        size: Some(size),
        refused: None,
    })
}

/// The rendering `job` asks for, within the limits the master's own generator keeps.
fn spec_of(job: &ThumbJob) -> Option<Spec> {
    let sides = 1..=MAX_BOX_SIDE;
    if !sides.contains(&job.width) || !sides.contains(&job.height) {
        return None;
    }
    Some(Spec {
        width: job.width,
        height: job.height,
        encoding: Encoding::from_ext(&job.encoding)?,
        quality: job.quality.clamp(1, 100),
        limits: render::limits(job.max_pixels),
    })
}

/// The chain `job` names; a master that names none asks for the built-in decoder only.
fn generators_of(job: &ThumbJob) -> Result<Vec<Generator>, String> {
    let builtin = [ThumbTool {
        kind: Kind::Builtin.key().to_owned(),
        path: String::new(),
        max_size: job.max_size,
    }];
    let tools = if job.generators.is_empty() {
        &builtin[..]
    } else {
        &job.generators[..]
    };
    tools
        .iter()
        .map(|t| {
            let kind = Kind::from_key(&t.kind).ok_or_else(|| format!("generator {:?}", t.kind))?;
            // Tools run without a shell and find their executable by name or path; an empty
            // one would run nothing useful.
            if kind.external() && t.path.trim().is_empty() {
                return Err(format!("generator {:?} without an executable", t.kind));
            }
            Ok(Generator {
                kind,
                enabled: true,
                path: t.path.trim().to_owned(),
                exts: vec![job.ext.clone()],
                max_size: i64::try_from(t.max_size).unwrap_or(i64::MAX),
            })
        })
        .collect()
}

/// What each tool run may use: what the master asks, within the site's own bounds.
fn limits_of(job: &ThumbJob) -> Limits {
    let timeout = match job.timeout_secs {
        0 => DEFAULT_TIMEOUT_SECS,
        secs => secs.min(MAX_TIMEOUT_SECS),
    };
    Limits {
        timeout: Duration::from_secs(timeout),
        memory: match job.max_memory {
            0 => DEFAULT_MEMORY,
            bytes => bytes,
        },
        file_size: 4 * external::MAX_OUTPUT,
    }
}
