//! Writing recorded changes in groups. Each change waits until its row is stored, as before,
//! but the rows of the changes waiting at one moment go in one statement: one write
//! transaction for many instead of one each. On SQLite every write transaction queues for the
//! database's one write lock, behind the upload committer's batches; with one transaction per
//! overwrite, 16 clients overwriting small files paid twice the CPU per request with the guard
//! on (`bench/webdav.sh`, `GUARD=1`).

use std::sync::{Arc, OnceLock};

use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use stratus_entity::guard_change;
use tokio::sync::{mpsc, oneshot};

use crate::state::AppState;

/// Most rows in one statement.
const MAX_BATCH: usize = 128;

type Reply = oneshot::Sender<Result<(), String>>;

/// The recorder of one database: started on first use, it ends when the state holding it is
/// dropped.
pub struct Recorder {
    db: DatabaseConnection,
    queue: OnceLock<mpsc::UnboundedSender<(guard_change::ActiveModel, Reply)>>,
}

impl Recorder {
    pub fn of(state: &AppState) -> Arc<Self> {
        state.part(|s| Self {
            db: s.db.clone(),
            queue: OnceLock::new(),
        })
    }

    /// Stores `row`, in one statement with the rows recorded at the same moment.
    pub async fn record(&self, row: guard_change::ActiveModel) -> Result<(), DbErr> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(run(self.db.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send((row, reply))
            .map_err(|_| DbErr::Custom("the guard's recorder stopped".into()))?;
        match answer.await {
            Ok(result) => result.map_err(DbErr::Custom),
            Err(_) => Err(DbErr::Custom("the guard's recorder stopped".into())),
        }
    }
}

async fn run(
    db: DatabaseConnection,
    mut rx: mpsc::UnboundedReceiver<(guard_change::ActiveModel, Reply)>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let rows = batch.iter().map(|(row, _)| row.clone());
        let stored = guard_change::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await
            .map(drop)
            .map_err(|e| e.to_string());
        for (_, reply) in batch.drain(..) {
            let _ = reply.send(stored.clone());
        }
    }
}
