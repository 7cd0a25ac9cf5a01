//! Share links of every user: list, read, delete. A deleted link stops working at once: every
//! visit checks the share row.

use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, sea_query::Expr};
use stratus_entity::{file, share, user};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::state::AppState;

/// Columns a share list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["views", "downloads", "expires", "created_at", "updated_at"];

/// A share with its owner and file.
#[derive(Debug, Clone)]
pub struct ShareView {
    pub share: share::Model,
    pub owner: Option<user::Model>,
    pub file: Option<file::Model>,
}

/// One page of live shares. Conditions: `share_user_id`, `share_file_id`, `share_id` (a
/// comma-separated list of ids).
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<ShareView>, AdminError> {
    q.allow(&["share_user_id", "share_file_id", "share_id"], &[])?;
    let mut filter = Condition::all().add(share::Column::DeletedAt.is_null());
    if let Some(u) = q.int("share_user_id")? {
        filter = filter.add(share::Column::UserId.eq(u));
    }
    if let Some(f) = q.int("share_file_id")? {
        filter = filter.add(share::Column::FileId.eq(f));
    }
    if let Some(ids) = q.ints("share_id")? {
        filter = filter.add(share::Column::Id.is_in(ids));
    }
    let page = list::fetch(&state.db, share::Entity::find().filter(filter), q, SORTABLE).await?;
    let owner_ids: Vec<i64> = page.rows.iter().map(|s| s.user_id).collect();
    let file_ids: Vec<i64> = page.rows.iter().map(|s| s.file_id).collect();
    let owners = user::Entity::find()
        .filter(user::Column::Id.is_in(owner_ids))
        .all(&state.db)
        .await?;
    let files = file::Entity::find()
        .filter(file::Column::Id.is_in(file_ids))
        .all(&state.db)
        .await?;
    Ok(page.map(|s| ShareView {
        owner: owners.iter().find(|u| u.id == s.user_id).cloned(),
        file: files.iter().find(|f| f.id == s.file_id).cloned(),
        share: s,
    }))
}

/// Live share `id` with its owner and file.
pub async fn get(state: &AppState, id: i64) -> Result<ShareView, AdminError> {
    let row = share::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AdminError::ShareNotFound)?;
    let owner = user::Entity::find_by_id(row.user_id).one(&state.db).await?;
    let file = file::Entity::find_by_id(row.file_id).one(&state.db).await?;
    Ok(ShareView {
        share: row,
        owner,
        file,
    })
}

/// Deletes the shares of `ids`; ids that name no live share are reported.
pub async fn delete_many(state: &AppState, actor: &Actor, ids: &[i64]) -> Result<(), AdminError> {
    if ids.is_empty() {
        return Err(AdminError::invalid("ids: nothing to delete"));
    }
    let mut failures = Vec::new();
    for &id in ids {
        let done = share::Entity::update_many()
            .col_expr(share::Column::DeletedAt, Expr::value(Some(Utc::now())))
            .filter(share::Column::Id.eq(id))
            .filter(share::Column::DeletedAt.is_null())
            .exec(&state.db)
            .await?;
        if done.rows_affected == 1 {
            crate::access_watch::notice(state, crate::access_watch::Narrowed::Share(id));
            audit::record(
                state,
                actor,
                "share",
                Some(id),
                "delete",
                serde_json::json!({}),
            )
            .await;
        } else {
            failures.push((id.to_string(), AdminError::ShareNotFound));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(AdminError::Batch(failures))
    }
}
