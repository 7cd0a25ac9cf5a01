//! Tasks as `TaskResponse` and their stored progress as the progress map.

use std::collections::BTreeMap;

use serde_json::Value;
use stratus_entity::task;

use crate::{
    api::dto::task::{TaskLogLine, TaskProgress, TaskResponse, TaskSummary},
    ids::{HashIds, IdKind},
    queue::log_line,
};

pub fn task(ids: &HashIds, row: &task::Model) -> TaskResponse {
    let public = &row.public_state;
    let summary = public.get("summary").map(|s| TaskSummary {
        phase: s.get("phase").and_then(Value::as_str).map(str::to_owned),
        props: s.get("props").cloned(),
    });
    let history = public
        .get("error_history")
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .map(|e| e.as_str().unwrap_or_default().to_owned())
                .collect()
        });
    TaskResponse {
        created_at: row.created_at,
        updated_at: row.updated_at,
        id: ids.encode(row.id, IdKind::Task),
        status: row.status.clone(),
        kind: row.r#type.clone(),
        summary,
        error: public
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned),
        error_history: history,
        // Stored in nanoseconds, as Cloudreve stores a duration.
        duration: public
            .get("executed_duration")
            .and_then(Value::as_i64)
            .map(|ns| ns / 1_000_000),
        resume_time: public.get("resume_time").and_then(Value::as_i64),
        retry_count: public.get("retry_count").and_then(Value::as_i64),
    }
}

/// The progress stored with a task, `{key: {total, current, identifier}}`.
pub fn progress(row: &task::Model) -> BTreeMap<String, TaskProgress> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&row.progress) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .map(|(k, v)| {
            let p = TaskProgress {
                total: v.get("total").and_then(Value::as_i64).unwrap_or(0),
                current: v.get("current").and_then(Value::as_i64).unwrap_or(0),
                identifier: v
                    .get("identifier")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            };
            (k, p)
        })
        .collect()
}

/// The lines of a task's log, keyed.
pub fn log_lines(row: &task::Model) -> Vec<TaskLogLine> {
    log_line::lines(&row.log)
        .into_iter()
        .map(log_line)
        .collect()
}

pub fn log_line(line: log_line::LogLine) -> TaskLogLine {
    TaskLogLine {
        key: line.key,
        args: Value::Object(line.args),
        text: line.text,
    }
}
