//! The generator's worker slots: as many as `queue_thumb_worker_num` asks (at most the CPU
//! count), read from the cached settings on each generation, so a change applies without a
//! restart.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::settings::Settings;

pub struct WorkerSlots {
    slots: Arc<Semaphore>,
    /// How many slots `slots` stands for (0 until the first generation reads the setting).
    sized: Mutex<usize>,
}

impl Default for WorkerSlots {
    fn default() -> Self {
        Self {
            slots: Arc::new(Semaphore::new(0)),
            sized: Mutex::new(0),
        }
    }
}

impl WorkerSlots {
    /// The slots, sized from the current setting.
    pub async fn current(&self, settings: &Settings) -> &Semaphore {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        let wanted = settings
            .int("queue_thumb_worker_num", cpus as i64)
            .await
            .unwrap_or(cpus as i64);
        self.resize(usize::try_from(wanted).unwrap_or(1).clamp(1, cpus));
        &self.slots
    }

    /// Makes the slots `wanted`. More slots are free at once; fewer take effect as running
    /// generations end: a task takes the surplus as it is released and never gives it back.
    fn resize(&self, wanted: usize) {
        let mut sized = self.sized.lock().unwrap_or_else(|e| e.into_inner());
        if wanted > *sized {
            self.slots.add_permits(wanted - *sized);
        } else if wanted < *sized {
            let surplus = u32::try_from(*sized - wanted).unwrap_or(u32::MAX);
            let slots = Arc::clone(&self.slots);
            tokio::spawn(async move {
                if let Ok(taken) = slots.acquire_many_owned(surplus).await {
                    taken.forget();
                }
            });
        }
        *sized = wanted;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Waits (bounded) until `n` slots are free.
    async fn free_slots(w: &WorkerSlots, n: usize) {
        for _ in 0..500 {
            if w.slots.available_permits() == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("{} slots free, not {n}", w.slots.available_permits());
    }

    #[tokio::test]
    async fn the_slots_follow_the_setting_without_a_restart() {
        let w = WorkerSlots::default();
        w.resize(3);
        free_slots(&w, 3).await;
        let busy = Arc::clone(&w.slots).acquire_many_owned(2).await.unwrap();
        w.resize(1);
        // Two generations still run: no slot is free until they end.
        free_slots(&w, 0).await;
        drop(busy);
        free_slots(&w, 1).await;
        w.resize(4);
        free_slots(&w, 4).await;
    }
}
