//! Permanent deletion of a trashed tree in pages, for the trash's collection and emptying: a
//! tree of any size (a hundred thousand files seven levels deep) is purged without holding it
//! in memory and without one transaction over all of it.
//!
//! Each page is one owner's write transaction that purges up to `trash_purge_page` (setting;
//! [`DEFAULT_PAGE`]) rows of the tree that have no children left (files and emptied folders,
//! found by a recursive query that stops at the page's size), with everything a purge does
//! (links, reference counts, quota). The trashed item itself goes last, in the page that finds
//! nothing left below it. Nothing else is kept between pages: after a crash or a restart the
//! work left is what the database still holds below the item, which stays in the trash (and
//! keeps its collect time) until its last page, so the next collection or emptying picks it
//! up where the last one stopped.

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use stratus_entity::file;

use super::{
    error::FsError,
    sql::Sql,
    trash::{self, Purged},
    tx,
};
use crate::state::AppState;

/// Default of the setting `trash_purge_page`: rows purged per transaction.
pub const DEFAULT_PAGE: i64 = 1000;

/// What one page did.
#[derive(Debug, PartialEq, Eq)]
pub enum Page {
    /// The item is no longer in the trash (restored, or already purged): nothing was done.
    NotTrashed,
    /// Rows below the item were purged; more may be left.
    Below(Purged),
    /// Nothing was left below: the item itself was purged.
    Done(Purged),
}

/// Rows per page, from the settings.
pub async fn page_size(state: &AppState) -> Result<usize, FsError> {
    let page = state.settings.int("trash_purge_page", DEFAULT_PAGE).await?;
    Ok(usize::try_from(page)
        .ok()
        .filter(|p| *p > 0)
        .unwrap_or(1000))
}

/// Purges the trashed item `item_id` and everything below it, page by page. `None` when it
/// was no longer in the trash when a page began.
pub async fn purge_trashed(state: &AppState, item_id: i64) -> Result<Option<Purged>, FsError> {
    let page = page_size(state).await?;
    let mut total = Purged::default();
    loop {
        match purge_page(&state.db, item_id, page).await? {
            Page::NotTrashed => return Ok((total.rows > 0).then_some(total)),
            Page::Below(done) => total.add(&done),
            Page::Done(done) => {
                total.add(&done);
                return Ok(Some(total));
            }
        }
    }
}

/// One page of [`purge_trashed`]: up to `page` childless rows below the trashed item, or the
/// item itself when nothing is left below it, in one transaction of its owner.
pub async fn purge_page(
    db: &DatabaseConnection,
    item_id: i64,
    page: usize,
) -> Result<Page, FsError> {
    let Some(item) = file::Entity::find_by_id(item_id).one(db).await? else {
        return Ok(Page::NotTrashed);
    };
    let txn = tx::begin(db, item.owner_id).await?;
    // Read again under the owner's lock: a restore may have won the race.
    let Some(item) = file::Entity::find_by_id(item_id).one(&txn).await? else {
        return Ok(Page::NotTrashed);
    };
    if !trash::is_trashed(&item) {
        return Ok(Page::NotTrashed);
    }
    let leaves = childless_below(&txn, item.id, page).await?;
    let result = if leaves.is_empty() {
        Page::Done(trash::purge_rows(&txn, item.owner_id, &[item.id], false).await?)
    } else {
        Page::Below(trash::purge_rows(&txn, item.owner_id, &leaves, false).await?)
    };
    txn.commit().await?;
    Ok(result)
}

/// Up to `limit` ids of rows below `top` that have no children: deleting them breaks no
/// `parent_id`. The recursive query yields rows as it walks, so it stops at the limit.
async fn childless_below(
    db: &impl ConnectionTrait,
    top: i64,
    limit: usize,
) -> Result<Vec<i64>, FsError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("WITH RECURSIVE below(id) AS (SELECT id FROM files WHERE parent_id = ")
        .bind(top)
        .push(
            " UNION ALL SELECT f.id FROM files f JOIN below b ON f.parent_id = b.id) \
         SELECT b.id AS id FROM below b \
         WHERE NOT EXISTS (SELECT 1 FROM files c WHERE c.parent_id = b.id) LIMIT ",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = db.query_all_raw(sql.statement()).await?;
    rows.iter()
        .map(|row| row.try_get::<i64>("", "id").map_err(FsError::from))
        .collect()
}
