//! The `stratus` command line: account commands and OpenAPI export on a fresh data dir.

use sea_orm::EntityTrait;
use stratus_entity::{group, storage_policy};
use stratus_server::{auth::password, cli, config::Config, users};
use stratus_tests::{
    pg,
    s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY},
};

async fn fresh_database(dir: &std::path::Path) -> String {
    match pg::test_database_url().await {
        Some(url) => url,
        None => format!("sqlite://{}?mode=rwc", dir.join("cli.db").display()),
    }
}

async fn run(dir: &std::path::Path, db: &str, args: &[&str]) -> anyhow::Result<()> {
    let mut argv = vec![
        "stratus".to_owned(),
        "--data-dir".to_owned(),
        dir.join("data").display().to_string(),
        "--database-url".to_owned(),
        db.to_owned(),
    ];
    argv.extend(args.iter().map(|s| s.to_string()));
    cli::run_async(argv).await
}

async fn open(dir: &std::path::Path, db: &str) -> stratus_server::state::AppState {
    let config = Config {
        data_dir: dir.join("data"),
        database_url: Some(db.to_owned()),
        ..Config::default()
    };
    stratus_server::init(config, false).await.unwrap().0
}

#[tokio::test]
async fn account_commands_work_on_a_fresh_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;

    run(dir.path(), &db, &["migrate"]).await.unwrap();
    run(
        dir.path(),
        &db,
        &[
            "create-admin",
            "--email",
            "root@example.com",
            "--password",
            "first-pass",
        ],
    )
    .await
    .unwrap();
    run(
        dir.path(),
        &db,
        &[
            "create-user",
            "--email",
            "ann@example.com",
            "--password",
            "ann-pass",
        ],
    )
    .await
    .unwrap();
    run(
        dir.path(),
        &db,
        &[
            "create-user",
            "--email",
            "bob@example.com",
            "--password",
            "bob-pass",
            "--group",
            "1",
        ],
    )
    .await
    .unwrap();

    let state = open(dir.path(), &db).await;
    let root = users::find_by_email(&state.db, "root@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(root.group_id, 1);
    assert!(password::verify(
        "first-pass",
        root.password.as_deref().unwrap()
    ));
    let ann = users::find_by_email(&state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.group_id, 2);
    let bob = users::find_by_email(&state.db, "bob@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.group_id, 1);

    // create-admin on an existing user resets the password and promotes it.
    run(
        dir.path(),
        &db,
        &[
            "create-admin",
            "--email",
            "ann@example.com",
            "--password",
            "new-pass",
        ],
    )
    .await
    .unwrap();
    run(
        dir.path(),
        &db,
        &[
            "reset-password",
            "--email",
            "root@example.com",
            "--password",
            "second-pass",
        ],
    )
    .await
    .unwrap();
    let ann = users::find_by_email(&state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.group_id, 1);
    assert!(password::verify(
        "new-pass",
        ann.password.as_deref().unwrap()
    ));
    let root = users::find_by_email(&state.db, "root@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(password::verify(
        "second-pass",
        root.password.as_deref().unwrap()
    ));
    assert!(!password::verify(
        "first-pass",
        root.password.as_deref().unwrap()
    ));
}

#[tokio::test]
async fn account_commands_refuse_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;
    let err = |args: &'static [&'static str]| {
        let dir = dir.path().to_path_buf();
        let db = db.clone();
        async move { run(&dir, &db, args).await.unwrap_err().to_string() }
    };
    assert!(
        err(&[
            "create-user",
            "--email",
            "not-an-email",
            "--password",
            "password1"
        ])
        .await
        .contains("e-mail")
    );
    assert!(
        err(&["create-user", "--email", "a@b.c", "--password", "123"])
            .await
            .contains("password")
    );
    assert!(
        err(&[
            "create-user",
            "--email",
            "a@b.c",
            "--password",
            "password1",
            "--group",
            "42"
        ])
        .await
        .contains("42")
    );
    assert!(
        err(&[
            "reset-password",
            "--email",
            "nobody@b.c",
            "--password",
            "password1"
        ])
        .await
        .contains("no user")
    );
    run(
        dir.path(),
        &db,
        &["create-user", "--email", "a@b.c", "--password", "password1"],
    )
    .await
    .unwrap();
    assert!(
        err(&["create-user", "--email", "A@B.C", "--password", "password1"])
            .await
            .contains("in use")
    );
    assert!(
        err(&["create-user", "--email", "a@b.c"])
            .await
            .contains("--password")
    );
    assert!(err(&["no-such-command"]).await.contains("no-such-command"));
}

