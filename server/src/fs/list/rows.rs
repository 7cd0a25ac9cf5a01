//! The few columns a WebDAV listing shows of each child, read for a whole page in one
//! statement: a PROPFIND of a large folder does not load the rows whole.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, QuerySelect, Select};
use stratus_entity::file;

use crate::fs::error::FsError;

/// The columns of a child a listing needs.
#[derive(Debug, FromQueryResult)]
pub struct ListedRow {
    pub id: i64,
    pub name: String,
    pub kind: i16,
    pub size: i64,
    pub primary_entity: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub is_symbolic: bool,
    pub tree_rev: i64,
}

impl From<&file::Model> for ListedRow {
    fn from(f: &file::Model) -> Self {
        ListedRow {
            id: f.id,
            name: f.name.clone(),
            kind: f.r#type,
            size: f.size,
            primary_entity: f.primary_entity,
            created_at: f.created_at,
            updated_at: f.updated_at,
            is_symbolic: f.is_symbolic,
            tree_rev: f.tree_rev,
        }
    }
}

/// The rows of `page` (a query of children, in its order and limit) with only the columns
/// of [`ListedRow`].
pub async fn listed_rows(
    db: &impl ConnectionTrait,
    page: Select<file::Entity>,
) -> Result<Vec<ListedRow>, FsError> {
    Ok(page
        .select_only()
        .column(file::Column::Id)
        .column(file::Column::Name)
        .column_as(file::Column::Type, "kind")
        .column(file::Column::Size)
        .column(file::Column::PrimaryEntity)
        .column(file::Column::CreatedAt)
        .column(file::Column::UpdatedAt)
        .column(file::Column::IsSymbolic)
        .column(file::Column::TreeRev)
        .into_model::<ListedRow>()
        .all(db)
        .await?)
}
