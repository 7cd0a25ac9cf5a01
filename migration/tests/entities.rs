//! The entities in `stratus-entity` match the migrated schema: every table has exactly the
//! entity's columns (same nullability), and one row per entity round-trips through its
//! `ActiveModel`. Runs on SQLite, and on PostgreSQL when `STRATUS_TEST_PG_URL` is set.

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, SubsecRound, Utc};
use common::{TABLES, TestDb};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, IdenStatic, Iterable, ModelTrait, PaginatorTrait, QueryFilter,
    Statement,
};
use sea_orm_migration::MigratorTrait;
use serde_json::json;
use stratus_entity::*;
use stratus_migration::Migrator;

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

async fn schema_matches(db: &DatabaseConnection) {
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

// The tables of snapshots and backups, after the macro they use.
#[path = "entities_later/mod.rs"]
mod later;

async fn roundtrip_all(db: &DatabaseConnection) {
    // PostgreSQL keeps microseconds; truncate so values compare equal to what was written.
    let now = Utc::now().trunc_subsecs(6);
    let later = now + Duration::hours(1);
    let bits = vec![0b1010_0001u8, 0x00, 0xff];

    let node = roundtrip!(
        db,
        node,
        node::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            status: Set(node::status::ACTIVE.into()),
            name: Set("master".into()),
            r#type: Set(node::kind::MASTER.into()),
            server: Set("http://127.0.0.1:5212".into()),
            slave_key: Set("k".repeat(64)),
            capabilities: Set(bits.clone()),
            settings: Set(json!({"provider": "aria2", "interval": 5})),
            weight: Set(1),
            ..Default::default()
        }
    );
    assert_eq!(node.capabilities, bits);
    assert_eq!(node.created_at, now);

    let policy = roundtrip!(
        db,
        storage_policy,
        storage_policy::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("Default".into()),
            r#type: Set(storage_policy::kind::LOCAL.into()),
            server: Set(String::new()),
            bucket_name: Set(String::new()),
            is_private: Set(true),
            access_key: Set(String::new()),
            secret_key: Set("secret".into()),
            max_size: Set(0),
            dir_name_rule: Set("uploads/{uid}/{path}".into()),
            file_name_rule: Set("{uid}_{randomkey8}_{originname}".into()),
            settings: Set(json!({"chunk_size": 26214400, "pre_allocate": true})),
            node_id: Set(Some(node.id)),
            ..Default::default()
        }
    );
    assert!(policy.is_private);
    assert_eq!(policy.node_id, Some(node.id));

    let group = roundtrip!(
        db,
        group,
        group::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("Admin".into()),
            max_storage: Set(1 << 40),
            speed_limit: Set(0),
            permissions: Set(bits.clone()),
            settings: Set(json!({"source_batch": 1000, "trash_retention": 604800})),
            storage_policy_id: Set(Some(policy.id)),
            ..Default::default()
        }
    );
    assert_eq!(group.max_storage, 1 << 40);

    let user = roundtrip!(
        db,
        user,
        user::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            email: Set("admin@example.com".into()),
            nick: Set("admin".into()),
            password: Set(Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into())),
            status: Set(user::status::ACTIVE.into()),
            storage: Set(5 << 30),
            two_factor_secret: Set(Some("JBSWY3DPEHPK3PXP".into())),
            avatar: Set(Some("gravatar".into())),
            settings: Set(
                json!({"version_retention": true, "pined": [{"uri": "cloudreve://my", "name": "Home"}]})
            ),
            group_id: Set(group.id),
            ..Default::default()
        }
    );
    assert_eq!(
        user.settings["pined"][0]["uri"],
        json!("cloudreve://my"),
        "JSON survives"
    );

    let root = roundtrip!(
        db,
        file,
        file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set(file::kind::FOLDER),
            name: Set(String::new()),
            owner_id: Set(user.id),
            size: Set(0),
            primary_entity: Set(None),
            parent_id: Set(None),
            is_symbolic: Set(false),
            props: Set(None),
            storage_policy_id: Set(None),
            ..Default::default()
        }
    );
    let doc = roundtrip!(
        db,
        file,
        file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(later),
            deleted_at: Set(None),
            r#type: Set(file::kind::FILE),
            name: Set("report.pdf".into()),
            owner_id: Set(user.id),
            size: Set(123_456),
            primary_entity: Set(None),
            parent_id: Set(Some(root.id)),
            is_symbolic: Set(false),
            props: Set(Some(json!({"view": {"layout": "grid"}}))),
            storage_policy_id: Set(Some(policy.id)),
            ..Default::default()
        }
    );
    assert_eq!(doc.updated_at, later);

    let blob = roundtrip!(
        db,
        entity,
        entity::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set(entity::kind::VERSION),
            source: Set("uploads/1/report.pdf".into()),
            size: Set(123_456),
            reference_count: Set(1),
            storage_policy_id: Set(policy.id),
            created_by: Set(Some(user.id)),
            upload_session_id: Set(Some("0b9f3a2e-2f1c-4c50-9a47-0f0a4c1e5d11".into())),
            recycle_options: Set(Some(json!({"unlink_only": false}))),
            ..Default::default()
        }
    );
    let mut doc_am: file::ActiveModel = doc.clone().into();
    doc_am.primary_entity = Set(Some(blob.id));
    let doc = doc_am.update(db).await.unwrap();
    assert_eq!(doc.primary_entity, Some(blob.id));
    assert!(
        doc.updated_at > later - Duration::hours(2),
        "update bumps updated_at"
    );

    let link = file_entity::ActiveModel {
        file_id: Set(doc.id),
        entity_id: Set(blob.id),
    }
    .insert(db)
    .await
    .expect("insert file_entity");
    let found = file_entity::Entity::find_by_id((doc.id, blob.id))
        .one(db)
        .await
        .unwrap()
        .expect("file_entity row");
    assert_eq!(link, found);

    let meta = roundtrip!(
        db,
        metadata,
        metadata::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("sys:shared_redirect".into()),
            value: Set("cloudreve://x@share".into()),
            file_id: Set(doc.id),
            is_public: Set(true),
            ..Default::default()
        }
    );
    assert!(meta.is_public);

    let share = roundtrip!(
        db,
        share,
        share::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            password: Set(Some("abcdefgh".into())),
            views: Set(3),
            downloads: Set(1),
            expires: Set(Some(later)),
            remain_downloads: Set(Some(9)),
            props: Set(Some(json!({"share_view": true}))),
            file_id: Set(doc.id),
            user_id: Set(user.id),
            upload_only: Set(true),
            upload_limit: Set(Some(1 << 20)),
            uploaded: Set(42),
            ..Default::default()
        }
    );
    assert_eq!(share.expires, Some(later));

    roundtrip!(
        db,
        direct_link,
        direct_link::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("report.pdf".into()),
            downloads: Set(0),
            file_id: Set(doc.id),
            speed: Set(1 << 20),
            ..Default::default()
        }
    );

    let dav = roundtrip!(
        db,
        dav_account,
        dav_account::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("laptop".into()),
            uri: Set("cloudreve://my/Documents".into()),
            password: Set("p4ssw0rd".into()),
            options: Set(vec![0b11]),
            props: Set(None),
            owner_id: Set(user.id),
            ..Default::default()
        }
    );
    assert_eq!(dav.options, vec![0b11]);

    roundtrip!(
        db,
        passkey,
        passkey::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            user_id: Set(user.id),
            credential_id: Set("AAECAwQ=".into()),
            name: Set("YubiKey".into()),
            credential: Set(r#"{"id":"AAECAwQ="}"#.into()),
            used_at: Set(Some(now)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        task,
        task::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set("create_archive".into()),
            status: Set(task::status::QUEUED.into()),
            public_state: Set(json!({"retry_count": 0})),
            private_state: Set(r#"{"uris":[]}"#.into()),
            correlation_id: Set(Some("corr-1".into())),
            user_id: Set(Some(user.id)),
            claimed_by: Set(Some("instance-a".into())),
            run_at: Set(Some(later)),
            queue: Set("io_intense".into()),
            lease_until: Set(Some(later)),
            progress: Set(r#"{"archive_count":{"total":2,"current":1}}"#.into()),
            log: Set("started\n".into()),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        kv,
        kv::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            key: Set("captcha:abc".into()),
            kind: Set("captcha".into()),
            value: Set("1234".into()),
            expires_at: Set(Some(later)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        lock,
        lock::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            token: Set("opaquelocktoken:6f1c".into()),
            owner_id: Set(user.id),
            file_id: Set(Some(doc.id)),
            uri: Set("/report.pdf".into()),
            depth: Set(lock::depth::INFINITY),
            scope: Set(lock::scope::EXCLUSIVE.into()),
            owner_info: Set(Some("<D:href>me</D:href>".into())),
            expires_at: Set(later),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        upload_session,
        upload_session::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            session_id: Set("0b9f3a2e-2f1c-4c50-9a47-0f0a4c1e5d11".into()),
            user_id: Set(user.id),
            file_id: Set(Some(doc.id)),
            entity_id: Set(Some(blob.id)),
            uri: Set("cloudreve://my/report.pdf".into()),
            size: Set(123_456),
            chunk_size: Set(26_214_400),
            storage_policy_id: Set(policy.id),
            props: Set(json!({"chunks": [true, false]})),
            expires_at: Set(later),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        event,
        event::ActiveModel {
            r#type: Set(5),
            user_id: Set(Some(user.id)),
            ip: Set(Some("203.0.113.9".into())),
            user_agent: Set(Some("curl/8".into())),
            correlation_id: Set(Some("corr-1".into())),
            content: Set(Some(json!({"ok": true}))),
            created_at: Set(now),
            ..Default::default()
        }
    );

    later::roundtrip(db, &user, &root, &doc, &blob, &node).await;

    // Relations resolve.
    assert_eq!(
        user.find_related(group::Entity).one(db).await.unwrap(),
        Some(group.clone())
    );
    assert_eq!(group.find_related(user::Entity).count(db).await.unwrap(), 1);
    assert_eq!(
        doc.find_related(entity::Entity).all(db).await.unwrap(),
        vec![blob.clone()]
    );
    assert_eq!(
        blob.find_related(file::Entity).all(db).await.unwrap(),
        vec![doc.clone()]
    );
    assert_eq!(
        policy.find_related(node::Entity).one(db).await.unwrap(),
        Some(node.clone())
    );
    assert_eq!(
        doc.find_related(metadata::Entity).count(db).await.unwrap(),
        1
    );

    constraints(db, &user, &root, &doc).await;
}

/// Uniqueness and foreign-key behaviour the server relies on.
async fn constraints(
    db: &DatabaseConnection,
    user: &user::Model,
    root: &file::Model,
    doc: &file::Model,
) {
    let sibling = |name: &str| file::ActiveModel {
        r#type: Set(file::kind::FILE),
        name: Set(name.into()),
        owner_id: Set(user.id),
        size: Set(0),
        primary_entity: Set(None),
        parent_id: Set(Some(root.id)),
        is_symbolic: Set(false),
        props: Set(None),
        storage_policy_id: Set(None),
        ..Default::default()
    };
    // (parent_id, name) is unique ...
    assert!(sibling(&doc.name).insert(db).await.is_err());
    // ... but NULL parents (roots, trash) do not collide.
    for _ in 0..2 {
        file::ActiveModel {
            r#type: Set(file::kind::FOLDER),
            name: Set(String::new()),
            owner_id: Set(user.id),
            size: Set(0),
            primary_entity: Set(None),
            parent_id: Set(None),
            is_symbolic: Set(false),
            props: Set(None),
            storage_policy_id: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("second NULL-parent folder");
    }

    // The timestamp hook fills created_at/updated_at; DB defaults fill the rest.
    let other = sibling("other.txt").insert(db).await.unwrap();
    assert_eq!(other.created_at, other.updated_at);
    assert!(other.created_at > Utc::now() - Duration::minutes(5));

    // Rows written without the ORM get DB-side timestamps that the entities can decode.
    db.execute_unprepared("INSERT INTO kv (key, kind, value) VALUES ('raw', 'test', 'v')")
        .await
        .unwrap();
    let raw = kv::Entity::find()
        .filter(kv::Column::Key.eq("raw"))
        .one(db)
        .await
        .unwrap()
        .expect("raw kv row");
    assert!(raw.created_at > Utc::now() - Duration::minutes(5));
    assert_eq!(raw.expires_at, None);

    // A folder with children cannot be deleted.
    assert!(root.clone().delete(db).await.is_err());

    // Deleting a file cascades to its links, metadata, shares and direct links.
    doc.clone().delete(db).await.expect("delete file");
    assert_eq!(file_entity::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(metadata::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(share::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(direct_link::Entity::find().count(db).await.unwrap(), 0);
    // The blob itself stays (reference counting is the server's job).
    assert_eq!(entity::Entity::find().count(db).await.unwrap(), 1);
}

async fn run(db: &TestDb) {
    Migrator::up(&db.conn, None).await.expect("migrate");
    schema_matches(&db.conn).await;
    roundtrip_all(&db.conn).await;
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
