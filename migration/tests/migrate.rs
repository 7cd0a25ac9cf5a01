//! `Migrator::up`, `down` and `up` again, on SQLite and (if configured) PostgreSQL.

mod common;

use common::{TABLES, TestDb};
use sea_orm_migration::{MigratorTrait, SchemaManager};
use stratus_migration::Migrator;

async fn assert_tables(manager: &SchemaManager<'_>, present: bool) {
    for table in TABLES {
        assert_eq!(
            manager.has_table(*table).await.unwrap(),
            present,
            "table {table} should {}exist",
            if present { "" } else { "not " }
        );
    }
}

async fn up_down_up(db: &TestDb) {
    let conn = &db.conn;
    let manager = SchemaManager::new(conn);
    let count = Migrator::migrations().len();

    Migrator::up(conn, None).await.expect("first up");
    assert_tables(&manager, true).await;
    assert_eq!(
        Migrator::get_applied_migrations(conn).await.unwrap().len(),
        count
    );
    assert!(
        Migrator::get_pending_migrations(conn)
            .await
            .unwrap()
            .is_empty()
    );
    for (table, index) in [
        ("files", "uq_files_parent_id_name"),
        ("files", "idx_files_parent_type_name"),
        ("entities", "idx_entities_reference_count_updated_at"),
        ("tasks", "idx_tasks_status_run_at"),
        ("events", "idx_events_user_id_created_at"),
        ("kv", "uq_kv_key"),
        ("users", "idx_users_email_skeleton"),
        ("users", "idx_users_nick_skeleton"),
        ("tasks", "idx_tasks_queue_status"),
    ] {
        assert!(
            manager.has_index(table, index).await.unwrap(),
            "index {index} on {table}"
        );
    }

    if db.is_postgres() {
        assert_eq!(
            gin_options(conn).await,
            "{fastupdate=off}",
            "new terms go straight into the GIN index"
        );
    }

    // Running it again is a no-op.
    Migrator::up(conn, None).await.expect("repeated up");

    Migrator::down(conn, None).await.expect("down");
    assert_tables(&manager, false).await;
    assert_eq!(
        Migrator::get_pending_migrations(conn).await.unwrap().len(),
        count
    );

    Migrator::up(conn, None).await.expect("second up");
    assert_tables(&manager, true).await;

    // Steps down and up again, to exercise the last `down`s on a populated schema history:
    // first the guard's OAuth credential ids (a data rewrite), then the journal's change actors, then the guard's tables, then the grants, then the S3 keys, then the external identities, then the folders' tree
    // revisions, then the app passwords, then the file size repair (a
    // data fix whose down is a no-op), then the full-text index's
    // tuning, then the account security tables, then the journal's
    // notify trigger, then the share upload columns, then the full-text index, then the settings
    // renames, then the OAuth tables, then the file changes, then the snapshot permission's
    // grant, then the last tables, then the added columns.
    Migrator::down(conn, Some(1))
        .await
        .expect("down the guard's OAuth credential ids");
    assert!(manager.has_column("fs_changes", "actor_id").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the journal's change actors");
    assert!(!manager.has_column("fs_changes", "actor_id").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the guard's tables");
    assert!(!manager.has_table("guard_incidents").await.unwrap());
    assert!(!manager.has_table("guard_changes").await.unwrap());
    assert!(manager.has_table("file_grants").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the grants");
    assert!(!manager.has_table("file_grants").await.unwrap());
    assert!(manager.has_table("s3_keys").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the S3 keys");
    assert!(!manager.has_table("s3_keys").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the external identities");
    assert!(!manager.has_table("external_identities").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the folders' tree revisions");
    assert!(!manager.has_column("files", "tree_rev").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the app passwords");
    assert!(!manager.has_table("app_passwords").await.unwrap());
    assert!(manager.has_table("user_sessions").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the file size repair");
    Migrator::down(conn, Some(1))
        .await
        .expect("down the full-text index's tuning");
    Migrator::down(conn, Some(1))
        .await
        .expect("down the account security tables");
    assert!(!manager.has_table("user_sessions").await.unwrap());
    assert!(!manager.has_table("two_fa_recovery_codes").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the journal's notify trigger");
    Migrator::down(conn, Some(1))
        .await
        .expect("down the share upload columns");
    assert!(!manager.has_column("shares", "upload_only").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the full-text index");
    assert!(!manager.has_table("fts_docs").await.unwrap());
    assert!(!manager.has_table("fts_terms").await.unwrap());
    renames_the_cap_settings(conn).await;
    Migrator::down(conn, Some(1))
        .await
        .expect("down the OAuth tables");
    assert!(!manager.has_table("oauth_grants").await.unwrap());
    assert!(!manager.has_table("oauth_clients").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the file changes");
    assert!(!manager.has_table("fs_changes").await.unwrap());
    assert!(!manager.has_table("fs_subscriptions").await.unwrap());
    grants_the_snapshot_permission(conn).await;
    Migrator::down(conn, Some(1))
        .await
        .expect("down the node health");
    assert!(!manager.has_table("node_health").await.unwrap());
    assert!(manager.has_table("notification_channels").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the notification channels");
    assert!(!manager.has_table("notification_channels").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the snapshots");
    assert!(!manager.has_table("snapshots").await.unwrap());
    assert!(!manager.has_table("snapshot_nodes").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the backups");
    assert!(!manager.has_table("backup_records").await.unwrap());
    assert!(!manager.has_table("backup_targets").await.unwrap());
    assert!(manager.has_column("tasks", "schedule_key").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the schedule keys");
    assert!(!manager.has_column("tasks", "schedule_key").await.unwrap());
    assert!(manager.has_column("tasks", "lease_until").await.unwrap());
    Migrator::down(conn, Some(1)).await.expect("down one");
    assert!(!manager.has_column("tasks", "lease_until").await.unwrap());
    assert!(!manager.has_column("tasks", "queue").await.unwrap());
    assert!(manager.has_column("users", "email_skeleton").await.unwrap());
    Migrator::down(conn, Some(1))
        .await
        .expect("down the skeletons");
    assert!(!manager.has_column("users", "email_skeleton").await.unwrap());
    assert!(!manager.has_column("users", "nick_skeleton").await.unwrap());
    assert!(manager.has_table("settings").await.unwrap());
    Migrator::down(conn, Some(1)).await.expect("down two");
    assert!(!manager.has_table("settings").await.unwrap());
    assert!(manager.has_table("events").await.unwrap());
    Migrator::up(conn, None).await.expect("up after down two");
    assert_tables(&manager, true).await;
    assert!(manager.has_column("users", "nick_skeleton").await.unwrap());
    assert!(manager.has_column("tasks", "lease_until").await.unwrap());
}

/// The Cap settings rename: old rows take the new names with their values, unless the new
/// name already has a row; `down` renames them back.
async fn renames_the_cap_settings(conn: &sea_orm_migration::sea_orm::DatabaseConnection) {
    use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
    let backend = conn.get_database_backend();
    Migrator::down(conn, Some(1))
        .await
        .expect("down the cap settings rename");
    let now = if backend == sea_orm_migration::sea_orm::DbBackend::Postgres {
        "CAST('2026-01-01 00:00:00+00:00' AS TIMESTAMPTZ)"
    } else {
        "'2026-01-01 00:00:00+00:00'"
    };
    for (name, value) in [
        ("captcha_cap_key_id", "site-1"),
        ("captcha_cap_key_secret", "old-secret"),
        ("captcha_cap_secret_key", "new-secret"),
    ] {
        conn.execute_raw(Statement::from_string(
            backend,
            format!(
                "INSERT INTO settings (created_at, updated_at, name, value)                  VALUES ({now}, {now}, '{name}', '{value}')"
            ),
        ))
        .await
        .expect("insert setting");
    }
    Migrator::up(conn, Some(1))
        .await
        .expect("up the cap settings rename");
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name, value FROM settings ORDER BY name",
        ))
        .await
        .unwrap();
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "name").unwrap(),
                r.try_get("", "value").unwrap(),
            )
        })
        .collect();
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    assert_eq!(
        pairs,
        vec![
            pair("captcha_cap_key_secret", "old-secret"),
            pair("captcha_cap_secret_key", "new-secret"),
            pair("captcha_cap_site_key", "site-1"),
        ]
    );
    Migrator::down(conn, Some(1))
        .await
        .expect("down the cap settings rename again");
    let old = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name FROM settings WHERE name = 'captcha_cap_key_id'",
        ))
        .await
        .unwrap();
    assert_eq!(old.len(), 1);
    conn.execute_raw(Statement::from_string(backend, "DELETE FROM settings"))
        .await
        .unwrap();
}

/// The last migration, run on an install made before snapshots, gives bit 20 to the Admin (1)
/// and User (2) groups and leaves other groups as they were; its `down` changes nothing.
async fn grants_the_snapshot_permission(conn: &sea_orm_migration::sea_orm::DatabaseConnection) {
    use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
    let backend = conn.get_database_backend();
    Migrator::down(conn, Some(1))
        .await
        .expect("down the snapshot permission");
    assert!(
        SchemaManager::new(conn)
            .has_table("snapshots")
            .await
            .unwrap()
    );
    let now = "2026-01-01 00:00:00+00:00";
    for (id, bits) in [
        (1i64, vec![0xfdu8, 0x1a, 0x01]),
        (2, vec![0x84, 0x08]),
        (3, vec![0x82]),
    ] {
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            if backend == sea_orm_migration::sea_orm::DbBackend::Postgres {
                "INSERT INTO groups (id, created_at, updated_at, name, permissions, settings) \
                 VALUES ($1, CAST($2 AS TIMESTAMPTZ), CAST($2 AS TIMESTAMPTZ), $3, $4, '{}')"
            } else {
                "INSERT INTO groups (id, created_at, updated_at, name, permissions, settings) \
                 VALUES (?1, ?2, ?2, ?3, ?4, '{}')"
            },
            [id.into(), now.into(), format!("g{id}").into(), bits.into()],
        ))
        .await
        .expect("insert group");
    }
    Migrator::up(conn, Some(1))
        .await
        .expect("up the snapshot permission");
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, permissions FROM groups ORDER BY id",
        ))
        .await
        .unwrap();
    let bits: Vec<Vec<u8>> = rows
        .iter()
        .map(|r| r.try_get("", "permissions").unwrap())
        .collect();
    assert_eq!(
        bits,
        vec![vec![0xfd, 0x1a, 0x11], vec![0x84, 0x08, 0x10], vec![0x82]]
    );
    conn.execute_raw(Statement::from_string(backend, "DELETE FROM groups"))
        .await
        .unwrap();
    Migrator::down(conn, Some(1))
        .await
        .expect("down the snapshot permission again");
}

/// The storage options of PostgreSQL's full-text GIN index in the test's schema.
async fn gin_options(conn: &sea_orm_migration::sea_orm::DatabaseConnection) -> String {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
    let row = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COALESCE(CAST(reloptions AS TEXT), '') FROM pg_class \
             WHERE oid = CAST('idx_fts_terms_terms' AS regclass)",
        ))
        .await
        .unwrap()
        .expect("the index exists");
    row.try_get_by_index(0).unwrap()
}

#[tokio::test]
async fn migrate_sqlite() {
    let db = TestDb::sqlite().await;
    up_down_up(&db).await;
    db.cleanup().await;
}

#[tokio::test]
async fn migrate_postgres() {
    let Some(db) = TestDb::postgres("migrate").await else {
        return;
    };
    up_down_up(&db).await;
    db.cleanup().await;
}
