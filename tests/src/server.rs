//! `TestServer`: the real Stratus app on `127.0.0.1:<ephemeral>` with its own data dir and
//! database (SQLite in the temp dir, or a fresh PostgreSQL database when
//! `STRATUS_TEST_DATABASE=postgres`).

use std::{path::PathBuf, time::Duration};

use reqwest::{Client, Method, Response};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::Value;
use stratus_entity::{entity, file, file_entity, user};
use stratus_server::{config::Config, state::AppState};
use tempfile::TempDir;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::pg;

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    /// The `user` of the sign-in answer.
    pub user: Value,
}

/// A running server; dropped at the end of the test.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub data_dir: PathBuf,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    config: Config,
    _dir: TempDir,
}

impl TestServer {
    /// Starts a server with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `configure` adjusted its configuration.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match pg::test_database_url().await {
            Some(url) => url,
            None => format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("stratus.db").display()
            ),
        };
        let mut config = Config {
            data_dir: dir.path().join("data"),
            database_url: Some(database_url.clone()),
            listen: "127.0.0.1:0".parse().unwrap(),
            // Tests run the periodic jobs themselves (`jobs::schedule::tick` or the job's
            // function), so no task appears in a test that did not ask for one.
            scheduled_jobs: false,
            // Each test switches on the generators it is about.
            enable_found_tools: false,
            ..Config::default()
        };
        configure(&mut config);
        Self::start_config(config, dir, database_url).await
    }

    /// A second instance on the same database and data folder, as two nodes behind a load
    /// balancer share a database and a store; it listens on a port of its own.
    pub async fn sibling(&self) -> Self {
        let mut config = self.config.clone();
        config.listen = "127.0.0.1:0".parse().unwrap();
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_config(config, dir, self.database_url.clone()).await
    }

    /// An instance on the database at `database_url` and the data folder `data_dir` of
    /// another process's instance (whose local blobs it then reads), for tests that run a
    /// second instance in another process.
    pub async fn join_sharing(database_url: String, data_dir: PathBuf) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir,
            database_url: Some(database_url.clone()),
            listen: "127.0.0.1:0".parse().unwrap(),
            scheduled_jobs: false,
            ..Config::default()
        };
        Self::start_config(config, dir, database_url).await
    }

    /// An instance with a data folder of its own on the database at `database_url`, for tests
    /// that run a second instance in another process (which they can then kill).
    pub async fn join(database_url: String) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("data"),
            database_url: Some(database_url.clone()),
            listen: "127.0.0.1:0".parse().unwrap(),
            scheduled_jobs: false,
            ..Config::default()
        };
        Self::start_config(config, dir, database_url).await
    }

    async fn start_config(mut config: Config, dir: TempDir, database_url: String) -> Self {
        init_test_logging();
        // Text extraction runs `stratus extract-text` as a child process: this process is
        // the test harness, so the tests' build of the command line is named instead.
        config.extractor.get_or_insert_with(cli_binary);
        let data_dir = config.data_dir.clone();
        let (state, _admin) = stratus_server::init(config.clone(), false)
            .await
            .expect("server init");
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(stratus_server::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        let server = Self {
            base: format!("http://{addr}"),
            client: Client::builder()
                .timeout(Duration::from_secs(60))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            state,
            data_dir,
            database_url,
            shutdown: Some(tx),
            handle: Some(handle),
            config,
            _dir: dir,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(resp) = self.client.get(self.url("/healthz")).send().await
                && resp.status().is_success()
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "server did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Absolute URL of an API path (`/site/ping` → `…/api/v4/site/ping`).
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v4{}", self.base, path)
    }

    /// `GET` an API path and parse the envelope.
    pub async fn get_api(&self, path: &str) -> Value {
        envelope(self.client.get(self.api(path)).send().await.unwrap()).await
    }

    /// Sends `body` (raw text) to an API path with a JSON content type; returns the envelope.
    pub async fn send_api(&self, method: Method, path: &str, body: &str) -> (u16, Value) {
        let resp = self
            .client
            .request(method, self.api(path))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, envelope(resp).await)
    }

    /// Changes the row of share `id` (its public id) with `f`: for states the API cannot
    /// reach (expired, used up, a file gone).
    pub async fn edit_share(
        &self,
        id: &str,
        f: impl FnOnce(&mut stratus_entity::share::ActiveModel),
    ) {
        let id = self
            .state
            .ids
            .decode(id, stratus_server::ids::IdKind::Share)
            .unwrap();
        let row = stratus_entity::share::Entity::find_by_id(id)
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut active = row.into_active_model();
        f(&mut active);
        active.update(&self.state.db).await.unwrap();
    }

    /// Creates an active account in the User group (2).
    pub async fn create_user(&self, email: &str, password: &str) -> stratus_entity::user::Model {
        stratus_server::users::create(&self.state.db, email, password, 2)
            .await
            .expect("create user")
    }

    /// Signs in with a password; returns the whole envelope.
    pub async fn login_envelope(&self, email: &str, password: &str) -> Value {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        self.send_api(Method::POST, "/session/token", &body).await.1
    }

    /// Signs in with a password and returns the session (`{access_token, refresh_token, ...}`).
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let body = self.login_envelope(email, password).await;
        assert_eq!(body["code"], 0, "sign-in failed: {body}");
        Session {
            access_token: body["data"]["token"]["access_token"]
                .as_str()
                .unwrap()
                .to_owned(),
            refresh_token: body["data"]["token"]["refresh_token"]
                .as_str()
                .unwrap()
                .to_owned(),
            user: body["data"]["user"].clone(),
        }
    }

    /// A request to an API path carrying `token` as the bearer token.
    pub fn request_as(&self, method: Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.api(path))
            .bearer_auth(token)
    }

    /// `GET` an API path as `token`; returns the envelope.
    pub async fn get_as(&self, path: &str, token: &str) -> Value {
        envelope(
            self.request_as(Method::GET, path, token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Sends a JSON body to an API path as `token`; returns the envelope.
    pub async fn send_as(&self, method: Method, path: &str, token: &str, body: &Value) -> Value {
        let resp = self
            .request_as(method, path, token)
            .json(body)
            .send()
            .await
            .unwrap();
        envelope(resp).await
    }

    /// Uploads `bytes` to `uri` as `s` through an upload session, every chunk in order as
    /// long as the session asks (an empty file is one empty chunk, as the web client sends
    /// it), asserting each answer; `extra` joins the session request (the policy is the
    /// default one unless it names `policy_id`). Returns the session id.
    pub async fn upload(&self, s: &Session, uri: &str, bytes: &[u8], extra: Value) -> String {
        let policy = self
            .state
            .ids
            .encode(1, stratus_server::ids::IdKind::Policy);
        let mut body = serde_json::json!({ "uri": uri, "size": bytes.len(), "policy_id": policy });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let created = self
            .send_as(Method::PUT, "/file/upload", &s.access_token, &body)
            .await;
        assert_eq!(created["code"], 0, "{created}");
        let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
        let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
        let mut pieces: Vec<&[u8]> = bytes.chunks(chunk.max(1)).collect();
        if pieces.is_empty() {
            pieces.push(bytes);
        }
        for (i, piece) in pieces.into_iter().enumerate() {
            let sent = self.send_chunk(s, &sid, i as i64, piece).await;
            assert_eq!(sent["code"], 0, "chunk {i}: {sent}");
        }
        sid
    }

    /// Sends chunk `index` of upload session `sid` as `s`; returns the answer's envelope.
    pub async fn send_chunk(&self, s: &Session, sid: &str, index: i64, bytes: &[u8]) -> Value {
        let resp = self
            .request_as(
                Method::POST,
                &format!("/file/upload/{sid}/{index}"),
                &s.access_token,
            )
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        envelope(resp).await
    }

    /// Shares `uri` as `s` with `extra` options (`PUT /share`); returns the share hashid and
    /// the link (`…/s/<id>[/<password>]`).
    pub async fn share(&self, s: &Session, uri: &str, extra: Value) -> (String, String) {
        let mut body = serde_json::json!({ "uri": uri });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let made = self
            .send_as(Method::PUT, "/share", &s.access_token, &body)
            .await;
        assert_eq!(made["code"], 0, "{made}");
        let link = made["data"].as_str().unwrap().to_owned();
        let id = link.split("/s/").nth(1).unwrap().split('/').next().unwrap();
        (id.to_owned(), link)
    }

    /// A version of `f` with blob `key` of `size` bytes on the default policy, linked to it (the
    /// caller makes it current). A file just made by `POST /file/create` has an empty first
    /// version: that one takes the blob instead, so the file has one version, as after an
    /// upload of a new file.
    pub async fn new_version(&self, f: &file::Model, key: String, size: i64) -> entity::Model {
        let db = &self.state.db;
        let empty = match f.primary_entity {
            Some(id) => entity::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .filter(|e| e.size == 0),
            None => None,
        };
        if let Some(empty) = empty {
            let mut active = empty.into_active_model();
            active.source = Set(key);
            active.size = Set(size);
            return active.update(db).await.unwrap();
        }
        let now = chrono::Utc::now();
        let blob = entity::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            r#type: Set(entity::kind::VERSION),
            source: Set(key),
            size: Set(size),
            reference_count: Set(1),
            storage_policy_id: Set(1),
            created_by: Set(Some(f.owner_id)),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        file_entity::ActiveModel {
            file_id: Set(f.id),
            entity_id: Set(blob.id),
        }
        .insert(db)
        .await
        .unwrap();
        blob
    }

    /// Gives the file `file_id` a new blob of `size` bytes, as an upload would (blob linked,
    /// size and primary entity set, owner charged).
    pub async fn attach_blob(&self, file_id: i64, size: i64) -> entity::Model {
        let db = &self.state.db;
        let f = file::Entity::find_by_id(file_id)
            .one(db)
            .await
            .unwrap()
            .expect("file row");
        let blob = self
            .new_version(&f, format!("uploads/{file_id}"), size)
            .await;
        let owner = f.owner_id;
        let mut active = f.into_active_model();
        active.size = Set(size);
        active.primary_entity = Set(Some(blob.id));
        active.update(db).await.unwrap();
        let u = user::Entity::find_by_id(owner)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let storage = u.storage;
        let mut active = u.into_active_model();
        active.storage = Set(storage + size);
        active.update(db).await.unwrap();
        blob
    }

    /// The bytes charged to the user `user_id` (`users.storage`).
    pub async fn storage_of(&self, user_id: i64) -> i64 {
        user::Entity::find_by_id(user_id)
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("user row")
            .storage
    }

    /// The bytes of `uri` as `s` downloads them: `POST /file/url`, then the signed URL.
    pub async fn download(&self, s: &Session, uri: &str) -> Vec<u8> {
        let urls = self
            .send_as(
                Method::POST,
                "/file/url",
                &s.access_token,
                &serde_json::json!({"uris": [uri]}),
            )
            .await;
        assert_eq!(urls["code"], 0, "{uri}: {urls}");
        let url = urls["data"]["urls"][0]["url"].as_str().unwrap();
        let resp = self.client.get(url).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{uri}");
        resp.bytes().await.unwrap().to_vec()
    }

    /// The names in the folder `uri` as `s` lists them (up to 1,000), sorted.
    pub async fn names_in(&self, s: &Session, uri: &str) -> Vec<String> {
        let path = format!("/file?uri={}&page_size=1000", crate::query_escape(uri));
        let listed = self.get_as(&path, &s.access_token).await;
        assert_eq!(listed["code"], 0, "{uri}: {listed}");
        let mut names: Vec<String> = listed["data"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        self.shutdown_now().await;
    }

    /// Stops serving (and running tasks) while keeping the state, as a stopped process
    /// would; [`TestServer::restart`] starts it again.
    pub async fn pause(&mut self) {
        self.shutdown_now().await;
    }

    /// Stops the server and starts a new one (fresh `init` and `serve`, new port) on the same
    /// data dir, database and configuration, as a process restart would.
    pub async fn restart(&mut self) {
        self.shutdown_now().await;
        let (state, _admin) = stratus_server::init(self.config.clone(), false)
            .await
            .expect("server init");
        let listener = tokio::net::TcpListener::bind(self.config.listen)
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        self.handle = Some(tokio::spawn(stratus_server::serve(
            listener,
            state.clone(),
            async {
                let _ = rx.await;
            },
        )));
        self.shutdown = Some(tx);
        self.state = state;
        self.base = format!("http://{addr}");
        self.wait_ready().await;
    }

    async fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(20), handle).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }
}

/// With `RUST_LOG` set, server logs go to the test output (shown for failing tests).
fn init_test_logging() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// Parses a response body as JSON, panicking with the body text when it is not.
pub async fn envelope(resp: Response) -> Value {
    let text = resp.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The tests' build of the `stratus` command line (`src/bin/stratus-tests-cli.rs`), built by
/// cargo with the test binaries and placed beside their `deps` folder.
pub fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut dir = exe.parent().expect("the test binary's folder");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("the target folder");
    }
    let bin = dir.join(format!("stratus-tests-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build the tests with cargo",
        bin.display()
    );
    bin
}
