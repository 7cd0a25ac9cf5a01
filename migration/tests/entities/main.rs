//! The entities in `stratus-entity` match the migrated schema: every table has exactly the
//! entity's columns (same nullability), and one row per entity round-trips through its
//! `ActiveModel`. Runs on SQLite, and on PostgreSQL when `STRATUS_TEST_PG_URL` is set.

#[path = "../common/mod.rs"]
mod common;

use common::TestDb;
use sea_orm_migration::MigratorTrait;
use stratus_migration::Migrator;

/// Insert through the ActiveModel, read back by id, and compare.
macro_rules! roundtrip {
    ($db:expr, $module:ident, $active:expr) => {{
        let inserted = $active
            .insert($db)
            .await
            .unwrap_or_else(|e| panic!("insert {}: {e}", stringify!($module)));
        let found = $module::Entity::find_by_id(inserted.id)
            .one($db)
            .await
            .unwrap_or_else(|e| panic!("select {}: {e}", stringify!($module)))
            .unwrap_or_else(|| panic!("{} row not found", stringify!($module)));
        assert_eq!(inserted, found, "{} round trip", stringify!($module));
        found
    }};
}

// The modules that use the macro come after it.
mod constraints;
mod roundtrip_features;
mod roundtrip_files;
mod schema;

async fn run(db: &TestDb) {
    Migrator::up(&db.conn, None).await.expect("migrate");
    schema::schema_matches(&db.conn).await;
    roundtrip_files::roundtrip_all(&db.conn).await;
}

#[tokio::test]
async fn entities_sqlite() {
    let db = TestDb::sqlite().await;
    run(&db).await;
    db.cleanup().await;
}

#[tokio::test]
async fn entities_postgres() {
    let Some(db) = TestDb::postgres("entities").await else {
        return;
    };
    assert!(db.is_postgres());
    run(&db).await;
    db.cleanup().await;
}
