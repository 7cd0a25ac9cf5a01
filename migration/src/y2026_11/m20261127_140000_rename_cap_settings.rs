//! Cap 2.0 renamed its credentials: the settings `captcha_cap_key_id` and
//! `captcha_cap_key_secret` become `captcha_cap_site_key` and `captcha_cap_secret_key`. An
//! existing row is renamed (its value kept) unless the new name already has a row; `down`
//! renames back the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const RENAMES: &[(&str, &str)] = &[
    ("captcha_cap_key_id", "captcha_cap_site_key"),
    ("captcha_cap_key_secret", "captcha_cap_secret_key"),
];

async fn rename(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    // Names are fixed words of this file, never input.
    let sql = format!(
        "UPDATE settings SET name = '{to}' WHERE name = '{from}' \
         AND NOT EXISTS (SELECT 1 FROM settings AS s2 WHERE s2.name = '{to}')"
    );
    db.execute_raw(Statement::from_string(backend, sql)).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in RENAMES {
            rename(manager, old, new).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in RENAMES {
            rename(manager, new, old).await?;
        }
        Ok(())
    }
}
