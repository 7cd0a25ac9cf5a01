//! External identities (`external_identities`): an account's link to a directory entry or to
//! an OpenID Connect provider's user. `provider` is `ldap` or a provider's id, `subject` the
//! entry's `entryUUID` (its DN when the directory has none) or the provider's `sub`; one
//! subject of one provider links to one account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ExternalIdentities {
    Table,
    UserId,
    Provider,
    Subject,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(ExternalIdentities::Table)
                    .col(big_integer(ExternalIdentities::UserId))
                    .col(string_len(ExternalIdentities::Provider, 64))
                    .col(string_len(ExternalIdentities::Subject, 512))
                    .foreign_key(&mut fk(
                        "fk_external_identities_user",
                        ExternalIdentities::Table,
                        ExternalIdentities::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_external_identities_subject")
                    .table(ExternalIdentities::Table)
                    .col(ExternalIdentities::Provider)
                    .col(ExternalIdentities::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_external_identities_user_id")
                    .table(ExternalIdentities::Table)
                    .col(ExternalIdentities::UserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![ExternalIdentities::Table.into_iden()]).await
    }
}
