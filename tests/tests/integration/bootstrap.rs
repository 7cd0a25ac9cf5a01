//! First start: settings with fresh secrets, default groups, the default policy, the master
//! node and the initial administrator; a restart keeps all of it.

use sea_orm::{EntityTrait, PaginatorTrait};
use stratus_entity::{group, node, storage_policy, user};
use stratus_server::{auth::password, boolset::Boolset, config::Config};
use stratus_tests::TestServer;

#[tokio::test]
async fn first_start_installs_groups_policy_node_and_secrets() {
    let server = TestServer::start().await;
    let db = &server.state.db;

    let groups = group::Entity::find().all(db).await.unwrap();
    let perms = |id: i64| {
        let g = groups.iter().find(|g| g.id == id).unwrap();
        (
            g.name.clone(),
            Boolset::from_bytes(g.permissions.clone()).to_base64(),
            g.max_storage,
        )
    };
    assert_eq!(
        perms(1),
        ("Admin".into(), "/Rpx".into(), 1024 * 1024 * 1024 * 1024)
    );
    // A new install's users have WebDAV (and so the sync apps) and S3 keys.
    assert_eq!(perms(2), ("User".into(), "jAhw".into(), 1024 * 1024 * 1024));
    assert_eq!(perms(3), ("Anonymous".into(), "gg==".into(), 0));
    let admin_group = groups.iter().find(|g| g.id == 1).unwrap();
    assert_eq!(admin_group.settings["source_batch"], 1000);
    assert_eq!(admin_group.settings["trash_retention"], 604800);
    assert_eq!(admin_group.storage_policy_id, Some(1));

    let policy = storage_policy::Entity::find_by_id(1)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(policy.r#type, "local");
    assert_eq!(
        policy.dir_name_rule,
        format!("{}/uploads/{{uid}}/{{path}}", server.data_dir.display())
    );
    assert_eq!(policy.file_name_rule, "{uid}_{randomkey8}_{originname}");
    assert_eq!(policy.settings["chunk_size"], 25 * 1024 * 1024);

    let nodes = node::Entity::find().all(db).await.unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].r#type, "master");
    assert_eq!(
        Boolset::from_bytes(nodes[0].capabilities.clone()).to_base64(),
        "Dg=="
    );

    let settings = &server.state.settings;
    let secret = settings.get("secret_key").await.unwrap();
    let salt = settings.get("hash_id_salt").await.unwrap();
    assert_eq!(secret.len(), 256);
    assert_eq!(salt.len(), 64);
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(uuid::Uuid::parse_str(&settings.get("siteID").await.unwrap()).is_ok());
    assert_eq!(settings.get("access_token_ttl").await.unwrap(), "3600");
    assert_eq!(settings.get("max_page_size").await.unwrap(), "2000");
}

#[tokio::test]
async fn two_installations_get_different_secrets() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    let get = |s: &TestServer| {
        let settings = s.state.settings.clone();
        async move {
            (
                settings.get("secret_key").await.unwrap(),
                settings.get("hash_id_salt").await.unwrap(),
                settings.get("siteID").await.unwrap(),
            )
        }
    };
    let (sa, ha, ia) = get(&a).await;
    let (sb, hb, ib) = get(&b).await;
    assert_ne!(sa, sb);
    assert_ne!(ha, hb);
    assert_ne!(ia, ib);
}

fn config_for(server: &TestServer) -> Config {
    Config {
        data_dir: server.data_dir.clone(),
        database_url: Some(server.database_url.clone()),
        ..Config::default()
    }
}

#[tokio::test]
async fn initial_admin_is_created_once_and_restart_keeps_everything() {
    let server = TestServer::start().await;
    let config = config_for(&server);
    let secret_before = server.state.settings.get("secret_key").await.unwrap();

    // The test server starts without the initial admin; a real start creates it.
    let (state, admin) = stratus_server::init(config.clone(), true).await.unwrap();
    let admin = admin.expect("no user existed, so an admin is created");
    assert_eq!(admin.email, "admin@stratus.local");
    assert!(admin.password.len() >= 16);
    let row = stratus_server::users::find_by_email(&state.db, &admin.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.group_id, 1);
    assert_eq!(row.status, "active");
    assert!(password::verify(
        &admin.password,
        row.password.as_deref().unwrap()
    ));
    assert!(row.password.unwrap().starts_with("$argon2id$"));

    // Restart: nothing new, same secrets.
    let (state, again) = stratus_server::init(config, true).await.unwrap();
    assert!(again.is_none());
    assert_eq!(user::Entity::find().count(&state.db).await.unwrap(), 1);
    assert_eq!(group::Entity::find().count(&state.db).await.unwrap(), 3);
    assert_eq!(
        state.settings.get("secret_key").await.unwrap(),
        secret_before
    );
}

