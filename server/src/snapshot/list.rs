//! Reading snapshots: one of the caller's, cursor pages of them, and the bytes only
//! snapshots keep alive. Another user's snapshot answers like a missing one.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::snapshot;

use super::{SnapshotError, take};
use crate::{
    caller::Caller,
    fs::{error::FsError, sql::Sql},
    ids::IdKind,
    state::AppState,
};

/// Snapshot `id` of the signed-in caller; [`SnapshotError::NotFound`] for anyone else's.
pub async fn find_own(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<snapshot::Model, SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(FsError::LoginRequired))?;
    snapshot::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|s| s.owner_id == me.user.id)
        .ok_or(SnapshotError::NotFound)
}

/// Decodes a snapshot hashid; a malformed one is a missing snapshot.
pub fn decode(state: &AppState, hashid: &str) -> Result<i64, SnapshotError> {
    state
        .ids
        .decode(hashid, IdKind::Snapshot)
        .map_err(|_| SnapshotError::NotFound)
}

/// One page of the caller's snapshots, newest first: of the folder at `uri` when given (as
/// it is now, or by the URI it had when a snapshot was taken, for a folder gone since).
/// Returns the rows and the next page's token.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    uri: Option<&str>,
    page_size: u64,
    next_page_token: Option<&str>,
) -> Result<(Vec<snapshot::Model>, Option<String>), SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(FsError::LoginRequired))?;
    let mut q = snapshot::Entity::find().filter(snapshot::Column::OwnerId.eq(me.user.id));
    if let Some(uri) = uri.filter(|u| !u.is_empty()) {
        q = match take::resolve_folder(state, caller, uri).await {
            Ok((_, folder)) => q.filter(snapshot::Column::RootFileId.eq(folder.id)),
            Err(SnapshotError::Fs(FsError::NotFound)) => {
                let parsed = crate::fs::uri::FileUri::parse(uri)
                    .map_err(|e| SnapshotError::Invalid(format!("uri: {e}")))?;
                q.filter(snapshot::Column::Uri.eq(parsed.without_query().to_string()))
            }
            Err(e) => return Err(e),
        };
    }
    if let Some(token) = next_page_token.filter(|t| !t.is_empty()) {
        let after = state
            .ids
            .decode(token, IdKind::Snapshot)
            .map_err(|_| SnapshotError::Invalid("invalid next_page_token".into()))?;
        q = q.filter(snapshot::Column::Id.lt(after));
    }
    let mut rows = q
        .order_by_desc(snapshot::Column::Id)
        .limit(page_size + 1)
        .all(&state.db)
        .await?;
    let more = rows.len() as u64 > page_size;
    rows.truncate(page_size as usize);
    let next = more
        .then(|| {
            rows.last()
                .map(|r| state.ids.encode(r.id, IdKind::Snapshot))
        })
        .flatten();
    Ok((rows, next))
}

/// Bytes of the blobs snapshot `id` names that no file links (live or trashed) and no other
/// snapshot names: what deleting it would let the recycler free.
pub async fn exclusive_size(db: &impl ConnectionTrait, id: i64) -> Result<i64, SnapshotError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT CAST(COALESCE(SUM(e.size), 0) AS BIGINT) AS n FROM entities e WHERE e.id IN \
         (SELECT entity_id FROM snapshot_nodes WHERE snapshot_id = ",
    )
    .bind(id)
    .push(
        " AND entity_id IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM file_entities fe WHERE fe.entity_id = e.id) \
         AND NOT EXISTS (SELECT 1 FROM snapshot_nodes o WHERE o.entity_id = e.id \
         AND o.snapshot_id <> ",
    )
    .bind(id)
    .push(")");
    sum(db, sql).await
}

/// Bytes of the blobs the snapshots of `owner_id` name that no file links: what only that
/// user's snapshots keep alive, each blob once.
pub async fn owner_snapshot_bytes(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<i64, SnapshotError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT CAST(COALESCE(SUM(e.size), 0) AS BIGINT) AS n FROM entities e WHERE e.id IN \
         (SELECT n.entity_id FROM snapshot_nodes n JOIN snapshots s ON s.id = n.snapshot_id \
         WHERE s.owner_id = ",
    )
    .bind(owner_id)
    .push(
        " AND n.entity_id IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM file_entities fe WHERE fe.entity_id = e.id)",
    );
    sum(db, sql).await
}

/// How many snapshots `owner_id` has.
pub async fn count_of(db: &impl ConnectionTrait, owner_id: i64) -> Result<u64, SnapshotError> {
    use sea_orm::PaginatorTrait;
    Ok(snapshot::Entity::find()
        .filter(snapshot::Column::OwnerId.eq(owner_id))
        .count(db)
        .await?)
}

async fn sum(db: &impl ConnectionTrait, sql: Sql) -> Result<i64, SnapshotError> {
    let row = db.query_one_raw(sql.statement()).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}
