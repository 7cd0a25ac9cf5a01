//! Deleting accounts. One transaction per account removes its files (with their metadata,
//! shares and direct links), share links, WebDAV accounts, passkeys, locks, upload sessions and
//! tasks, its snapshots, then the account itself, and releases every blob its files and
//! snapshots held: each entity loses one reference per link or snapshot node, so a blob
//! another account's file also uses stays, and a blob left without references is deleted by
//! the recycling job (`fs::recycle`) after its grace period. What its unfinished uploads
//! staged in storage (partial files, multipart uploads) is removed after the commit.
//!
//! Sessions end with the account: every request reads it, and a refresh needs it. Neither
//! one's own account nor the last active administrator can be deleted.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use stratus_entity::{entity, share, task, upload_session, user};

use super::{Actor, AdminError, audit, users};
use crate::{fs::sql::Sql, snapshot, state::AppState, upload};

/// Deletes each account of `ids`; the ones that cannot be deleted are reported together
/// ([`AdminError::Batch`]) and the others are deleted all the same.
pub async fn delete_many(state: &AppState, actor: &Actor, ids: &[i64]) -> Result<(), AdminError> {
    if ids.is_empty() {
        return Err(AdminError::invalid("ids: nothing to delete"));
    }
    let mut failures = Vec::new();
    for &id in ids {
        if let Err(err) = delete_one(state, actor, id).await {
            failures.push((id.to_string(), err));
        }
    }
    users::forget_sign_ins(state);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(AdminError::Batch(failures))
    }
}

async fn delete_one(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let account = users::find(state, id).await?;
    if id == actor.id() {
        return Err(AdminError::LastAdmin("you cannot delete your own account"));
    }
    if users::is_active_admin(state, &account).await? {
        users::ensure_other_admin(state, id).await?;
    }
    let txn = crate::fs::tx::begin(&state.db, id).await?;
    // The rows of unfinished uploads go with the account; what they staged in storage is
    // removed once the deletion has committed. Read under the owner's write lock, which
    // every new session takes too, so none is missed.
    let uploads = upload_session::Entity::find()
        .filter(upload_session::Column::UserId.eq(id))
        .all(&txn)
        .await?;
    let released = release_blobs(&txn, id).await?;
    // Snapshots release the references they hold too.
    snapshot::delete::delete_all_of(&txn, id).await?;
    // Files: metadata, shares and direct links of each file go with it (foreign keys). One
    // statement, so the parent links inside the tree are checked once it is all gone.
    let mut sql = Sql::new(txn.get_database_backend());
    sql.push("DELETE FROM files WHERE owner_id = ").bind(id);
    let files = txn.execute_raw(sql.statement()).await?.rows_affected();
    share::Entity::delete_many()
        .filter(share::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    task::Entity::delete_many()
        .filter(task::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    // WebDAV accounts, passkeys, locks and upload sessions follow the account (foreign keys);
    // entities it uploaded keep their row, without an uploader.
    user::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    discard_staged_uploads(state, &uploads).await;
    users::release_held_locks(state, id).await;
    audit::record(
        state,
        actor,
        "user",
        Some(id),
        "delete",
        serde_json::json!({
            "email": account.email,
            "files": files,
            "entities_released": released,
        }),
    )
    .await;
    Ok(())
}

/// Removes the partial files and multipart uploads of a deleted account's sessions.
async fn discard_staged_uploads(state: &AppState, sessions: &[upload_session::Model]) {
    for row in sessions {
        let props = match upload::SessionProps::from_row(row) {
            Ok(props) => props,
            Err(err) => {
                tracing::warn!(session = %row.session_id, error = %err, "unreadable upload session of a deleted account");
                continue;
            }
        };
        let key = props.key;
        if let Some(upload_id) = &props.upload_id {
            upload::cancel::discard_direct(state, row.storage_policy_id, &key, upload_id).await;
        }
        if let Err(err) = upload::cancel::discard_blob(state, row.storage_policy_id, &key).await {
            tracing::warn!(key, error = %err, "could not discard a deleted account's upload");
        }
    }
}

/// Unlinks every blob of the account's files and lowers its reference count once per link;
/// blobs the account was still uploading are let go as well. Returns how many entities
/// lost references.
async fn release_blobs(txn: &DatabaseTransaction, id: i64) -> Result<usize, AdminError> {
    let backend = txn.get_database_backend();
    let mut sql = Sql::new(backend);
    sql.push(
        "SELECT fe.entity_id, COUNT(*) FROM file_entities fe JOIN files f ON f.id = fe.file_id \
         WHERE f.owner_id = ",
    )
    .bind(id)
    .push(" GROUP BY fe.entity_id");
    let mut links: HashMap<i64, i32> = HashMap::new();
    for row in txn.query_all_raw(sql.statement()).await? {
        let entity_id: i64 = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        links.insert(entity_id, n.clamp(0, i32::MAX as i64) as i32);
    }
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM file_entities WHERE file_id IN (SELECT id FROM files WHERE owner_id = ")
        .bind(id)
        .push(")");
    txn.execute_raw(sql.statement()).await?;
    crate::fs::trash::release_entities(txn, &links, false).await?;
    // Unfinished uploads: their blobs were never published, nothing else can hold them.
    use sea_orm::sea_query::Expr;
    entity::Entity::update_many()
        .col_expr(entity::Column::UploadSessionId, Expr::value(None::<String>))
        .col_expr(entity::Column::ReferenceCount, Expr::value(0))
        .col_expr(entity::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(entity::Column::CreatedBy.eq(id))
        .filter(entity::Column::UploadSessionId.is_not_null())
        .exec(txn)
        .await?;
    Ok(links.len())
}
