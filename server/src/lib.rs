//! Stratus: a self-hosted cloud drive that speaks the Cloudreve v4 API.
//!
//! [`init`] opens the database, migrates it and installs first-start data; [`build_app`]
//! assembles every route; [`serve`] runs it on a listener until shutdown. The `stratus`
//! binary (`main.rs`) and the integration tests both go through these three.

pub mod access_watch;
pub mod address_limit;
pub mod admin;
pub mod api;
pub mod archive;
pub mod auth;
pub mod avatar;
pub mod backup;
pub mod boolset;
pub mod bootstrap;
pub mod cache_stats;
pub mod caller;
pub mod captcha;
pub mod captcha_ticket;
pub mod cli;
pub mod config;
pub mod cors;
pub mod dav;
pub mod db;
pub mod door;
pub mod download;
pub mod email_address;
pub mod events;
pub mod extract;
pub mod fs;
pub mod fs_events;
pub mod fts;
pub mod guard;
pub mod health;
pub mod ids;
pub mod imaging;
pub mod import;
pub mod jobs;
pub mod kv;
pub mod mail;
pub mod media_meta;
pub mod metrics;
pub mod net;
pub mod nextcloud;
pub mod notify;
pub mod observe;
pub mod og;
pub mod ops;
pub mod queue;
pub mod relocate;
pub mod remote_download;
pub mod request_ctx;
pub mod s3;
pub mod sandbox;
pub mod settings;
pub mod share;
pub mod signature;
pub mod slave;
pub mod snapshot;
pub mod state;
pub mod storage;
pub mod stream_places;
pub mod thumb;
pub mod upload;
pub mod users;
pub mod web;

use std::{future::Future, time::Duration};

use poem::{Endpoint, EndpointExt, Route, Server, get};

use crate::{
    bootstrap::InitialAdmin, config::Config, ids::HashIds, settings::Settings, state::AppState,
};

/// Opens and migrates the database and installs what a first start needs.
/// `initial_admin` creates an admin with a random password when there is no user at all.
pub async fn init(
    mut config: Config,
    initial_admin: bool,
) -> anyhow::Result<(AppState, Option<InitialAdmin>)> {
    // Absolute, so storage keys derived from it do not depend on the working directory.
    config.data_dir = std::path::absolute(&config.data_dir)?;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!("cannot create data dir {}: {e}", config.data_dir.display())
    })?;
    let url = config.database_url()?;
    tracing::info!(database = %config::redact_url(&url), "opening database");
    let db = db::connect(&url, config.db_max_connections).await?;
    let settings = Settings::new(db.clone(), db::side_connection(&db).await?);
    let admin = bootstrap::run(&db, &settings, &config, initial_admin).await?;
    // The OAuth clients official apps hard-code, on install and on upgrade.
    auth::oauth::clients::ensure_system(&db).await?;
    let salt = settings.get("hash_id_salt").await?;
    anyhow::ensure!(!salt.is_empty(), "setting hash_id_salt is missing");
    let ids = HashIds::new(&salt);
    let state = AppState::new(config, db, settings, ids);
    fs::share_tree::provide(&state, std::sync::Arc::new(share::access::Trees));
    guard::provide(&state);
    let registry = queue::Registry::of(&state);
    for handler in task_handlers() {
        registry.register(handler);
    }
    jobs::register(&state);
    Ok((state, admin))
}

/// The handler of every task type declared in `queue::kinds::KINDS`, and of the server's own
/// tasks; a test checks that each declared type has one.
fn task_handlers() -> Vec<std::sync::Arc<dyn queue::TaskKind>> {
    use std::sync::Arc;
    vec![
        Arc::new(archive::task::CreateArchive),
        Arc::new(import::task::Import),
        Arc::new(relocate::task::Relocate),
        Arc::new(remote_download::task::RemoteDownload),
        Arc::new(extract::task::ExtractArchive),
        Arc::new(media_meta::task::MediaMeta),
        Arc::new(media_meta::backfill::MediaMetaBackfill),
        Arc::new(fts::task::FullTextIndex),
        Arc::new(fts::rebuild::FullTextRebuild),
        Arc::new(notify::deliver::Notify),
        Arc::new(backup::run::BackupRun),
        Arc::new(backup::record_restore::BackupRestore),
        Arc::new(snapshot::task::SnapshotTake),
        Arc::new(snapshot::restore_task::SnapshotRestore::default()),
        Arc::new(snapshot::schedule::ScheduledSnapshot),
        Arc::new(guard::undo::GuardUndo),
    ]
}

/// Every route of the server.
pub fn build_app(state: AppState) -> impl Endpoint {
    let max_json = state.config.max_json_body;
    let api = api::service();
    let swagger = api.swagger_ui();
    let spec = api::spec_endpoint();
    let observed = state.clone();
    let app = Route::new()
        .nest(format!("{}/docs", api::BASE), swagger)
        .at(format!("{}/openapi.json", api::BASE), spec)
        .nest(api::BASE, api::endpoint(max_json))
        .at("/manifest.json", get(web::manifest))
        .at("/s/:id", get(web::share_redirect))
        .at("/s/:id/:password", get(web::share_redirect))
        .at("/f/:id/:name", get(api::file::source::follow))
        .at("/f/d/:id/:name", get(api::file::source::follow_download))
        .nest_no_strip(dav::PREFIX, dav::DavEndpoint)
        .at(nextcloud::PUSH_PATH, get(dav::push::socket))
        .at("/status.php", nextcloud::status_php())
        .nest("/ocs", nextcloud::ocs_routes())
        .nest("/index.php", nextcloud::index_routes())
        .nest_no_strip(
            nextcloud::dav::PREFIX,
            nextcloud::dav::RemoteEndpoint::new(dav::oc::NextcloudTree),
        )
        .at(
            "/.well-known/openid-configuration",
            get(api::session::oauth_discovery::discovery),
        )
        .at(
            "/.well-known/jwks.json",
            get(api::session::oauth_discovery::jwks),
        )
        .at("/healthz", get(ops::healthz))
        .at("/metrics", get(ops::metrics))
        .at("/*path", web::frontend)
        .at("/", web::frontend)
        // Before the share redirect and the SPA: link previews for chat apps' crawlers.
        .around(|ep, req| async move { og::cards(&ep, req).await })
        .around(|ep, req| async move { cors::content(&ep, req).await })
        .data(state);
    observe::outermost(app, observed)
}

