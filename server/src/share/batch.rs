//! Many shares checked at once: the rows a share's validity and presentation read (its owner,
//! the owner's group, the shared file, the file's folders up to the root) read for a whole
//! page in a fixed number of statements, one per kind of row, instead of a few per share. Each
//! share is then judged in memory by the same rules as [`access::check`] and
//! [`details::details`], so a page answers what the shares one by one would.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use stratus_entity::{file, group, share, user};

use super::{
    access::{self, Live, MAX_TREE_DEPTH},
    details::Details,
    error::ShareError,
};
use crate::fs::{
    chain::{self, Link},
    error::FsError,
};

/// The rows behind a set of shares.
pub struct Batch {
    owners: HashMap<i64, user::Model>,
    files: HashMap<i64, file::Model>,
    /// The folder chain above each shared file, by the file's parent id.
    chains: HashMap<i64, Vec<Link>>,
    /// The owners' groups; read by [`Batch::with_groups`].
    groups: HashMap<i64, group::Model>,
}

impl Batch {
    /// Reads the owners, files and folder chains of `shares`: three statements.
    pub async fn read(db: &impl ConnectionTrait, shares: &[share::Model]) -> Result<Self, DbErr> {
        let mut batch = Batch {
            owners: HashMap::new(),
            files: HashMap::new(),
            chains: HashMap::new(),
            groups: HashMap::new(),
        };
        if shares.is_empty() {
            return Ok(batch);
        }
        let owner_ids = distinct(shares.iter().map(|s| s.user_id));
        batch.owners = user::Entity::find()
            .filter(user::Column::Id.is_in(owner_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let file_ids = distinct(shares.iter().map(|s| s.file_id));
        batch.files = file::Entity::find()
            .filter(file::Column::Id.is_in(file_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let parents = distinct(batch.files.values().filter_map(|f| f.parent_id));
        batch.chains = chain::chains(db, &parents).await?;
        Ok(batch)
    }

    /// Adds the owners' groups, which presenting a share shows: one statement.
    pub async fn with_groups(mut self, db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let group_ids = distinct(self.owners.values().map(|u| u.group_id));
        if !group_ids.is_empty() {
            self.groups = group::Entity::find()
                .filter(group::Column::Id.is_in(group_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|g| (g.id, g))
                .collect();
        }
        Ok(self)
    }

    /// The chain above `f` (empty for a row without parent, or a parent with no row).
    fn up(&self, f: &file::Model) -> &[Link] {
        f.parent_id
            .and_then(|p| self.chains.get(&p))
            .map_or(&[], Vec::as_slice)
    }

    /// [`access::check`] of `share` on the rows read.
    pub fn check(&self, share: &share::Model) -> Result<Live, FsError> {
        if access::is_expired(share) {
            return Err(FsError::ShareInvalid);
        }
        self.check_serving(share)
    }

    /// [`access::check`] without the remaining downloads (a download counted already).
    pub fn check_serving(&self, share: &share::Model) -> Result<Live, FsError> {
        if access::is_expired_by_time(share) {
            return Err(FsError::ShareInvalid);
        }
        let owner = self
            .owners
            .get(&share.user_id)
            .filter(|u| access::owner_serves(u))
            .ok_or(FsError::ShareInvalid)?;
        let file = self
            .files
            .get(&share.file_id)
            .filter(|f| access::file_serves(f, owner))
            .ok_or(FsError::ShareInvalid)?;
        if !chain::in_tree_along(file, self.up(file), MAX_TREE_DEPTH) {
            return Err(FsError::ShareInvalid);
        }
        Ok(Live {
            share: share.clone(),
            file: file.clone(),
            owner: owner.clone(),
        })
    }

    /// [`details::details`](super::details::details) of `share` on the rows read (read
    /// [`Batch::with_groups`] first).
    pub fn details(&self, share: &share::Model, with_source: bool) -> Result<Details, ShareError> {
        let valid = self.check(share).is_ok();
        let file = self.files.get(&share.file_id).cloned();
        let owner = self
            .owners
            .get(&share.user_id)
            .cloned()
            .ok_or(ShareError::Gone)?;
        let owner_group = self
            .groups
            .get(&owner.group_id)
            .cloned()
            .ok_or(ShareError::Gone)?;
        let source_uri = match (&file, with_source) {
            (Some(f), true) => Some(super::details::source_along(f, self.up(f))?),
            _ => None,
        };
        Ok(Details {
            valid,
            file,
            owner,
            owner_group,
            source_uri,
        })
    }
}

/// The distinct values of `ids`, for an `IN (...)` list.
fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
