//! `/workflow`: the caller's tasks (spec §2.6): lists by category, progress, the live
//! progress stream, cancel. Another user's task answers like a missing one.

use std::{collections::BTreeMap, time::Duration};

use futures_util::{StreamExt, stream::BoxStream};
use poem::web::{Data, sse::Event};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::EventStream,
};
use serde_json::{Value, json};
use stratus_entity::task;

use crate::api::{
    ApiTags,
    dto::{
        file::Pagination,
        task::{TaskList, TaskProgress, TaskResponse},
    },
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    json::ApiJson,
    present,
};
use crate::{
    archive,
    auth::caller::Caller,
    extract,
    ids::IdKind,
    queue::{Category, LogLine, QueueError, store},
    state::AppState,
    stream_places::{StreamKind, StreamPlace},
};

/// How often the stream reads its task again.
const STREAM_POLL: Duration = Duration::from_millis(500);

pub struct WorkflowApi;

/// `POST /workflow/archive`
#[derive(Debug, Object)]
pub struct ArchiveRequest {
    /// Files and folders to compress.
    pub src: Vec<String>,
    /// URI of the zip to create.
    pub dst: String,
    /// Encoding of entry names; only UTF-8 is written.
    pub encoding: Option<String>,
}

/// `POST /workflow/extract`
#[derive(Debug, Object)]
pub struct ExtractRequest {
    /// The archive (one URI).
    pub src: Vec<String>,
    /// The folder to extract into.
    pub dst: String,
    /// Encoding of zip entry names stored without the UTF-8 flag (`gbk`, `shift_jis`, ...).
    pub encoding: Option<String>,
    /// Password of an encrypted zip (ZipCrypto or AES) or 7z. Never shown in task rows, and
    /// cleared from the task once it ends.
    pub password: Option<String>,
    /// Extract only these archive paths (`/`-separated): an entry is extracted when its path
    /// equals one or starts with `<mask>/`.
    pub file_mask: Option<Vec<String>>,
}

fn task_id(state: &AppState, id: &str) -> Result<i64, ApiError> {
    state
        .ids
        .decode(id, IdKind::Task)
        .map_err(|_| ApiError::from(QueueError::NotFound))
}

#[OpenApi(tag = "ApiTags::File")]
impl WorkflowApi {
    /// Lists the caller's tasks of a `category` (`general`, `downloading`, `downloaded`),
    /// newest first, `page_size` (10–100) at a time.
    #[oai(path = "/workflow", method = "get", operation_id = "list_tasks")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        category: Query<Option<String>>,
        page_size: Query<Option<i64>>,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<TaskList> {
        let me = caller.signed_in()?;
        let category =
            Category::parse(category.0.as_deref().unwrap_or("general")).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::ParamError,
                    "category: general, downloading or downloaded",
                )
            })?;
        let size = page_size.0.unwrap_or(10);
        if !(10..=100).contains(&size) {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "page_size: must be between 10 and 100",
            ));
        }
        let before = match next_page_token.0.as_deref() {
            None | Some("") => None,
            Some(t) => Some(state.ids.decode(t, IdKind::Task).map_err(|_| {
                ApiError::new(ErrorCode::ParamError, "next_page_token: not a page token")
            })?),
        };
        let (types, statuses) = category.filter();
        let (rows, more) =
            store::page(&state.db, me.user.id, types, statuses, before, size as u64).await?;
        let next_token = more
            .then(|| rows.last().map(|r| state.ids.encode(r.id, IdKind::Task)))
            .flatten();
        ok(TaskList {
            tasks: rows
                .iter()
                .map(|r| present::task::task(&state.ids, r))
                .collect(),
            pagination: Pagination {
                page: 0,
                page_size: size,
                total_items: None,
                next_token,
                is_cursor: Some(true),
            },
        })
    }

    /// The progress stored with a task: `{key: {total, current, identifier}}`; empty for a
    /// task that is not the caller's.
    #[oai(
        path = "/workflow/progress/:id",
        method = "get",
        operation_id = "get_task_progress"
    )]
    async fn progress(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<BTreeMap<String, TaskProgress>> {
        let me = caller.signed_in()?;
        let Ok(id) = state.ids.decode(&id.0, IdKind::Task) else {
            return ok(BTreeMap::new());
        };
        match store::find(&state.db, id, Some(me.user.id)).await {
            Ok(row) => ok(present::task::progress(&row)),
            Err(QueueError::NotFound) => ok(BTreeMap::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// The task's progress as a live stream (`text/event-stream`): `progress` events (the
    /// progress map), `log` events (one line each, in English), each followed by a `log_line`
    /// event (the same line as `{key, args, text}`: its message key and arguments) and
    /// `status` events (the task), until the task ends.
    #[oai(
        path = "/workflow/progress/:id/stream",
        method = "get",
        operation_id = "stream_task_progress"
    )]
    async fn stream(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> Result<EventStream<BoxStream<'static, Value>>, ApiError> {
        let me = caller.signed_in()?;
        let id = task_id(&state, &id.0)?;
        let owner = me.user.id;
        let row = store::find(&state.db, id, Some(owner)).await?;
        let place = StreamPlace::take(&state, StreamKind::TaskProgress, owner)?;
        let watch = Watch {
            _place: place,
            state: state.clone(),
            id,
            owner,
            row: Some(row),
            seen: Seen::default(),
            ended: false,
        };
        let events = futures_util::stream::unfold(watch, next_events)
            .flat_map(futures_util::stream::iter)
            .boxed();
        Ok(EventStream::new(events)
            .keep_alive(Duration::from_secs(15))
            .to_event(|v: Value| {
                Event::message(v["data"].to_string())
                    .event_type(v["event"].as_str().unwrap_or("message"))
            }))
    }

    /// Queues a zip of `src` written to `dst` in the caller's drive (group permission bit 5).
    /// Entry names are UTF-8.
    #[oai(
        path = "/workflow/archive",
        method = "post",
        operation_id = "create_archive_task"
    )]
    async fn create_archive(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<ArchiveRequest>,
    ) -> ApiResult<TaskResponse> {
        caller.signed_in()?;
        let encoding = body.encoding.as_deref();
        let row = archive::submit(&state, &caller, &body.src, &body.dst, encoding).await?;
        ok(present::task::task(&state.ids, &row))
    }

    /// Queues the extraction of the archive `src[0]` (zip, tar, tar.gz/bz2/xz, 7z) into the
    /// folder `dst` (group permission bit 5). Zip names stored without the UTF-8 flag are
    /// decoded from `encoding`. Entries that would leave `dst` fail the task; links and
    /// special files are skipped; the group's `decompress_size` (bytes, 0 unlimited) and
    /// `max_walked_files` (entries) cap it. A failed task leaves nothing in `dst`.
    #[oai(
        path = "/workflow/extract",
        method = "post",
        operation_id = "create_extract_task"
    )]
    async fn create_extract(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<ExtractRequest>,
    ) -> ApiResult<TaskResponse> {
        caller.signed_in()?;
        let body = body.0;
        let req = extract::ExtractRequest {
            src: body.src,
            dst: body.dst,
            encoding: body.encoding,
            password: body.password,
            file_mask: body.file_mask,
        };
        let row = extract::submit(&state, &caller, req).await?;
        ok(present::task::task(&state.ids, &row))
    }
}

