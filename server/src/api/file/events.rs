//! `GET /file/events` (spec 4.18 §3): the file event stream, in the wire's words. The service
//! (`fs_events`) says what happens; this file writes it as Cloudreve's SSE frames:
//! `event:<name>\ndata:<payload>\n\n`, `<nil>` for messages without payload.

use futures_util::StreamExt;
use poem::{
    Body, Request, Response,
    http::{StatusCode, header},
    web::Data,
};
use poem_openapi::{
    OpenApi,
    param::Query,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef},
};
use serde_json::json;

use crate::api::raw::{Described, Raw};
use crate::api::{
    ApiTags,
    envelope::{ApiError, ErrorCode},
};
use crate::{
    caller::Caller,
    fs::changes::ChangeKind,
    fs_events::{self, merge::Event, stream::Message},
    ids::{HashIds, IdKind},
    request_ctx::CLIENT_ID_HEADER,
    state::AppState,
    stream_places::{StreamKind, StreamPlace},
};

pub struct FileEventsApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileEventsApi {
    /// Changes below a folder of the caller's drive (`cloudreve://my/…`) or of a folder share,
    /// as `text/event-stream`: `subscribed` (new subscription) or `resumed` (the client id was
    /// subscribed to this folder before: what it missed follows), then `event` messages
    /// (`{type, file_id, from, to}`, paths relative to the folder, debounced and merged per
    /// file), `keep-alive` every 30 s, and `reconnect-required` when changes it missed were
    /// pruned. `X-Cr-Client-Id` (a UUID) names the subscription; changes made by requests
    /// carrying the same id are not sent back. Errors before the stream are envelopes; one
    /// user may have `max_event_streams_per_user` open on one instance (429 past that). The
    /// stream ends when the caller may no longer see the folder: the share it was opened
    /// through is deleted, expires or takes another password, the session ends (sign-out),
    /// the account is banned.
    #[oai(path = "/file/events", method = "get", operation_id = "file_events")]
    async fn events(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        /// The folder's URI.
        uri: Query<Option<String>>,
    ) -> Result<EventStreamResponse, ApiError> {
        let Some(uri) = uri.0.filter(|u| !u.is_empty()) else {
            return Err(ApiError::new(ErrorCode::ParamError, "uri is required"));
        };
        let me = caller.signed_in()?;
        // Held by the body: given back when the stream ends or the client goes.
        let place = StreamPlace::take(&state, StreamKind::FileEvents, me.user.id)?;
        let stream =
            fs_events::subscribe(&state, &caller, &uri, req.header(CLIENT_ID_HEADER)).await?;
        let ids = state.ids.clone();
        let frames = stream.messages().map(move |message| {
            let _held = &place;
            Ok::<_, std::io::Error>(frame(&ids, message))
        });
        let resp = Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/event-stream")
            .header(header::CACHE_CONTROL, "no-cache")
            .header(header::CONNECTION, "keep-alive")
            .header("X-Accel-Buffering", "no")
            .body(Body::from_bytes_stream(frames));
        Ok(EventStreamResponse::from(resp))
    }
}

/// One message as its SSE frame.
fn frame(ids: &HashIds, message: Message) -> bytes::Bytes {
    let (name, data) = match message {
        Message::Subscribed => ("subscribed", None),
        Message::Resumed => ("resumed", None),
        Message::KeepAlive => ("keep-alive", None),
        Message::ReconnectRequired => ("reconnect-required", None),
        Message::Event(event) => ("event", Some(payload(ids, &event))),
    };
    let data = data.unwrap_or_else(|| "<nil>".to_owned());
    format!("event:{name}\ndata:{data}\n\n").into()
}

/// The `event` payload (spec 4.18 §3.3): one object; `to` always present.
fn payload(ids: &HashIds, event: &Event) -> String {
    let kind = match event.kind {
        ChangeKind::Create => "create",
        ChangeKind::Modify => "modify",
        ChangeKind::Rename => "rename",
        ChangeKind::Delete => "delete",
    };
    json!({
        "type": kind,
        "file_id": ids.encode(event.file_id, IdKind::File),
        "from": event.from,
        "to": event.to.as_deref().unwrap_or(""),
    })
    .to_string()
}

/// The event stream (or an error envelope), described for the document.
pub type EventStreamResponse = Raw<EventStreamDoc>;

/// How the document describes [`EventStreamResponse`].
pub struct EventStreamDoc;

impl Described for EventStreamDoc {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The stream (errors before it are envelopes, `application/json`).",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "text/event-stream",
                    schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
                }],
                headers: vec![],
            }],
        }
    }
}
