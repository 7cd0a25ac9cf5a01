//! A file's `size` is its current version's: a snapshot restore that gave a file back a
//! content it kept as a version left `size` at 0 while the version was right (and a snapshot
//! taken since copied the 0 into its node). This sets every file's and snapshot node's size
//! to its blob's, once; it changes nothing where they agree. `down` has nothing to undo.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REPAIRS: &[&str] = &[
    "UPDATE files SET size = (SELECT e.size FROM entities e WHERE e.id = files.primary_entity) \
     WHERE type = 0 AND primary_entity IS NOT NULL AND EXISTS (SELECT 1 FROM entities e \
     WHERE e.id = files.primary_entity AND e.size >= 0 AND e.size <> files.size \
     AND e.upload_session_id IS NULL)",
    "UPDATE snapshot_nodes SET size = (SELECT e.size FROM entities e \
     WHERE e.id = snapshot_nodes.entity_id) WHERE entity_id IS NOT NULL AND EXISTS \
     (SELECT 1 FROM entities e WHERE e.id = snapshot_nodes.entity_id AND e.size >= 0 \
     AND e.size <> snapshot_nodes.size)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for sql in REPAIRS {
            db.execute_raw(Statement::from_string(backend, *sql))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
