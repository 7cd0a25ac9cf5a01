//! Settings of the task queues and the periodic jobs: workers per queue, each queue's retries
//! and limits, and the schedules.

use super::{Kind, SECONDS};

const WORKERS: Kind = Kind::Int { min: 1, max: 1000 };

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Queues and cron
    ("queue_media_meta_worker_num", WORKERS),
    ("queue_thumb_worker_num", WORKERS),
    ("queue_recycle_worker_num", WORKERS),
    ("queue_io_intense_worker_num", WORKERS),
    ("queue_remote_download_worker_num", WORKERS),
    ("queue_notify_worker_num", WORKERS),
    ("cron_garbage_collect", Kind::Schedule),
    ("cron_entity_collect", Kind::Schedule),
    ("cron_trash_bin_collect", Kind::Schedule),
    ("cron_oauth_cred_refresh", Kind::Schedule),
];

/// Each queue's settings beyond its worker count, `queue_<queue>_<setting>` for every queue
/// (spec §14.2).
pub(super) fn per_queue(key: &str) -> Option<Kind> {
    let queue = key.strip_prefix("queue_")?;
    crate::queue::QUEUES.iter().find_map(|q| {
        let rest = queue.strip_prefix(q)?.strip_prefix('_')?;
        match rest {
            "max_execution" | "backoff_max_duration" | "retry_delay" => Some(SECONDS),
            "backoff_factor" => Some(Kind::Int { min: 1, max: 100 }),
            "max_retry" => Some(Kind::Int { min: 0, max: 1000 }),
            // 0: the default, one fewer than the workers.
            "per_user" => Some(Kind::Int { min: 0, max: 1000 }),
            _ => None,
        }
    })
}
