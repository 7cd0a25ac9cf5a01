//! The full-text index, kept in the database itself so that it lives in the same transactions
//! and backups as the files and every instance sees a change at once.
//!
//! `fts_docs` is a plain table (one row per indexed file: which version, its state, the reason
//! an extraction failed, and the capped plain text snippets are cut from). `fts_terms` holds
//! the searchable terms, keyed by file id: an FTS5 virtual table on SQLite (rowid = file id),
//! a `tsvector` column with a GIN index on PostgreSQL. Both store terms the server already
//! tokenized (CJK bigrams, stemmed Latin words), so the engines only match whole tokens and
//! search behaves the same on both. Rows go with their file when it is deleted: foreign keys
//! on PostgreSQL, a trigger on SQLite (a virtual table has no foreign keys).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

use crate::{
    common::{base_table, fk},
    m20261122_000002_create_files::Files,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FtsDocs {
    Table,
    FileId,
    OwnerId,
    EntityId,
    Status,
    Reason,
    Body,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(FtsDocs::Table)
                    .col(big_integer(FtsDocs::FileId))
                    .col(big_integer(FtsDocs::OwnerId))
                    .col(big_integer(FtsDocs::EntityId))
                    .col(small_integer(FtsDocs::Status))
                    .col(text_null(FtsDocs::Reason))
                    .col(text(FtsDocs::Body))
                    .foreign_key(&mut fk(
                        "fk_fts_docs_file_id",
                        FtsDocs::Table,
                        FtsDocs::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_fts_docs_file_id")
                    .table(FtsDocs::Table)
                    .col(FtsDocs::FileId)
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_fts_docs_status")
                    .table(FtsDocs::Table)
                    .col(FtsDocs::Status)
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE fts_terms (\
                     file_id BIGINT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE, \
                     terms TSVECTOR NOT NULL)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_fts_terms_terms ON fts_terms USING GIN (terms)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE fts_terms USING fts5(terms, \
                     tokenize = 'unicode61 remove_diacritics 0')",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER fts_terms_file_gone AFTER DELETE ON files \
                     BEGIN DELETE FROM fts_terms WHERE rowid = old.id; END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() != DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS fts_terms_file_gone")
                .await?;
        }
        db.execute_unprepared("DROP TABLE IF EXISTS fts_terms")
            .await?;
        manager
            .drop_table(Table::drop().table(FtsDocs::Table).to_owned())
            .await
    }
}
