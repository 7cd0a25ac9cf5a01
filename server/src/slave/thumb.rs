//! Thumbnails made on the node (`POST /slave/file/thumb`): the picture is read from the node's
//! disk, rendered with the master's settings, and the thumbnail stored beside it, so neither
//! travels. At most one rendering per CPU runs at once; further requests wait their turn.

use crate::{
    storage::{StorageDriver, StorageError, ThumbJob, remote::protocol::ThumbMade, stream_once},
    thumb::{
        self,
        render::{self, Encoding, MAX_BOX_SIDE, Spec},
    },
};

use super::Slave;

/// Renders `job` and stores the thumbnail; a picture that cannot be thumbnailed is an answer
/// (`refused`), not an error.
pub async fn make(slave: &Slave, job: &ThumbJob) -> Result<ThumbMade, StorageError> {
    let refused = |why: String| ThumbMade {
        size: None,
        refused: Some(why),
    };
    let Some(spec) = spec_of(job) else {
        return Err(StorageError::Other(format!(
            "thumbnail {}×{} in {:?}: not a thumbnail this node makes",
            job.width, job.height, job.encoding
        )));
    };
    let _turn = slave.render_turn().await;
    let object = slave.local().get(&job.src, None).await?;
    let Some(data) = thumb::read_capped(object.stream, job.max_size).await? else {
        return Ok(refused("image is too large".into()));
    };
    let rendered = tokio::task::spawn_blocking(move || render::render(&data, &spec))
        .await
        .unwrap_or_else(|e| {
            Err(render::RenderError::Encode(format!(
                "the decoder failed: {e}"
            )))
        });
    let bytes = match rendered {
        Ok(bytes) => bytes,
        Err(e) => return Ok(refused(e.to_string())),
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
