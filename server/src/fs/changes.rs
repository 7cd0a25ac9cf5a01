//! Placeholder of the file-change journal's API until the journal itself is merged: the same
//! signatures, recording nothing.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Modify,
    Rename,
    Delete,
}

#[derive(Debug, Clone)]
pub struct Change {
    pub owner_id: i64,
    pub file_id: i64,
    pub kind: ChangeKind,
    pub is_folder: bool,
    pub from: String,
    pub to: Option<String>,
}

pub async fn record(
    _conn: &impl sea_orm::ConnectionTrait,
    _changes: &[Change],
) -> Result<(), sea_orm::DbErr> {
    Ok(())
}