#[tokio::test]
async fn export_openapi_writes_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    cli::run_async(["stratus", "export-openapi", path.to_str().unwrap()])
        .await
        .unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, stratus_server::api::spec_json());
}

#[test]
fn example_config_lists_every_key_and_parses() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../stratus.example.toml");
    let text = std::fs::read_to_string(path).unwrap();
    // Every key of Config appears (set or commented out) in the example; a table as its
    // `[key]` header.
    let defaults = serde_json::to_value(Config::default()).unwrap();
    for key in defaults.as_object().unwrap().keys() {
        assert!(
            text.lines().any(|l| {
                let l = l.trim_start_matches("# ");
                l.starts_with(&format!("{key} =")) || l == format!("[{key}]")
            }),
            "stratus.example.toml does not mention {key}"
        );
    }
    let parsed = Config::load(Some(std::path::Path::new(path)), &Default::default()).unwrap();
    assert_eq!(parsed.listen.to_string(), "127.0.0.1:5212");
}

#[tokio::test]
async fn add_s3_policy_checks_the_bucket_first() {
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;
    let s3 = S3Server::start();
    let args = |secret: &str| {
        vec![
            "add-s3-policy".to_owned(),
            "--name".into(),
            "bucket".into(),
            "--endpoint".into(),
            s3.endpoint.clone(),
            "--bucket".into(),
            BUCKET.into(),
            "--access-key".into(),
            ACCESS_KEY.into(),
            "--secret-key".into(),
            secret.into(),
            "--path-style".into(),
            "--group".into(),
            "2".into(),
        ]
    };

    // A wrong key is refused and stores nothing.
    let wrong = args("not-the-secret");
    let err = run(dir.path(), &db, &refs(&wrong)).await.unwrap_err();
    assert!(err.to_string().contains("test write"), "{err:#}");
    let state = open(dir.path(), &db).await;
    assert_eq!(
        storage_policy::Entity::find()
            .all(&state.db)
            .await
            .unwrap()
            .len(),
        1
    );

    // So is a download proxy that is not an http(s) URL.
    let mut bad_proxy = args(SECRET_KEY);
    bad_proxy.extend(["--proxy-server".into(), "cdn.example".into()]);
    let err = run(dir.path(), &db, &refs(&bad_proxy)).await.unwrap_err();
    assert!(err.to_string().contains("--proxy-server"), "{err:#}");

    let mut right = args(SECRET_KEY);
    right.extend(["--proxy-server".into(), "https://cdn.example/files".into()]);
    run(dir.path(), &db, &refs(&right)).await.unwrap();
    let policies = storage_policy::Entity::find().all(&state.db).await.unwrap();
    let added = policies
        .iter()
        .find(|p| p.r#type == "s3")
        .expect("the s3 policy");
    assert_eq!(added.bucket_name, BUCKET);
    assert_eq!(added.settings["s3_path_style"], true);
    assert_eq!(added.settings["thumb_generator_proxy"], true);
    assert_eq!(added.settings["custom_proxy"], true);
    assert_eq!(added.settings["proxy_server"], "https://cdn.example/files");
    let users = group::Entity::find_by_id(2)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(users.storage_policy_id, Some(added.id));
    // The registry builds a working driver from the stored row.
    let driver = state.storage.driver(added.id).await.unwrap();
    driver.health_check().await.unwrap();
}
