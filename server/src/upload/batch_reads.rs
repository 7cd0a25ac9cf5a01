//! What a batch of publishes ([`super::commit`]) reads once at its start instead of once per
//! publish: the target folders (each folder's chain and the rows at the targets' names in
//! it), whether each owner holds live locks, and each owner's storage, charged in memory and
//! written once before the commit.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{file, user};

use super::{
    UploadError,
    commit::{Plan, Publish},
    deferred::Deferred,
};
use crate::fs::{
    error::FsError,
    lock,
    path::{self, OwnerState},
};

/// The target folders of a batch's publishes, read once per folder at the start: each
/// folder's chain from the root and the rows at the targets' names in it. An entry answers
/// for a target only until a publish of the batch writes something it covers.
pub(super) struct Folders(HashMap<(i64, Vec<String>), Folder>);

struct Folder {
    chain: Vec<file::Model>,
    children: HashMap<String, file::Model>,
    /// Names published to in this batch: read again, by the publish's own [`path::chain`].
    written: HashSet<String>,
}

impl Folders {
    /// The folders, and the state of each owner whose folder chain the database returned.
    pub(super) async fn load<'a>(
        txn: &DatabaseTransaction,
        batch: impl Iterator<Item = &'a Publish>,
    ) -> Result<(Self, HashMap<i64, OwnerState>), FsError> {
        let mut names: HashMap<(i64, Vec<String>), Vec<&str>> = HashMap::new();
        for p in batch {
            if let Some((name, parent)) = p.uri.segments().split_last() {
                names
                    .entry((p.owner, parent.to_vec()))
                    .or_default()
                    .push(name);
            }
        }
        let mut folders = HashMap::with_capacity(names.len());
        let mut states = HashMap::new();
        for ((owner, parent), names) in names {
            let (chain, children, state) =
                path::chain_with_children(txn, owner, &parent, &names).await?;
            if let Some(state) = state {
                states.insert(owner, state);
            }
            let children = children.into_iter().map(|f| (f.name.clone(), f)).collect();
            let folder = Folder {
                chain,
                children,
                written: HashSet::new(),
            };
            folders.insert((owner, parent), folder);
        }
        Ok((Self(folders), states))
    }

    /// What [`path::chain`] would answer for `p`'s target now, when this still knows it.
    pub(super) fn take(&self, p: &Publish) -> Option<Vec<file::Model>> {
        let (name, parent) = p.uri.segments().split_last()?;
        let folder = self.0.get(&(p.owner, parent.to_vec()))?;
        if folder.written.contains(name) {
            return None;
        }
        let mut rows = folder.chain.clone();
        let reached = rows.len() == parent.len() + 1
            && rows
                .last()
                .is_some_and(|f| f.r#type == file::kind::FOLDER && !f.is_symbolic);
        if reached && let Some(row) = folder.children.get(name) {
            rows.push(row.clone());
        }
        Some(rows)
    }

    /// Forgets what `p`'s writes will change: its target and any folder below it, and every
    /// folder of the owner when it makes folders on the way.
    pub(super) fn planned(&mut self, p: &Publish, plan: &Plan) {
        if plan.known.len() < p.uri.segments().len() {
            self.0.retain(|(owner, _), _| *owner != p.owner);
            return;
        }
        let target = p.uri.segments();
        self.0
            .retain(|(owner, parent), _| *owner != p.owner || !parent.starts_with(target));
        if let Some((name, parent)) = p.uri.segments().split_last()
            && let Some(folder) = self.0.get_mut(&(p.owner, parent.to_vec()))
        {
            folder.written.insert(name.clone());
        }
    }
}

/// What the publishes of one batch read once.
pub(super) struct Shared {
    /// Owners with live locks: only their publishes check locks.
    pub(super) locked: HashSet<i64>,
    /// Per owner: the storage used as the transaction found it, and what the batch charged
    /// on top (written by [`Shared::settle`]).
    usage: HashMap<i64, (i64, i64)>,
}

impl Shared {
    /// From the owners' states the folder reads brought; an owner without one (no root yet)
    /// costs a statement for its locks, and its usage is read when first charged.
    pub(super) async fn new(
        txn: &DatabaseTransaction,
        owners: &[i64],
        states: HashMap<i64, OwnerState>,
    ) -> Result<Self, UploadError> {
        let unknown: Vec<i64> = owners
            .iter()
            .copied()
            .filter(|o| !states.contains_key(o))
            .collect();
        let mut locked = if unknown.is_empty() {
            HashSet::new()
        } else {
            lock::owners_with_locks(txn, &unknown).await?
        };
        let mut usage = HashMap::with_capacity(states.len());
        for (owner, state) in states {
            if state.locked {
                locked.insert(owner);
            }
            usage.insert(owner, (state.storage, 0));
        }
        Ok(Self { locked, usage })
    }

    /// Charges `bytes` against `limit`, as [`quota::charge`] would, without a statement.
    pub(super) async fn charge(
        &mut self,
        txn: &DatabaseTransaction,
        owner: i64,
        bytes: i64,
        limit: i64,
    ) -> Result<(), FsError> {
        if bytes <= 0 {
            return Ok(());
        }
        let (used, charged) = match self.usage.get_mut(&owner) {
            Some(usage) => usage,
            None => {
                let used = user::Entity::find_by_id(owner)
                    .select_only()
                    .column(user::Column::Storage)
                    .into_tuple::<i64>()
                    .one(txn)
                    .await?
                    .ok_or(FsError::NotFound)?;
                self.usage.entry(owner).or_insert((used, 0))
            }
        };
        if *used + *charged + bytes > limit {
            return Err(FsError::InsufficientCapacity);
        }
        *charged += bytes;
        Ok(())
    }

    /// Leaves in `deferred` the write of what the batch charged `owner` so far, and forgets
    /// the usage it read: the owner's next charge reads it again, once `deferred` has run.
    pub(super) fn settle(&mut self, backend: DbBackend, owner: i64, deferred: &mut Deferred) {
        if let Some((_, charged)) = self.usage.remove(&owner)
            && charged > 0
        {
            // Checked against the limit already, in this transaction.
            let add = user::Entity::update_many()
                .col_expr(
                    user::Column::Storage,
                    Expr::col(user::Column::Storage).add(charged),
                )
                .filter(user::Column::Id.eq(owner));
            deferred.push(backend, &add);
        }
    }
}
