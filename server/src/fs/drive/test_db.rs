//! A migrated in-memory SQLite database for the facade's tests, with rows added by hand.
//! Foreign keys are off, so a file needs no user (nor a storage policy) behind it.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectOptions, Database, DatabaseConnection};
use stratus_entity::file;
use stratus_migration::{Migrator, MigratorTrait};

/// The owner the test files belong to.
pub const OWNER: i64 = 1;

/// A fresh database: one connection (an in-memory database lives as long as it does).
pub async fn open() -> DatabaseConnection {
    let mut options = ConnectOptions::new("sqlite::memory:");
    options
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None::<std::time::Duration>)
        .max_lifetime(None::<std::time::Duration>)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(false));
    let db = Database::connect(options).await.expect("open SQLite");
    Migrator::up(&db, None).await.expect("migrate");
    db
}

/// Adds a live file (or folder) `name` in `parent`.
pub async fn add(
    db: &DatabaseConnection,
    parent: Option<i64>,
    name: &str,
    folder: bool,
) -> file::Model {
    let now = chrono::Utc::now();
    file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        r#type: Set(if folder {
            file::kind::FOLDER
        } else {
            file::kind::FILE
        }),
        name: Set(name.to_owned()),
        owner_id: Set(OWNER),
        size: Set(0),
        primary_entity: Set(None),
        parent_id: Set(parent),
        is_symbolic: Set(false),
        props: Set(None),
        storage_policy_id: Set(None),
        tree_rev: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert a file")
}

/// `row` with its current version (and other columns) changed as `change` says.
pub async fn update(
    db: &DatabaseConnection,
    row: file::Model,
    change: impl FnOnce(&mut file::ActiveModel),
) -> file::Model {
    let mut active: file::ActiveModel = row.into();
    change(&mut active);
    active.update(db).await.expect("update a file")
}
