//! The settings of one named queue: `queue_<name>_worker_num`, `_max_execution` (seconds),
//! `_max_retry`, `_retry_delay` (seconds), `_backoff_factor`, `_backoff_max_duration`
//! (seconds), `_per_user`. A missing or unreadable value takes the default below.

use std::time::Duration;

use sea_orm::DbErr;

use crate::settings::Settings;

#[derive(Clone, Debug, PartialEq)]
pub struct QueueSettings {
    /// Tasks of this queue one process runs at a time.
    pub workers: usize,
    /// Tasks of one user this queue runs at a time, so that another user's task finds a
    /// worker while one user's pile waits; by default one fewer than the workers.
    pub per_user: usize,
    /// A run taking longer is stopped and counts as a failure.
    pub max_execution: Duration,
    /// Failures retried before the task ends in `error`.
    pub max_retry: u32,
    /// The wait before the first retry.
    pub retry_delay: Duration,
    /// Each further retry waits this many times longer...
    pub backoff_factor: f64,
    /// ...but never longer than this.
    pub backoff_max: Duration,
}

impl QueueSettings {
    pub async fn read(settings: &Settings, queue: &str) -> Result<Self, DbErr> {
        let all = settings.all().await?;
        let num = |key: &str, default: f64| -> f64 {
            all.get(&format!("queue_{queue}_{key}"))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .unwrap_or(default)
        };
        let secs = |key: &str, default: f64| Duration::from_secs_f64(num(key, default).min(1e9));
        let workers = num("worker_num", 5.0).clamp(1.0, 1000.0) as usize;
        let per_user = match num("per_user", 0.0).min(1000.0) as usize {
            0 => workers.saturating_sub(1).max(1),
            n => n,
        };
        Ok(Self {
            workers,
            per_user,
            max_execution: secs("max_execution", 86_400.0),
            max_retry: num("max_retry", 1.0).min(1000.0) as u32,
            retry_delay: secs("retry_delay", 0.0),
            backoff_factor: num("backoff_factor", 2.0).max(1.0),
            backoff_max: secs("backoff_max_duration", 60.0),
        })
    }

    /// The wait before retry number `retry` (1 for the first).
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = self
            .backoff_factor
            .powi(retry.saturating_sub(1).min(64) as i32);
        let wait = self.retry_delay.as_secs_f64() * factor;
        Duration::from_secs_f64(wait.min(self.backoff_max.as_secs_f64()).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_factor_up_to_the_cap() {
        let s = QueueSettings {
            workers: 1,
            per_user: 1,
            max_execution: Duration::from_secs(10),
            max_retry: 5,
            retry_delay: Duration::from_secs(2),
            backoff_factor: 3.0,
            backoff_max: Duration::from_secs(30),
        };
        assert_eq!(s.backoff(1), Duration::from_secs(2));
        assert_eq!(s.backoff(2), Duration::from_secs(6));
        assert_eq!(s.backoff(3), Duration::from_secs(18));
        assert_eq!(s.backoff(4), Duration::from_secs(30));
    }
}
