//! The items a zip is made of, checked as its requester when it is asked for (a zip
//! download's session, a compress task): each must be something they may download now, and
//! each share the items reach into counts one download (see [`crate::share::download`]), so
//! a share whose downloads are used up refuses the zip at once.

use sea_orm::EntityTrait;
use stratus_entity::file;

use super::ArchiveError;
use crate::{
    boolset::fs_cap,
    fs::{
        error::FsError,
        nav::{self, FsCtx, Node},
        share_tree, snapshot_tree,
        uri::{FileUri, FsKind},
    },
    share,
};

/// Resolves every URI as the caller and checks it may be downloaded. Failures are per item
/// as for other batches; with `skip_error` the failed ones are left out, unless none is left.
pub async fn check(
    ctx: &FsCtx<'_>,
    uris: &[String],
    skip_error: bool,
) -> Result<Vec<Node>, ArchiveError> {
    let mut kept = Vec::new();
    let mut failures = Vec::new();
    for raw in uris {
        let checked = async {
            let uri = FileUri::parse(raw)?;
            let node = if uri.fs == FsKind::Snapshot {
                snapshot_tree::resolve(ctx, &uri).await?.as_node()
            } else {
                shared_file(ctx, nav::resolve(ctx, &uri).await?).await?
            };
            node.require(fs_cap::DOWNLOAD)?;
            Ok::<_, FsError>(node)
        };
        match checked.await {
            Ok(node) => kept.push(node),
            Err(err) => failures.push((raw.clone(), err)),
        }
    }
    if !failures.is_empty() && (!skip_error || kept.is_empty()) {
        return Err(ArchiveError::Items {
            total: uris.len(),
            failures,
        });
    }
    Ok(kept)
}

/// `node`, or the shared file when `node` is the root of a single-file share: that root is
/// the file's folder, in which only the file shows, so a zip of it holds the file alone and
/// never its siblings.
async fn shared_file(ctx: &FsCtx<'_>, node: Node) -> Result<Node, FsError> {
    let Some(id) = share_tree::single_file_root(ctx, &node).await? else {
        return Ok(node);
    };
    let file = file::Entity::find_by_id(id)
        .one(&ctx.state.db)
        .await?
        .ok_or(FsError::NotFound)?;
    nav::resolve(ctx, &node.uri.join(&file.name)?).await
}

/// Counts one download of each share `nodes` reach into; true when one of them has a
/// download limit (what was counted must then serve once).
pub async fn count(ctx: &FsCtx<'_>, nodes: &[Node]) -> Result<bool, FsError> {
    let counted = share::download::PerShare::default();
    for node in nodes {
        counted.count(ctx.state, ctx.caller, node).await?;
    }
    Ok(counted.limited())
}
