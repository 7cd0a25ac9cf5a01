//! The periodic jobs, each a task type on the `recycle` queue. A run does what the job always
//! did (each job deletes by condition, so a run that is cut off and run again is harmless);
//! a failure is retried by the queue and kept in the task's error history.

use std::time::Duration;

use futures_util::{FutureExt, future::BoxFuture};

use crate::{
    fs, fs_events, health, kv,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    state::AppState,
    upload,
};

/// What a job does: the rows it handled, or why it failed.
type Work = for<'a> fn(&'a AppState) -> BoxFuture<'a, Result<u64, String>>;

/// One periodic job.
#[derive(Clone)]
pub struct Periodic {
    /// Its task type.
    pub name: &'static str,
    /// The `cron_*` setting holding its period, if it has one.
    pub setting: Option<&'static str>,
    /// The period when the setting is missing or not a period.
    pub default: Duration,
    work: Work,
}

/// Every periodic job.
pub const JOBS: &[Periodic] = &[
    Periodic {
        name: "entity_recycle_routine",
        setting: Some("cron_entity_collect"),
        default: Duration::from_secs(15 * 60),
        work: recycle_entities,
    },
    Periodic {
        name: "trash_bin_collect",
        setting: Some("cron_trash_bin_collect"),
        default: Duration::from_secs(33 * 60),
        work: collect_trash,
    },
    Periodic {
        name: "upload_sentinel_check",
        setting: None,
        default: Duration::from_secs(10 * 60),
        work: drop_expired_uploads,
    },
    Periodic {
        name: "garbage_collect",
        setting: None,
        default: Duration::from_secs(10 * 60),
        work: purge_expired_state,
    },
    Periodic {
        name: "fs_event_retention",
        setting: None,
        default: Duration::from_secs(60 * 60),
        work: prune_fs_events,
    },
    Periodic {
        name: "directory_account_check",
        setting: None,
        default: Duration::from_secs(60 * 60),
        work: check_directory_accounts,
    },
    Periodic {
        name: "node_health_check",
        setting: None,
        default: Duration::from_secs(60),
        work: check_nodes,
    },
];

/// The job of task type `name`.
pub fn job(name: &str) -> Option<&'static Periodic> {
    JOBS.iter().find(|j| j.name == name)
}

impl TaskKind for Periodic {
    fn name(&self) -> &'static str {
        self.name
    }

    fn queue(&self) -> &'static str {
        queue::RECYCLE
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            let rows = (self.work)(&ctx.state).await.map_err(TaskError::Retry)?;
            ctx.progress(self.name, rows as i64, rows as i64, "");
            ctx.log(
                LogLine::new("job.rows")
                    .arg("job", self.name)
                    .arg("rows", rows),
            );
            if rows > 0 {
                tracing::info!(job = self.name, rows, "housekeeping");
            }
            Ok(())
        }
        .boxed()
    }
}

fn recycle_entities(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move { fs::recycle::collect(state).await.map_err(|e| e.to_string()) }.boxed()
}

fn collect_trash(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move {
        fs::trash::collect_expired(state)
            .await
            .map_err(|e| e.to_string())
    }
    .boxed()
}

/// Expired upload sessions, and chunked transfers abandoned by their clients.
fn drop_expired_uploads(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move {
        let sessions = upload::collect_expired_sessions(state)
            .await
            .map_err(|e| e.to_string())?;
        let transfers = upload::transfer::collect_abandoned(state)
            .await
            .map_err(|e| e.to_string())?;
        Ok(sessions + transfers)
    }
    .boxed()
}

/// Directory accounts whose entry is gone or disabled lose their app passwords, S3 keys,
/// WebDAV accounts and sessions.
fn check_directory_accounts(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    crate::auth::sign_in::directory_check::check_all(state).boxed()
}

/// Expired `kv` rows and expired locks (reads already ignore both; this frees the rows), and
/// the guard's records of changes past its window that no incident holds.
fn purge_expired_state(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move {
        let kv = kv::purge_expired(&state.db)
            .await
            .map_err(|e| e.to_string())?;
        let locks = fs::lock::purge_expired(&state.db)
            .await
            .map_err(|e| e.to_string())?;
        let changes = crate::guard::prune(state)
            .await
            .map_err(|e| e.to_string())?;
        Ok(kv + locks + changes)
    }
    .boxed()
}

/// File change journal rows and event subscriptions past `fs_event_push_max_age`.
fn prune_fs_events(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move {
        fs_events::retention::prune(state)
            .await
            .map_err(|e| e.to_string())
    }
    .boxed()
}

/// Every active slave node asked whether it is up (`health::nodes`).
fn check_nodes(state: &AppState) -> BoxFuture<'_, Result<u64, String>> {
    async move {
        health::nodes::check_all(state)
            .await
            .map_err(|e| e.to_string())
    }
    .boxed()
}
