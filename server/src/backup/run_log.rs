//! A run's log: lines go to the record's `log` column (appended, at most a second late, for
//! the live stream) and to the queue task's own short log.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Mutex;

use super::records;
use crate::{
    queue::{LogLine, TaskCtx},
    state::AppState,
};

/// How often waiting lines are written.
const FLUSH: Duration = Duration::from_secs(1);

pub struct RunLog {
    state: AppState,
    record_id: i64,
    waiting: Arc<Mutex<String>>,
    flusher: tokio::task::JoinHandle<()>,
    /// When lines were last written here; a line after a quiet second is written at once.
    written: std::sync::Mutex<Option<Instant>>,
}

impl RunLog {
    pub fn new(state: &AppState, record_id: i64) -> Self {
        let waiting = Arc::new(Mutex::new(String::new()));
        let flusher = {
            let (state, waiting) = (state.clone(), waiting.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(FLUSH).await;
                    flush(&state, record_id, &waiting).await;
                }
            })
        };
        Self {
            state: state.clone(),
            record_id,
            waiting,
            flusher,
            written: std::sync::Mutex::new(None),
        }
    }

    /// Adds a line, stamped with the time: its English text to the record's log, the line
    /// with its key to the task's.
    pub async fn line(&self, ctx: &TaskCtx, line: LogLine) {
        let text = line.text.replace('\n', " ");
        ctx.log(line);
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
        self.waiting
            .lock()
            .await
            .push_str(&format!("{stamp} {text}\n"));
        let due = {
            let mut written = self.written.lock().expect("written");
            let due = written.is_none_or(|at| at.elapsed() >= FLUSH);
            if due {
                *written = Some(Instant::now());
            }
            due
        };
        if due {
            flush(&self.state, self.record_id, &self.waiting).await;
        }
    }

    /// Writes what waits now: a record must hold its last lines before it shows as ended.
    pub async fn flush(&self) {
        flush(&self.state, self.record_id, &self.waiting).await;
    }

    /// Writes what waits and stops the flusher.
    pub async fn close(self) {
        self.flusher.abort();
        flush(&self.state, self.record_id, &self.waiting).await;
    }
}

impl Drop for RunLog {
    fn drop(&mut self) {
        self.flusher.abort();
    }
}

async fn flush(state: &AppState, record_id: i64, waiting: &Mutex<String>) {
    let mut waiting = waiting.lock().await;
    if waiting.is_empty() {
        return;
    }
    match records::append_log(&state.db, record_id, &waiting).await {
        Ok(()) => waiting.clear(),
        Err(e) => tracing::warn!(error = %e, record_id, "cannot write the backup log"),
    }
}
