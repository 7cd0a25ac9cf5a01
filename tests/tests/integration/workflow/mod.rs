//! The task queue and the `/workflow` routes.

use std::time::Duration;

use sea_orm::EntityTrait;
use stratus_entity::task;
use stratus_tests::TestServer;

mod archive;
mod aria2;
mod aria2_guard;
pub mod extract;
mod fairness;
mod import;
mod jobs;
mod killed;
mod log_lines;
pub mod media_meta;
pub mod origin;
mod queue;
mod relocate;
pub mod remote_download;
mod routes;

/// Polls `task` until `done` holds for it, for at most 60 s.
pub async fn wait_task(
    server: &TestServer,
    id: i64,
    what: &str,
    done: impl Fn(&task::Model) -> bool,
) -> task::Model {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let row = task::Entity::find_by_id(id)
            .one(&server.state.db)
            .await
            .unwrap()
            .expect("task row");
        if done(&row) {
            return row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "task {id} never {what}: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
