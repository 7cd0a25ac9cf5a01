//! The folders of one user's drive below a folder, as that user sees them, a page at a time:
//! what the console's folder picker offers when a backup task names a folder of another
//! user's drive (`/admin/user/:id/folders`).

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{file, group, user};

use super::AdminError;
use crate::{
    caller::Caller,
    door::work::acting_as,
    fs::{
        nav::{self, FsCtx},
        uri::{FileUri, FsKind},
    },
    state::AppState,
};

/// Folders in one page at most.
pub const MAX_PAGE_SIZE: u64 = 200;

/// One page of folders, and how many there are in all.
pub struct FolderPage {
    pub folders: Vec<Folder>,
    pub total: u64,
}

pub struct Folder {
    pub name: String,
    /// The folder's address in its owner's drive (`cloudreve://my/...`).
    pub uri: String,
}

/// The folders directly inside folder `uri` (`cloudreve://my/...`) of user `user_id`, by
/// name, page `page` (from 1) of `page_size`.
pub async fn list(
    state: &AppState,
    user_id: i64,
    uri: &str,
    page: u64,
    page_size: u64,
) -> Result<FolderPage, AdminError> {
    let parsed = FileUri::parse(uri).map_err(|e| AdminError::Invalid(format!("uri: {e}")))?;
    if parsed.fs != FsKind::My {
        return Err(AdminError::Invalid(
            "uri: not an address in a drive (cloudreve://my/...)".into(),
        ));
    }
    if page == 0 || page_size == 0 || page_size > MAX_PAGE_SIZE {
        return Err(AdminError::Invalid(format!(
            "page from 1, page_size from 1 to {MAX_PAGE_SIZE}"
        )));
    }
    let caller = caller_of(state, user_id).await?;
    let fs = FsCtx::new(state, &caller);
    let node = nav::resolve(&fs, &parsed).await?;
    if !node.owned || !node.is_folder() {
        return Err(AdminError::FileNotFound);
    }
    let children = file::Entity::find()
        .filter(file::Column::ParentId.eq(node.file.id))
        .filter(file::Column::Type.eq(file::kind::FOLDER))
        .filter(file::Column::IsSymbolic.eq(false))
        .filter(file::Column::DeletedAt.is_null());
    let total = children.clone().count(&state.db).await?;
    let rows = children
        .order_by_asc(file::Column::Name)
        .order_by_asc(file::Column::Id)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&state.db)
        .await?;
    let mut folders = Vec::with_capacity(rows.len());
    for row in rows {
        let uri = parsed
            .join(&row.name)
            .map_err(|e| AdminError::Invalid(e.to_string()))?;
        folders.push(Folder {
            name: row.name,
            uri: uri.to_string(),
        });
    }
    Ok(FolderPage { folders, total })
}

/// User `user_id` as a caller, with their group as it is now.
async fn caller_of(state: &AppState, user_id: i64) -> Result<Caller, AdminError> {
    let user = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::UserNotFound)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::UserNotFound)?;
    Ok(Caller::User(Arc::new(acting_as(user, group))))
}
