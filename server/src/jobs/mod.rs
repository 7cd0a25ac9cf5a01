//! Periodic jobs as scheduled tasks. Each job (`periodic.rs`) is a task type on the `recycle`
//! queue; `schedule.rs` queues one task per job and period, keyed `<job>@<period start>` in
//! the unique `tasks.schedule_key`, so of several instances sharing a database one queues
//! each period and one worker runs it, with the queue's retries and error history.
//! `settings::period` reads a `cron_*` setting as a period.

pub mod periodic;
pub mod schedule;

use std::sync::Arc;

use crate::{queue::Registry, state::AppState};

/// Makes this process run the periodic jobs' tasks.
pub fn register(state: &AppState) {
    let registry = Registry::of(state);
    for job in periodic::JOBS {
        registry.register(Arc::new(job.clone()));
    }
}
