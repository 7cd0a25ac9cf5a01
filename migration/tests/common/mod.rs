//! Test databases: a fresh SQLite file, and (when `STRATUS_TEST_PG_URL` is set) a fresh schema
//! on that PostgreSQL server, dropped again by [`TestDb::cleanup`].

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tempfile::TempDir;

/// Every table the migrations create.
pub const TABLES: &[&str] = &[
    "nodes",
    "storage_policies",
    "groups",
    "users",
    "files",
    "entities",
    "file_entities",
    "metadata",
    "shares",
    "direct_links",
    "dav_accounts",
    "passkeys",
    "tasks",
    "kv",
    "locks",
    "upload_sessions",
    "events",
    "settings",
    "snapshot_schedules",
    "snapshots",
    "snapshot_nodes",
    "notification_channels",
    "node_health",
    "oauth_clients",
    "oauth_grants",
    "backup_targets",
    "backup_tasks",
    "backup_records",
    "fs_changes",
    "fs_subscriptions",
    "fts_docs",
    "two_fa_recovery_codes",
    "user_sessions",
    "app_passwords",
    "external_identities",
    "s3_keys",
    "file_grants",
    "guard_incidents",
    "guard_changes",
];

pub struct TestDb {
    pub conn: DatabaseConnection,
    kind: Kind,
}

enum Kind {
    Sqlite {
        _dir: TempDir,
    },
    Postgres {
        admin: DatabaseConnection,
        schema: String,
    },
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("stratus.db").display()
        );
        let conn = Database::connect(url).await.expect("open sqlite");
        Self {
            conn,
            kind: Kind::Sqlite { _dir: dir },
        }
    }

    /// A connection to a new, empty schema on `STRATUS_TEST_PG_URL`; `None` (after saying so)
    /// when the variable is unset.
    pub async fn postgres(test: &str) -> Option<Self> {
        let Ok(url) = std::env::var("STRATUS_TEST_PG_URL") else {
            eprintln!("STRATUS_TEST_PG_URL is not set: skipping the PostgreSQL part of {test}");
            return None;
        };
        let admin = Database::connect(url.as_str())
            .await
            .expect("connect to STRATUS_TEST_PG_URL");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("stratus_mig_{test}_{}_{nanos}", std::process::id());
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .expect("create test schema");
        let mut opts = ConnectOptions::new(url);
        opts.set_schema_search_path(schema.clone())
            .max_connections(4)
            .sqlx_logging(false);
        let conn = Database::connect(opts)
            .await
            .expect("connect to test schema");
        Some(Self {
            conn,
            kind: Kind::Postgres { admin, schema },
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    /// Close the connection; on PostgreSQL also drop the test schema.
    pub async fn cleanup(self) {
        self.conn.close().await.expect("close");
        if let Kind::Postgres { admin, schema } = self.kind {
            admin
                .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .await
                .expect("drop test schema");
        }
    }
}
