//! The order a restore puts a snapshot's nodes back in: breadth first below a start node, so
//! every folder exists before its children, read with one query; and the [`Runner`] that
//! walks that order a batch at a time. A batch holds nodes of one level only.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use stratus_entity::{file, snapshot_node};

use super::restore_apply::{self, Applied, Item, Mode};
use crate::fs::{error::FsError, nav::FsCtx, uri::FileUri};

/// A snapshot's nodes below a start node, breadth first.
pub struct Plan {
    nodes: Vec<snapshot_node::Model>,
    children: HashMap<i64, Vec<usize>>,
    /// Positions in `nodes`, level by level.
    order: Vec<usize>,
    /// The level of each entry of `order` (1 = the start's children, or the start itself
    /// when it is included).
    depth: Vec<u32>,
    start: i64,
    include_start: bool,
}

impl Plan {
    /// Reads the nodes of `snapshot_id` below `start` (a node id); with `include_start` the
    /// start node itself is the first (and only) node of the top level.
    pub async fn load(
        db: &impl ConnectionTrait,
        snapshot_id: i64,
        start: i64,
        include_start: bool,
    ) -> Result<Plan, FsError> {
        let nodes = snapshot_node::Entity::find()
            .filter(snapshot_node::Column::SnapshotId.eq(snapshot_id))
            .order_by_asc(snapshot_node::Column::NodeId)
            .all(db)
            .await?;
        let mut children: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut at: HashMap<i64, usize> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            at.insert(n.node_id, i);
            if let Some(p) = n.parent_node_id {
                children.entry(p).or_default().push(i);
            }
        }
        let mut order = Vec::new();
        let mut depth = Vec::new();
        let mut level: Vec<usize> = if include_start {
            vec![*at.get(&start).ok_or(FsError::NotFound)?]
        } else {
            children.get(&start).cloned().unwrap_or_default()
        };
        let mut d = 1;
        while !level.is_empty() {
            let mut next = Vec::new();
            for &i in &level {
                order.push(i);
                depth.push(d);
                if nodes[i].r#type == file::kind::FOLDER {
                    next.extend(children.get(&nodes[i].node_id).into_iter().flatten());
                }
            }
            level = next;
            d += 1;
        }
        Ok(Plan {
            nodes,
            children,
            order,
            depth,
            start,
            include_start,
        })
    }

    /// Number of nodes to put back.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The nodes of the top level.
    pub fn top(&self) -> impl Iterator<Item = &snapshot_node::Model> {
        self.order
            .iter()
            .zip(&self.depth)
            .take_while(|(_, d)| **d == 1)
            .map(|(i, _)| &self.nodes[*i])
    }

    /// The names of a folder node's children.
    pub fn child_names(&self, node_id: i64) -> HashSet<&str> {
        self.children
            .get(&node_id)
            .into_iter()
            .flatten()
            .map(|&i| self.nodes[i].name.as_str())
            .collect()
    }

    /// The node whose children the top level is (`None` when the start is included).
    pub fn top_parent(&self) -> Option<i64> {
        (!self.include_start).then_some(self.start)
    }
}

/// Where a plan goes, and how.
pub struct Target<'a> {
    pub mode: Mode,
    /// The live folder the top level goes into, and its URI.
    pub folder: i64,
    pub uri: FileUri,
    /// Names given to top-level nodes instead of their own (a copy's ` (n)`).
    pub names: &'a BTreeMap<i64, String>,
    pub quota_limit: i64,
    /// Nodes per batch.
    pub batch: usize,
}

/// Walks a [`Plan`] a batch at a time. Positions before `resume_at` were done by an earlier
/// run: their folders are looked up again (nothing is created twice), their files skipped.
pub struct Runner<'a> {
    plan: &'a Plan,
    target: Target<'a>,
    /// Live folder id and URI of each folder node put in place.
    folders: HashMap<i64, (i64, FileUri)>,
    /// Live folders this run created: nothing was in them to find.
    fresh: HashSet<i64>,
    pos: usize,
    resume_at: usize,
}

/// What one batch did.
pub struct Step {
    /// The position after the batch: everything before it is in place.
    pub done: usize,
    pub applied: Applied,
}

impl<'a> Runner<'a> {
    pub fn new(plan: &'a Plan, target: Target<'a>, resume_at: usize) -> Self {
        Runner {
            plan,
            target,
            folders: HashMap::new(),
            fresh: HashSet::new(),
            pos: 0,
            resume_at,
        }
    }

    /// Replace only: what the target folder holds beyond the top level goes to the trash.
    pub async fn trash_top_extras(
        &self,
        ctx: &FsCtx<'_>,
        log: &mut Vec<crate::queue::LogLine>,
    ) -> Result<(), FsError> {
        if self.target.mode != Mode::Replace {
            return Ok(());
        }
        let Some(parent) = self.plan.top_parent() else {
            return Ok(());
        };
        let keep = self.plan.child_names(parent);
        restore_apply::trash_extras(ctx, self.target.folder, &self.target.uri, &keep, log).await
    }

    /// Puts the next batch in place; `None` when all is done.
    pub async fn step(&mut self, ctx: &FsCtx<'_>) -> Result<Option<Step>, FsError> {
        let plan = self.plan;
        if self.pos >= plan.order.len() {
            return Ok(None);
        }
        let level = plan.depth[self.pos];
        let replaying = self.pos < self.resume_at;
        let mut end = self.pos;
        let mut items = Vec::new();
        let mut log = Vec::new();
        while end < plan.order.len()
            && plan.depth[end] == level
            && items.len() < self.target.batch
            && (end < self.resume_at) == replaying
        {
            let node = &plan.nodes[plan.order[end]];
            end += 1;
            if replaying && node.r#type != file::kind::FOLDER {
                continue;
            }
            let (parent, parent_uri) = if level == 1 {
                (self.target.folder, &self.target.uri)
            } else {
                match node.parent_node_id.and_then(|p| self.folders.get(&p)) {
                    Some((id, uri)) => (*id, uri),
                    // Its folder was skipped (in the way, or locked): so is the node.
                    None => continue,
                }
            };
            let name = match level {
                1 => self.target.names.get(&node.node_id).cloned(),
                _ => None,
            }
            .unwrap_or_else(|| node.name.clone());
            let path = parent_uri.join(&name)?;
            items.push(Item {
                node,
                parent,
                name,
                path,
                top: level == 1,
            });
        }
        let mut applied = restore_apply::apply(
            ctx,
            self.target.mode,
            &items,
            &self.fresh,
            self.target.quota_limit,
        )
        .await?;
        self.fresh.extend(applied.created.iter().copied());
        applied.log.append(&mut log);
        for item in &items {
            if let Some(&live) = applied.folders.get(&item.node.node_id) {
                if self.target.mode == Mode::Replace && !applied.created.contains(&live) {
                    let keep = plan.child_names(item.node.node_id);
                    restore_apply::trash_extras(ctx, live, &item.path, &keep, &mut applied.log)
                        .await?;
                }
                self.folders
                    .insert(item.node.node_id, (live, item.path.clone()));
            }
        }
        if replaying {
            // Nothing new was done: only the folders were found again.
            applied.restored = 0;
        }
        self.pos = end;
        Ok(Some(Step { done: end, applied }))
    }
}
