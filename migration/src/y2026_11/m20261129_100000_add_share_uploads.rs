//! Upload-only shares: a folder share whose visitors may drop files into the folder but not
//! list or download it. `upload_only` marks such a share, `upload_limit` caps the bytes it
//! may receive in all (NULL = only the owner's quota), and `uploaded` counts the bytes
//! received so far (reserved before a body is stored, so concurrent uploads cannot pass
//! the cap together).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000003_create_sharing::Shares;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ShareUploads {
    UploadOnly,
    UploadLimit,
    Uploaded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        let columns = [
            boolean(ShareUploads::UploadOnly).default(false).take(),
            big_integer_null(ShareUploads::UploadLimit).take(),
            big_integer(ShareUploads::Uploaded).default(0).take(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Shares::Table)
                        .add_column(&mut column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ShareUploads::UploadOnly,
            ShareUploads::UploadLimit,
            ShareUploads::Uploaded,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Shares::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
