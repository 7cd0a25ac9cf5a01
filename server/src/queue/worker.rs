//! The dispatchers: one per queue and process, claiming due tasks of the types this process
//! runs while fewer than the queue's `worker_num` run, and running each with its lease
//! renewed until it ends.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use stratus_entity::task;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{QUEUES, Registry, TaskCtx, TaskError, settings::QueueSettings, store};
use crate::state::AppState;

/// How often an idle dispatcher looks for tasks other processes queued, or whose lease ran
/// out. A task submitted in this process wakes its dispatcher at once.
const POLL: Duration = Duration::from_secs(1);

/// How often a running task's reports are stored (when they changed).
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// The lease is renewed when a third of it has passed.
const RENEW_EVERY: Duration = Duration::from_secs(store::LEASE.as_secs() / 3);

/// Runs the dispatchers of every queue until the returned task is aborted; aborting it stops
/// the running tasks too (their leases run out, and another worker takes them up again).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        join_all(QUEUES.iter().map(|q| dispatch(state.clone(), q))).await;
    })
}

async fn dispatch(state: AppState, queue: &'static str) {
    let registry = Registry::of(&state);
    let mut runs = JoinSet::new();
    loop {
        while runs.try_join_next().is_some() {}
        let types = registry.types_of(queue);
        if !types.is_empty() {
            match QueueSettings::read(&state.settings, queue).await {
                Ok(settings) if runs.len() < settings.workers => {
                    let claim = store::claim(
                        &state.db,
                        queue,
                        &types,
                        registry.instance(),
                        settings.per_user,
                    );
                    match claim.await {
                        Ok(Some(task)) => {
                            runs.spawn(run(state.clone(), task, settings));
                            continue;
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(queue, error = %e, "cannot claim a task"),
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(queue, error = %e, "cannot read the queue's settings"),
            }
        }
        tokio::select! {
            _ = registry.woken(queue) => {}
            Some(_) = runs.join_next(), if !runs.is_empty() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Runs one claimed task to its end, or until it is canceled or lost.
async fn run(state: AppState, task: task::Model, settings: QueueSettings) {
    let registry = Registry::of(&state);
    let id = task.id;
    let cancel = CancellationToken::new();
    let ctx = TaskCtx::new(
        state.clone(),
        task,
        registry.instance().to_owned(),
        cancel.clone(),
    );
    let Some(kind) = registry.kind(&ctx.task().r#type) else {
        return;
    };
    registry.started(id, cancel.clone());
    let started = Instant::now();
    let outcome = {
        let work = tokio::time::timeout(settings.max_execution, kind.run(&ctx));
        // The lease is renewed beside the work, not between its polls: on SQLite a renewal
        // waits for the write lock, which the work may hold in an open transaction that only
        // ends when the work is polled again.
        let renewer = renew_while_held(&state, &ctx);
        tokio::pin!(work, renewer);
        tokio::select! {
            done = &mut work => Some(done.unwrap_or_else(|_| {
                Err(TaskError::Retry("the task ran longer than the queue allows".into()))
            })),
            _ = cancel.cancelled() => None,
            () = &mut renewer => None,
        }
    };
    registry.ended(id);
    let elapsed = started.elapsed();
    let stored = match outcome {
        // Canceled, or taken up elsewhere: whoever holds the task now decides.
        None | Some(Err(TaskError::Lost)) => return,
        Some(Ok(())) => store::complete(&state.db, &ctx, elapsed).await,
        Some(Err(err)) => {
            tracing::info!(task = id, error = %err, "task failed");
            store::fail(&state.db, &ctx, &err, &settings, elapsed).await
        }
    };
    if let Err(e) = stored {
        tracing::warn!(task = id, error = %e, "cannot store a task's outcome");
    }
}

/// Stores the task's reports and renews its lease when a third of it has passed; returns
/// once the task is no longer held by this worker.
async fn renew_while_held(state: &AppState, ctx: &TaskCtx) {
    let id = ctx.task().id;
    let mut tick = tokio::time::interval(REPORT_EVERY);
    let mut renewed = Instant::now();
    loop {
        tick.tick().await;
        if !ctx.dirty() && renewed.elapsed() < RENEW_EVERY {
            continue;
        }
        match store::renew(&state.db, ctx).await {
            Ok(true) => renewed = Instant::now(),
            Ok(false) => return,
            Err(e) => tracing::warn!(task = id, error = %e, "cannot renew a task's lease"),
        }
    }
}
