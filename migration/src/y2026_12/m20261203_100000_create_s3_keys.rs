//! S3 keys (`s3_keys`): a user's credentials for the S3 endpoint, each confined to one folder
//! of the owner's drive (its subfolders are the key's buckets). SigV4 needs the plain secret
//! when a request is verified, so it cannot be hashed: it is kept sealed with a key derived
//! from the site's secret key (`server/src/auth/s3_key.rs`). A deleted key's row is deleted.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
    m20261122_000002_create_files::Files,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum S3Keys {
    Table,
    UserId,
    Name,
    FolderId,
    Readonly,
    AccessKeyId,
    SecretSealed,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(S3Keys::Table)
                    .col(big_integer(S3Keys::UserId))
                    .col(string_len(S3Keys::Name, 255))
                    // The folder the key sees; its rows go with the folder's.
                    .col(big_integer(S3Keys::FolderId))
                    .col(boolean(S3Keys::Readonly).default(false))
                    // 20 upper-case letters and digits; a request names its key by it.
                    .col(string_len_uniq(S3Keys::AccessKeyId, 20))
                    // Base64 of nonce and AES-256-GCM ciphertext of the secret.
                    .col(text(S3Keys::SecretSealed))
                    .col(timestamp_with_time_zone_null(S3Keys::LastUsedAt))
                    .foreign_key(&mut fk(
                        "fk_s3_keys_user",
                        S3Keys::Table,
                        S3Keys::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_s3_keys_folder",
                        S3Keys::Table,
                        S3Keys::FolderId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_s3_keys_user_id")
                    .table(S3Keys::Table)
                    .col(S3Keys::UserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![S3Keys::Table.into_iden()]).await
    }
}
