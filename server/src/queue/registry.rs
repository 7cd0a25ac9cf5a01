//! The task types this process runs and the tasks it is running now, kept in a slot of
//! `AppState`. Each process (each `AppState`) is one worker identity in `claimed_by`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{QUEUES, TaskKind};
use crate::state::AppState;

pub struct Registry {
    instance: String,
    kinds: RwLock<HashMap<&'static str, Arc<dyn TaskKind>>>,
    running: Mutex<HashMap<i64, CancellationToken>>,
    wake: HashMap<&'static str, Notify>,
}

impl Registry {
    /// The state's registry.
    pub fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Self {
            instance: format!("stratus-{}", uuid::Uuid::new_v4()),
            kinds: RwLock::default(),
            running: Mutex::default(),
            wake: QUEUES.iter().map(|q| (*q, Notify::new())).collect(),
        })
    }

    /// Makes this process run tasks of `kind`. Registering a type again replaces it.
    pub fn register(&self, kind: Arc<dyn TaskKind>) {
        let queue = kind.queue();
        self.kinds.write().expect("kinds").insert(kind.name(), kind);
        self.wake(queue);
    }

    pub fn kind(&self, name: &str) -> Option<Arc<dyn TaskKind>> {
        self.kinds.read().expect("kinds").get(name).cloned()
    }

    /// The task types of `queue` this process runs: it claims only those.
    pub fn types_of(&self, queue: &str) -> Vec<&'static str> {
        let mut types: Vec<_> = self
            .kinds
            .read()
            .expect("kinds")
            .values()
            .filter(|k| k.queue() == queue)
            .map(|k| k.name())
            .collect();
        types.sort_unstable();
        types
    }

    /// This process's worker identity (`claimed_by`).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Wakes the dispatcher of `queue` (a task was submitted here).
    pub fn wake(&self, queue: &str) {
        if let Some(n) = self.wake.get(queue) {
            n.notify_one();
        }
    }

    pub(crate) async fn woken(&self, queue: &str) {
        match self.wake.get(queue) {
            Some(n) => n.notified().await,
            None => std::future::pending().await,
        }
    }

    pub(crate) fn started(&self, id: i64, cancel: CancellationToken) {
        self.running.lock().expect("running").insert(id, cancel);
    }

    pub(crate) fn ended(&self, id: i64) {
        self.running.lock().expect("running").remove(&id);
    }

    /// Stops the run of task `id` if this process is running it.
    pub fn stop(&self, id: i64) {
        if let Some(token) = self.running.lock().expect("running").get(&id) {
            token.cancel();
        }
    }

    /// Tasks this process is running now.
    pub fn busy(&self) -> usize {
        self.running.lock().expect("running").len()
    }
}