/// What a stream sent last.
#[derive(Default)]
struct Seen {
    progress: String,
    log: String,
    status: String,
}

struct Watch {
    _place: StreamPlace,
    state: AppState,
    id: i64,
    owner: i64,
    /// The row read but not yet turned into events.
    row: Option<task::Model>,
    seen: Seen,
    ended: bool,
}

/// The events of the next change of the task; the stream ends after the task did.
async fn next_events(mut w: Watch) -> Option<(Vec<Value>, Watch)> {
    if w.ended {
        return None;
    }
    loop {
        let row = match w.row.take() {
            Some(row) => row,
            None => {
                tokio::time::sleep(STREAM_POLL).await;
                // Deleted, or the database failed: the stream ends.
                store::find(&w.state.db, w.id, Some(w.owner)).await.ok()?
            }
        };
        let events = changes(&w.state, &mut w.seen, &row);
        w.ended = store::ENDED.contains(&row.status.as_str());
        if !events.is_empty() || w.ended {
            return Some((events, w));
        }
    }
}

/// The events telling what changed in `row` since `seen`.
fn changes(state: &AppState, seen: &mut Seen, row: &task::Model) -> Vec<Value> {
    let mut events = Vec::new();
    if row.progress != seen.progress {
        seen.progress.clone_from(&row.progress);
        let progress: BTreeMap<String, Value> = present::task::progress(row)
            .into_iter()
            .map(|(k, p)| {
                let v = json!({"total": p.total, "current": p.current, "identifier": p.identifier});
                (k, v)
            })
            .collect();
        events.push(json!({"event": "progress", "data": progress}));
    }
    if row.log != seen.log {
        // `log` carries the English text as it always has; `log_line` the same line with
        // its key and arguments, for a client that words it in its reader's language.
        for line in new_lines(&seen.log, &row.log) {
            let line = present::task::log_line(LogLine::parse(line));
            events.push(json!({"event": "log", "data": line.text}));
            let keyed = poem_openapi::types::ToJSON::to_json(&line).unwrap_or(Value::Null);
            events.push(json!({"event": "log_line", "data": keyed}));
        }
        seen.log.clone_from(&row.log);
    }
    if row.status != seen.status {
        seen.status.clone_from(&row.status);
        let shown: TaskResponse = present::task::task(&state.ids, row);
        let data = poem_openapi::types::ToJSON::to_json(&shown).unwrap_or(Value::Null);
        events.push(json!({"event": "status", "data": data}));
    }
    events
}

/// The lines of `now` that came after `before` (the log keeps its latest lines only, so the
/// first lines of `before` may be gone).
fn new_lines<'a>(before: &str, now: &'a str) -> Vec<&'a str> {
    let now_lines: Vec<&str> = now.lines().collect();
    let before_lines: Vec<&str> = before.lines().collect();
    // The longest tail of `before` that `now` starts with is what was already sent.
    for start in 0..before_lines.len() {
        let tail = &before_lines[start..];
        if now_lines.starts_with(tail) {
            return now_lines[tail.len()..].to_vec();
        }
    }
    now_lines
}

#[cfg(test)]
mod tests {
    use super::new_lines;

    #[test]
    fn new_lines_skip_what_was_sent_even_after_the_log_dropped_its_head() {
        assert_eq!(new_lines("", "a\nb\n"), vec!["a", "b"]);
        assert_eq!(new_lines("a\nb\n", "a\nb\nc\n"), vec!["c"]);
        assert_eq!(new_lines("a\nb\nc\n", "b\nc\nd\n"), vec!["d"]);
        assert_eq!(new_lines("a\n", "x\n"), vec!["x"]);
    }
}
