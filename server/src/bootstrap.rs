//! First start: the rows every installation needs (settings with fresh secrets, the default
//! groups, the default storage policy, the master node and an admin account). Safe to run at
//! every start and from several instances at once: it only inserts what is missing.
//!
//! The site URL of a first start comes from the address it listens on ([`site_url_for`]):
//! passkeys, links and mails work at once for whoever opens the address the server printed.

use std::net::SocketAddr;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    sea_query::OnConflict,
};
use serde_json::json;
use stratus_entity::{group, node, storage_policy};

use crate::{
    boolset::{self, Boolset},
    config::Config,
    db,
    settings::{Settings, generated_secrets},
    users,
};

/// Size of an upload chunk on the default local policy.
const DEFAULT_CHUNK_SIZE: i64 = 25 * 1024 * 1024;
/// E-mail of the account created on first start.
pub const INITIAL_ADMIN_EMAIL: &str = "admin@stratus.local";

/// The admin account created by this start, if any; its password is shown once.
pub struct InitialAdmin {
    pub email: String,
    pub password: String,
}

/// Inserts whatever is missing. Returns the admin created now, if there was no user.
pub async fn run(
    db: &DatabaseConnection,
    settings: &Settings,
    config: &Config,
    initial_admin: bool,
) -> anyhow::Result<Option<InitialAdmin>> {
    let mut first_start = generated_secrets();
    if let Some(url) = site_url_for(config.listen) {
        first_start.push(("siteURL", url));
    }
    let new_install = settings.install_defaults(&first_start).await?;
    if new_install && config.enable_found_tools {
        let found = crate::thumb::discover::switches_for_found_tools();
        if !found.is_empty() {
            tracing::info!(
                switched_on = ?found.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                "new installation: the external tools found here run confined"
            );
            settings.set(&found).await?;
        }
    }
    let txn = db::begin_write(db).await?;
    let master_node = ensure_master_node(&txn).await?;
    ensure_default_policy(&txn, config, master_node).await?;
    ensure_default_groups(&txn).await?;
    txn.commit().await?;
    let filled = users::fill_skeletons(db).await?;
    if filled > 0 {
        tracing::info!(
            accounts = filled,
            "computed the look-alike skeletons of older accounts"
        );
    }

    if !initial_admin || users::count(db).await? > 0 {
        return Ok(None);
    }
    let password = crate::settings::random_password();
    match users::create(db, INITIAL_ADMIN_EMAIL, &password, users::ADMIN_GROUP).await {
        Ok(_) => Ok(Some(InitialAdmin {
            email: INITIAL_ADMIN_EMAIL.to_owned(),
            password,
        })),
        // Another instance created it first.
        Err(users::UsersError::EmailTaken) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The site URL for a server listening on `listen`: `localhost` for a loopback or unspecified
/// address (WebAuthn needs a domain, and `localhost` is one; which of a machine's addresses a
/// browser uses for `0.0.0.0` cannot be known, the dashboard warns when it differs), the address
/// itself otherwise. `None` for port 0, chosen only when binding: the default stays.
pub fn site_url_for(listen: SocketAddr) -> Option<String> {
    let ip = listen.ip();
    let host = if ip.is_loopback() || ip.is_unspecified() {
        "localhost".to_owned()
    } else if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    match listen.port() {
        0 => None,
        80 => Some(format!("http://{host}")),
        port => Some(format!("http://{host}:{port}")),
    }
}

async fn ensure_master_node(db: &impl ConnectionTrait) -> anyhow::Result<i64> {
    use sea_orm::{ColumnTrait, QueryFilter};
    if let Some(existing) = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(db)
        .await?
    {
        return Ok(existing.id);
    }
    let now = Utc::now();
    let row = node::ActiveModel {
        id: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        status: Set(node::status::ACTIVE.to_owned()),
        name: Set("Master (this server)".to_owned()),
        r#type: Set(node::kind::MASTER.to_owned()),
        server: Set(String::new()),
        slave_key: Set(String::new()),
        capabilities: Set(Boolset::from_flags(boolset::MASTER_NODE_FLAGS).into_bytes()),
        settings: Set(json!({})),
        weight: Set(1),
        ..Default::default()
    };
    insert_fixed_id(db, node::Entity::insert(row), node::Column::Id, "nodes").await?;
    Ok(1)
}

async fn ensure_default_policy(
    db: &impl ConnectionTrait,
    config: &Config,
    master_node: i64,
) -> anyhow::Result<()> {
    if storage_policy::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let uploads = config.data_dir.join(crate::storage::registry::UPLOADS_DIR);
    let row = storage_policy::ActiveModel {
        id: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        name: Set("Default storage policy".to_owned()),
        r#type: Set(storage_policy::kind::LOCAL.to_owned()),
        server: Set(String::new()),
        bucket_name: Set(String::new()),
        is_private: Set(true),
        access_key: Set(String::new()),
        secret_key: Set(String::new()),
        max_size: Set(0),
        dir_name_rule: Set(format!("{}/{{uid}}/{{path}}", uploads.display())),
        file_name_rule: Set("{uid}_{randomkey8}_{originname}".to_owned()),
        settings: Set(json!({
            "chunk_size": DEFAULT_CHUNK_SIZE,
            "pre_allocate": true,
        })),
        node_id: Set(Some(master_node)),
        ..Default::default()
    };
    insert_fixed_id(
        db,
        storage_policy::Entity::insert(row),
        storage_policy::Column::Id,
        "storage_policies",
    )
    .await
}

async fn ensure_default_groups(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if group::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    const GIB: i64 = 1024 * 1024 * 1024;
    let groups = [
        (
            users::ADMIN_GROUP,
            "Admin",
            1024 * GIB,
            boolset::ADMIN_GROUP_FLAGS,
            json!({"source_batch": 1000, "aria2_batch": 50, "max_walked_files": 100000,
                   "trash_retention": 604800, "redirected_source": true,
                   "compress_size": 0, "decompress_size": 0}),
        ),
        (
            users::USER_GROUP,
            "User",
            GIB,
            boolset::USER_GROUP_FLAGS,
            json!({"source_batch": 10, "aria2_batch": 1, "max_walked_files": 100000,
                   "trash_retention": 604800, "redirected_source": true,
                   "compress_size": 0, "decompress_size": 0}),
        ),
        (
            users::ANONYMOUS_GROUP,
            "Anonymous",
            0,
            boolset::ANONYMOUS_GROUP_FLAGS,
            json!({"max_walked_files": 100000, "redirected_source": true}),
        ),
    ];
    let now = Utc::now();
    for (id, name, max_storage, flags, settings) in groups {
        let row = group::ActiveModel {
            id: Set(id),
            created_at: Set(now),
            updated_at: Set(now),
            name: Set(name.to_owned()),
            max_storage: Set(max_storage),
            speed_limit: Set(0),
            permissions: Set(Boolset::from_flags(flags).into_bytes()),
            settings: Set(settings),
            storage_policy_id: Set((id != users::ANONYMOUS_GROUP).then_some(1)),
            ..Default::default()
        };
        insert_fixed_id(db, group::Entity::insert(row), group::Column::Id, "groups").await?;
    }
    Ok(())
}

/// Inserts a row whose id is fixed by the protocol (group 1 is Admin, policy 1 the default),
/// ignoring a concurrent insert of the same row, and moves PostgreSQL's id sequence past it.
async fn insert_fixed_id<E, A, C>(
    db: &impl ConnectionTrait,
    insert: sea_orm::Insert<A>,
    id: C,
    table: &str,
) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait<Entity = E>,
    E: EntityTrait,
    C: sea_orm::sea_query::IntoIden,
{
    insert
        .on_conflict(OnConflict::column(id).do_nothing().to_owned())
        .try_insert()
        .exec(db)
        .await?;
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::site_url_for;

    #[test]
    fn the_site_url_follows_the_listen_address() {
        let url = |listen: &str| site_url_for(listen.parse().unwrap());
        assert_eq!(
            url("127.0.0.1:8080").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(url("[::1]:5212").as_deref(), Some("http://localhost:5212"));
        assert_eq!(url("0.0.0.0:80").as_deref(), Some("http://localhost"));
        assert_eq!(
            url("192.0.2.7:8080").as_deref(),
            Some("http://192.0.2.7:8080")
        );
        assert_eq!(
            url("[2001:db8::1]:443").as_deref(),
            Some("http://[2001:db8::1]:443")
        );
        assert_eq!(url("127.0.0.1:0"), None);
    }
}
