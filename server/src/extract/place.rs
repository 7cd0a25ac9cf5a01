//! The end of an extraction: the staging folder's items moved into the destination, or the
//! staging folder deleted when the extraction failed or was canceled.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{file, task};

use crate::{
    auth::caller::{Caller, SignedIn},
    fs::{
        error::FsError,
        journal::Journal,
        nav::{self, FsCtx},
        trash::{self, DeleteOptions},
        tree,
        uri::FileUri,
    },
    state::AppState,
};

/// Children moved per query.
const PAGE: u64 = 200;

/// Moves every item of `staging` into `dst` (renamed `name (n)` when `dst` has the name
/// already), then deletes `staging`. Run again after a crash, it goes on where it stopped;
/// with `staging` gone there is nothing left to do.
pub async fn into_place(fs: &FsCtx<'_>, staging: &FileUri, dst: &FileUri) -> Result<(), FsError> {
    let folder = match nav::resolve(fs, staging).await {
        Ok(node) => node,
        Err(FsError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    let target = nav::resolve(fs, dst).await?;
    if !target.is_folder() {
        return Err(FsError::ParentNotExist);
    }
    // Each item placed is new to whoever follows the destination.
    let arrivals = fs.with_journal(Journal::Arrivals);
    let fs = &fs.with_journal(Journal::Nothing);
    loop {
        let children = file::Entity::find()
            .filter(file::Column::ParentId.eq(folder.file.id))
            .filter(file::Column::DeletedAt.is_null())
            .order_by_asc(file::Column::Id)
            .limit(PAGE)
            .all(&fs.state.db)
            .await?;
        if children.is_empty() {
            break;
        }
        for child in children {
            let is_folder = child.r#type == file::kind::FOLDER;
            let name =
                trash::free_name(&fs.state.db, target.file.id, &child.name, is_folder).await?;
            let placed = tree::move_to(
                &arrivals,
                &staging.join(&child.name)?,
                &target,
                &name,
                false,
            )
            .await?;
            // The file was indexed under its name in the archive.
            if name != child.name {
                crate::fts::queue_for(fs.state, &placed).await;
            }
        }
    }
    let permanent = DeleteOptions {
        unlink: false,
        skip_soft_delete: true,
    };
    trash::delete(fs, staging, permanent).await
}

/// Deletes `staging` and everything in it permanently (its bytes leave the quota).
pub async fn discard(fs: &FsCtx<'_>, staging: &FileUri) {
    match remove(&fs.with_journal(Journal::Nothing), staging).await {
        Ok(()) | Err(FsError::NotFound) => {}
        Err(e) => {
            tracing::warn!(error = %e, uri = %staging, "cannot delete an extraction's staging folder")
        }
    }
}

/// Deletes `uri` permanently; a folder too big for one delete (the group's walk limit) is
/// emptied child by child first.
fn remove<'a>(
    fs: &'a FsCtx<'a>,
    uri: &'a FileUri,
) -> futures_util::future::BoxFuture<'a, Result<(), FsError>> {
    Box::pin(async move {
        let permanent = DeleteOptions {
            unlink: false,
            skip_soft_delete: true,
        };
        match trash::delete(fs, uri, permanent).await {
            Err(FsError::WalkLimit) => {}
            other => return other,
        }
        let folder = nav::resolve(fs, uri).await?;
        loop {
            let children = file::Entity::find()
                .filter(file::Column::ParentId.eq(folder.file.id))
                .filter(file::Column::DeletedAt.is_null())
                .limit(PAGE)
                .all(&fs.state.db)
                .await?;
            if children.is_empty() {
                break;
            }
            for child in children {
                remove(fs, &uri.join(&child.name)?).await?;
            }
        }
        trash::delete(fs, uri, permanent).await
    })
}

/// Deletes the staging folder of a run that was dropped midway because its task was
/// canceled (the worker drops a canceled run at its next await). A run dropped because
/// another worker took the task over leaves it to that worker.
pub struct Cleanup {
    inner: Option<(AppState, Arc<SignedIn>, FileUri, i64)>,
}

impl Cleanup {
    pub fn arm(state: &AppState, me: Arc<SignedIn>, staging: FileUri, task_id: i64) -> Self {
        Self {
            inner: Some((state.clone(), me, staging, task_id)),
        }
    }

    /// The run ended by itself: nothing to do on drop.
    pub fn disarm(mut self) {
        self.inner = None;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Some((state, me, staging, id)) = self.inner.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let canceled = task::Entity::find_by_id(id)
                .one(&state.db)
                .await
                .ok()
                .flatten()
                .is_some_and(|t| t.status == task::status::CANCELED);
            if canceled {
                let caller = Caller::User(me);
                discard(&FsCtx::new(&state, &caller), &staging).await;
            }
        });
    }
}
