//! `/admin/backup/record`: backup records (list, detail with the log, delete, batch delete)
//! and the live log (`text/event-stream`).

use std::time::Duration;

use futures_util::{StreamExt, stream::BoxStream};
use poem::web::{Data, sse::Event};
use poem_openapi::{OpenApi, param::Path, payload::EventStream};
use serde_json::{Value, json};

use super::{
    backup_dto::{RecordDetail, RecordList, RecordRow},
    dto::{AdminListRequest, BatchIds, pagination},
};
use crate::{
    admin::{Actor, audit},
    api::{
        ApiTags,
        envelope::{ApiError, ApiResult, done, ok},
        json::ApiJson,
    },
    backup::records,
    state::AppState,
};

/// How often a log stream looks for new lines.
const POLL: Duration = Duration::from_millis(500);

pub struct AdminBackupRecordApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminBackupRecordApi {
    /// Lists backup records. Conditions: `task_id`, `target_id`, `status`, `trigger`,
    /// `created_after`, `created_before` (RFC 3339).
    #[oai(
        path = "/admin/backup/record",
        method = "post",
        operation_id = "list_backup_records"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<RecordList> {
        let q = body.query()?;
        let page = records::list(&state, &q).await?;
        ok(RecordList {
            records: page.rows.iter().map(RecordRow::of).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A record with its log so far.
    #[oai(
        path = "/admin/backup/record/:id",
        method = "get",
        operation_id = "get_backup_record"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<RecordDetail> {
        let row = records::find(&state.db, id.0).await?;
        ok(RecordDetail {
            record: RecordRow::of(&row),
            log: row.log,
        })
    }

    /// Deletes a record (not a running one): its manifest, then the blobs no other record
    /// of the target needs.
    #[oai(
        path = "/admin/backup/record/:id",
        method = "delete",
        operation_id = "delete_backup_record"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let rows = records::delete(&state, &[id.0]).await?;
        for row in rows {
            audit::record(
                &state,
                &actor,
                "backup_record",
                Some(row.id),
                "delete",
                json!({"name": row.name}),
            )
            .await;
        }
        done()
    }

    /// Deletes records, as one by one.
    #[oai(
        path = "/admin/backup/record/batch/delete",
        method = "post",
        operation_id = "delete_backup_records"
    )]
    async fn delete_many(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        let rows = records::delete(&state, &body.ids).await?;
        for row in rows {
            audit::record(
                &state,
                &actor,
                "backup_record",
                Some(row.id),
                "delete",
                json!({"name": row.name}),
            )
            .await;
        }
        done()
    }

    /// The record's log as a live stream (`text/event-stream`): `log` events (one line each,
    /// from the first), then a `status` event with the record once its run ended, which
    /// ends the stream.
    #[oai(
        path = "/admin/backup/record/:id/log/stream",
        method = "get",
        operation_id = "stream_backup_record_log"
    )]
    async fn stream(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> Result<EventStream<BoxStream<'static, Value>>, ApiError> {
        records::find(&state.db, id.0).await?;
        let watch = Watch {
            state: state.clone(),
            id: id.0,
            sent: 0,
            first: true,
            ended: false,
        };
        let events = futures_util::stream::unfold(watch, next_events)
            .flat_map(futures_util::stream::iter)
            .boxed();
        Ok(EventStream::new(events)
            .keep_alive(Duration::from_secs(15))
            .to_event(|v: Value| {
                let data = match &v["data"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Event::message(data).event_type(v["event"].as_str().unwrap_or("message"))
            }))
    }
}

struct Watch {
    state: AppState,
    id: i64,
    /// Bytes of the log already sent.
    sent: usize,
    first: bool,
    ended: bool,
}

/// The next batch of events: new log lines, and the record once it ended.
async fn next_events(mut w: Watch) -> Option<(Vec<Value>, Watch)> {
    if w.ended {
        return None;
    }
    loop {
        if !w.first {
            tokio::time::sleep(POLL).await;
        }
        w.first = false;
        let row = match records::find(&w.state.db, w.id).await {
            Ok(row) => row,
            Err(_) => {
                w.ended = true;
                return Some((
                    vec![json!({"event": "status", "data": {"deleted": true}})],
                    w,
                ));
            }
        };
        let mut out = Vec::new();
        // Only whole lines: a flush appends whole lines, so a partial one never shows.
        let log = row.log.get(w.sent..).unwrap_or("");
        if let Some(end) = log.rfind('\n') {
            for line in log[..end].split('\n') {
                out.push(json!({"event": "log", "data": line}));
            }
            w.sent += end + 1;
        }
        if !records::LIVE.contains(&row.status.as_str()) {
            w.ended = true;
            let record =
                serde_json::to_value(poem_openapi::types::ToJSON::to_json(&RecordRow::of(&row)))
                    .unwrap_or(Value::Null);
            out.push(json!({"event": "status", "data": record}));
        }
        if !out.is_empty() {
            return Some((out, w));
        }
    }
}
