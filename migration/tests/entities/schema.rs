//! Every table has exactly its entity's columns, with the same nullability, and every table has
//! an entity.

use std::collections::BTreeMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IdenStatic, Iterable,
    Statement,
};
use stratus_entity::*;

use crate::common::TABLES;

/// `column name -> nullable` as the database sees it.
async fn table_columns(db: &DatabaseConnection, table: &str) -> BTreeMap<String, bool> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            r#"SELECT name AS name, ("notnull" = 0) AS nullable FROM pragma_table_info(?)"#
        }
        DbBackend::Postgres => {
            "SELECT column_name::text AS name, (is_nullable = 'YES') AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        other => panic!("unsupported backend {other:?}"),
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, [table.into()]))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                row.try_get::<String>("", "name").unwrap(),
                row.try_get::<bool>("", "nullable").unwrap(),
            )
        })
        .collect()
}

/// `column name -> nullable` as the entity declares it.
fn entity_columns<E: EntityTrait>() -> BTreeMap<String, bool> {
    E::Column::iter()
        .map(|c| (c.as_str().to_owned(), c.def().is_null()))
        .collect()
}

async fn assert_entity_matches<E: EntityTrait + Default>(db: &DatabaseConnection) -> String {
    let table = E::default().table_name().to_owned();
    assert_eq!(
        entity_columns::<E>(),
        table_columns(db, &table).await,
        "entity and table `{table}` differ (column -> nullable)"
    );
    table
}

pub async fn schema_matches(db: &DatabaseConnection) {
    let checked = vec![
        assert_entity_matches::<node::Entity>(db).await,
        assert_entity_matches::<storage_policy::Entity>(db).await,
        assert_entity_matches::<group::Entity>(db).await,
        assert_entity_matches::<user::Entity>(db).await,
        assert_entity_matches::<file::Entity>(db).await,
        assert_entity_matches::<entity::Entity>(db).await,
        assert_entity_matches::<file_entity::Entity>(db).await,
        assert_entity_matches::<metadata::Entity>(db).await,
        assert_entity_matches::<share::Entity>(db).await,
        assert_entity_matches::<direct_link::Entity>(db).await,
        assert_entity_matches::<dav_account::Entity>(db).await,
        assert_entity_matches::<passkey::Entity>(db).await,
        assert_entity_matches::<task::Entity>(db).await,
        assert_entity_matches::<kv::Entity>(db).await,
        assert_entity_matches::<lock::Entity>(db).await,
        assert_entity_matches::<upload_session::Entity>(db).await,
        assert_entity_matches::<event::Entity>(db).await,
        assert_entity_matches::<setting::Entity>(db).await,
        assert_entity_matches::<snapshot_schedule::Entity>(db).await,
        assert_entity_matches::<snapshot::Entity>(db).await,
        assert_entity_matches::<snapshot_node::Entity>(db).await,
        assert_entity_matches::<notification_channel::Entity>(db).await,
        assert_entity_matches::<node_health::Entity>(db).await,
        assert_entity_matches::<oauth_client::Entity>(db).await,
        assert_entity_matches::<oauth_grant::Entity>(db).await,
        assert_entity_matches::<backup_target::Entity>(db).await,
        assert_entity_matches::<backup_task::Entity>(db).await,
        assert_entity_matches::<backup_record::Entity>(db).await,
        assert_entity_matches::<fs_change::Entity>(db).await,
        assert_entity_matches::<fs_subscription::Entity>(db).await,
        assert_entity_matches::<fts_doc::Entity>(db).await,
        assert_entity_matches::<two_fa_recovery_code::Entity>(db).await,
        assert_entity_matches::<user_session::Entity>(db).await,
        assert_entity_matches::<app_password::Entity>(db).await,
        assert_entity_matches::<external_identity::Entity>(db).await,
        assert_entity_matches::<s3_key::Entity>(db).await,
        assert_entity_matches::<file_grant::Entity>(db).await,
        assert_entity_matches::<guard_incident::Entity>(db).await,
        assert_entity_matches::<guard_change::Entity>(db).await,
    ];
    let mut checked_sorted = checked.clone();
    checked_sorted.sort();
    let mut tables: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
    tables.sort();
    assert_eq!(checked_sorted, tables, "every table has an entity");
}
