//! The file change journal (`fs_changes`): every writer of a user's tree appends what it changed
//! in its own transaction, so the journal holds exactly the committed changes, in commit-ish
//! order of their ids. The event stream reads it; nothing here knows about subscribers.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, InsertMany};
use stratus_entity::{file, fs_change};

use super::chain;
use crate::request_ctx;

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Modify,
    /// A rename or a move: [`Change::to`] holds the new path.
    Rename,
    Delete,
}

impl ChangeKind {
    /// The `fs_changes.kind` value.
    pub fn code(self) -> i16 {
        match self {
            ChangeKind::Create => fs_change::kind::CREATE,
            ChangeKind::Modify => fs_change::kind::MODIFY,
            ChangeKind::Rename => fs_change::kind::RENAME,
            ChangeKind::Delete => fs_change::kind::DELETE,
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: i16) -> Option<Self> {
        match code {
            fs_change::kind::CREATE => Some(ChangeKind::Create),
            fs_change::kind::MODIFY => Some(ChangeKind::Modify),
            fs_change::kind::RENAME => Some(ChangeKind::Rename),
            fs_change::kind::DELETE => Some(ChangeKind::Delete),
            _ => None,
        }
    }
}

/// One change of an owner's tree. Paths are owner-absolute in the owner's `my` tree,
/// `/`-separated and not percent-encoded (`/Docs/a.txt`); see [`path_of`] and [`path_from`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The user whose tree changed.
    pub owner_id: i64,
    pub file_id: i64,
    pub kind: ChangeKind,
    pub is_folder: bool,
    /// The item's path before the change (for a create: its path).
    pub from: String,
    /// The new path of a rename or move.
    pub to: Option<String>,
    /// The user who made it, where the writer knows ([`Change::by`]).
    pub actor: Option<i64>,
}

impl Change {
    /// The change, made by user `actor`: an owner sees who renamed, moved or deleted in a
    /// folder shared with others.
    pub fn by(self, actor: Option<i64>) -> Self {
        Self { actor, ..self }
    }
}

/// Appends `changes` to the journal on `conn` (the writer's own transaction). The client id is
/// taken from the request context when there is one.
pub async fn record(conn: &impl ConnectionTrait, changes: &[Change]) -> Result<(), DbErr> {
    let client_id = request_ctx::current()
        .and_then(|ctx| ctx.client_id)
        .map(|id| id.to_string());
    for insert in inserts(changes, client_id) {
        insert.exec_without_returning(conn).await?;
    }
    // The folders above each change get a new ETag in the same transaction.
    super::tree_rev::raise_for(conn, changes).await
}

/// The statements that append `changes` (none when empty) made by client `client_id`: what
/// [`record`] runs, for a writer that sends them together with other writes.
pub fn inserts(
    changes: &[Change],
    client_id: Option<String>,
) -> Vec<InsertMany<fs_change::ActiveModel>> {
    let now = chrono::Utc::now();
    // Bounded batches keep each statement under the backends' bind-parameter limits.
    changes
        .chunks(500)
        .map(|batch| {
            fs_change::Entity::insert_many(batch.iter().map(|c| fs_change::ActiveModel {
                owner_id: Set(c.owner_id),
                file_id: Set(c.file_id),
                kind: Set(c.kind.code()),
                from_path: Set(c.from.clone()),
                to_path: Set(c.to.clone()),
                is_folder: Set(c.is_folder),
                client_id: Set(client_id.clone()),
                actor_id: Set(c.actor),
                created_at: Set(now),
                ..Default::default()
            }))
        })
        .collect()
}

/// The owner-absolute path of segments below the root: `["Docs", "a.txt"]` → `/Docs/a.txt`,
/// `[]` → `/`.
pub fn path_from<S: AsRef<str>>(segments: &[S]) -> String {
    if segments.is_empty() {
        return "/".to_owned();
    }
    let mut path = String::new();
    for s in segments {
        path.push('/');
        path.push_str(s.as_ref());
    }
    path
}

/// The owner-absolute path of a live file or folder in its owner's tree, from its chain
/// ([`chain::chain`]). `RecordNotFound` when the row is missing, deleted, trashed or below a
/// trashed or deleted folder.
pub async fn path_of(conn: &impl ConnectionTrait, file_id: i64) -> Result<String, DbErr> {
    let up = chain::chain(conn, file_id).await?;
    let mut names = Vec::with_capacity(up.len());
    for link in &up {
        if link.gone {
            break;
        }
        if link.parent_id.is_none() {
            // The root has no name; a named row without parent is a trashed item.
            if link.name.is_empty() {
                names.reverse();
                return Ok(path_from(&names));
            }
            break;
        }
        names.push(link.name.clone());
    }
    Err(DbErr::RecordNotFound(format!(
        "file {file_id} is not in its owner's tree"
    )))
}

/// The live row `file_id`, with its path (see [`path_of`]).
pub async fn file_and_path(
    conn: &impl ConnectionTrait,
    file_id: i64,
) -> Result<(file::Model, String), DbErr> {
    let file = file::Entity::find_by_id(file_id)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("file {file_id}")))?;
    let path = path_of(conn, file_id).await?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_segments() {
        assert_eq!(path_from::<&str>(&[]), "/");
        assert_eq!(path_from(&["Docs", "a.txt"]), "/Docs/a.txt");
        assert_eq!(path_from(&["a b%20"]), "/a b%20");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            ChangeKind::Create,
            ChangeKind::Modify,
            ChangeKind::Rename,
            ChangeKind::Delete,
        ] {
            assert_eq!(ChangeKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ChangeKind::from_code(0), None);
    }
}