/// Serves the app on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = Duration::from_secs(state.config.shutdown_timeout_secs);
    // Before any request: blobs a stopped process stored without committing their rows.
    if let Err(e) =
        storage::pending::recover(&state.config.data_dir, &state.db, &state.storage).await
    {
        tracing::warn!(error = %e, "could not read the journals of pending blobs");
    }
    // The periodic jobs are tasks: queued here once per period (by one instance of those
    // sharing the database), run by the queue's workers of any instance.
    let scheduler = state
        .config
        .scheduled_jobs
        .then(|| jobs::schedule::spawn(state.clone()));
    // Scheduled backups, queued the same way: one run per task and due time.
    let backups = state
        .config
        .scheduled_jobs
        .then(|| backup::schedule::spawn(state.clone()));
    let queues = queue::worker::spawn(state.clone());
    // The S3 endpoint, on its own listener when `s3.listen` is set.
    let s3 = start_s3(&state).await?;
    // A thumbnail tool that is enabled but cannot be run shows in the log at start.
    tokio::spawn(thumb::version::log_at_start(state.clone()));
    let acceptor = net::GuardedAcceptor::new(
        listener,
        net::Limits::of(&state.config),
        state.config.proxies(),
    )?;
    // Event streams never end by themselves: they are closed (their cursors saved) when the
    // server begins to stop, so the drain does not wait for them.
    let streams = state.clone();
    let shutdown = async move {
        shutdown.await;
        fs_events::close_all(&streams);
    };
    let result = Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(build_app(state.clone()), shutdown, Some(grace))
        .await;
    fs_events::save_cursors(&state).await;
    if let Some(scheduler) = scheduler {
        scheduler.abort();
    }
    if let Some(backups) = backups {
        backups.abort();
    }
    queues.abort();
    if let Some(s3) = s3 {
        s3.abort();
    }
    result
}

/// Serves the S3 endpoint as the main listener is served (the acceptor's connection limits and
/// timeouts, the request log and metrics) until the task is aborted; `None` when it is off.
async fn start_s3(state: &AppState) -> std::io::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some((listener, endpoint)) = s3::bind(state).await? else {
        return Ok(None);
    };
    let limits = net::Limits::of(&state.config);
    let acceptor = net::GuardedAcceptor::new(listener, limits, state.config.proxies())?;
    let app = observe::outermost(endpoint, state.clone());
    Ok(Some(tokio::spawn(async move {
        if let Err(e) = Server::new_with_acceptor(acceptor).run(app).await {
            tracing::warn!(error = %e, "the S3 endpoint stopped");
        }
    })))
}

/// Serves a slave node's routes on `listener` until `shutdown` resolves.
pub async fn serve_slave(
    listener: tokio::net::TcpListener,
    slave: slave::Slave,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = Duration::from_secs(config.shutdown_timeout_secs);
    let limits = net::Limits::of(config);
    let body_timeout = limits.body_timeout;
    let acceptor = net::GuardedAcceptor::new(listener, limits, config.proxies())?;
    let app = api::slave::routes(slave)
        .around(move |ep, req| async move { Ok(net::track(&ep, req, body_timeout).await) });
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(app, shutdown, Some(grace))
        .await
}

/// `stratus serve --mode slave`: check the node secret, bind and serve the slave routes.
pub async fn run_slave(config: Config) -> anyhow::Result<()> {
    let slave = slave::Slave::new(&config)?;
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    tracing::info!(addr = %listener.local_addr()?, "Stratus slave node is listening");
    serve_slave(listener, slave, &config, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// `stratus serve`: init, print the first-start banner, bind and serve until a signal.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let (state, admin) = init(config, true).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    if let Some(admin) = admin {
        print_admin_banner(&admin, addr);
    }
    tracing::info!(%addr, "Stratus is listening on http://{addr}");
    serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_admin_banner(admin: &InitialAdmin, addr: std::net::SocketAddr) {
    let line = "=".repeat(64);
    let banner = format!(
        "\n{line}\n  First start: an administrator account was created.\n\n    E-mail:   {}\n    Password: {}\n\n  Sign in at http://{addr} and change this password.\n  It is shown only this once.\n{line}",
        admin.email, admin.password
    );
    tracing::warn!(target: "stratus::first_start", "{banner}");
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn every_declared_task_type_has_a_handler() {
        let handled: BTreeSet<_> = super::task_handlers().iter().map(|h| h.name()).collect();
        let declared: BTreeSet<_> = crate::queue::kinds::KINDS.iter().map(|k| k.name).collect();
        let missing: Vec<_> = declared.difference(&handled).collect();
        assert!(
            missing.is_empty(),
            "declared without a handler: {missing:?}"
        );
    }
}