#[tokio::test]
async fn a_new_install_lets_users_connect_devices_and_a_restart_keeps_the_groups() {
    use reqwest::Method;
    use serde_json::json;
    use stratus_server::boolset::group_perm;
    let server = TestServer::start().await;
    server.create_user("ann@example.com", "secret-pass-1").await;
    let ann = server.login("ann@example.com", "secret-pass-1").await;
    let body = json!({"uri": "cloudreve://my", "name": "laptop"});
    let dav = server
        .send_as(Method::PUT, "/devices/dav", &ann.access_token, &body)
        .await;
    assert_eq!(dav["code"], 0, "{dav}");
    let s3 = server
        .send_as(Method::PUT, "/devices/s3", &ann.access_token, &body)
        .await;
    assert_eq!(s3["code"], 0, "{s3}");

    // An administrator takes WebDAV away; the next start seeds nothing over it.
    crate::dav::set_group_bits(&server, 2, &[(group_perm::WEBDAV, false)]).await;
    let (state, _) = stratus_server::init(config_for(&server), false)
        .await
        .unwrap();
    let user_group = group::Entity::find_by_id(2)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    let perms = Boolset::from_bytes(user_group.permissions);
    assert!(!perms.enabled(group_perm::WEBDAV));
    assert!(perms.enabled(group_perm::S3));
}

#[tokio::test]
async fn new_groups_get_ids_after_the_defaults() {
    // On PostgreSQL the id sequence must have moved past the fixed ids 1..3.
    let server = TestServer::start().await;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = chrono::Utc::now();
    let row = group::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set("Friends".into()),
        max_storage: Set(1),
        speed_limit: Set(0),
        permissions: Set(vec![]),
        settings: Set(serde_json::json!({})),
        storage_policy_id: Set(Some(1)),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    assert_eq!(row.id, 4);
}

/// A loopback port free a moment ago, for a server that must know its port before it binds.
fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_first_start_takes_its_site_url_from_the_listen_address() {
    // Listening on 127.0.0.1:<port>: the site URL is that port on `localhost` (a domain, so
    // passkeys work there), not the default 5212.
    let port = free_port();
    let server =
        TestServer::start_with(|c| c.listen = format!("127.0.0.1:{port}").parse().unwrap()).await;
    let site = format!("http://localhost:{port}");
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    let settings = crate::admin::ok(
        &server,
        &boss,
        reqwest::Method::POST,
        "/admin/settings",
        serde_json::json!({"keys": ["siteURL"]}),
    )
    .await;
    assert_eq!(settings["siteURL"], site.as_str(), "{settings}");
    let summary = crate::admin::ok(
        &server,
        &boss,
        reqwest::Method::GET,
        "/admin/summary",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(summary["site_urls"], serde_json::json!([site]), "{summary}");

    // Only a first start: a restart on another address, or after the administrator chose
    // one, keeps the saved value.
    let mut config = config_for(&server);
    config.listen = "127.0.0.1:9".parse().unwrap();
    let (state, _) = stratus_server::init(config.clone(), false).await.unwrap();
    assert_eq!(state.settings.get("siteURL").await.unwrap(), site);
    state
        .settings
        .set(&[("siteURL", "https://drive.example.com")])
        .await
        .unwrap();
    let (state, _) = stratus_server::init(config, false).await.unwrap();
    assert_eq!(
        state.settings.get("siteURL").await.unwrap(),
        "https://drive.example.com"
    );

    // A port chosen when binding (0) cannot be named: the default stays.
    let any = TestServer::start().await;
    assert_eq!(
        any.state.settings.get("siteURL").await.unwrap(),
        "http://localhost:5212"
    );
}
