//! What the generated OpenAPI document cannot say through the handlers' types, added to it
//! once: the error envelope every answer may be instead of the declared one (a stream, a
//! download or a bare OAuth object is refused with the envelope before it starts), and the
//! HTTP 429 of the routes that throttle.

use serde_json::{Map, Value, json};

/// The media type of every envelope.
const JSON: &str = "application/json; charset=utf-8";
/// The name of the error envelope's schema.
const ERROR_ENVELOPE: &str = "ErrorEnvelope";

/// Operations that answer HTTP 429 (with `Retry-After` where the wait is known): the
/// sign-in and password routes throttle failed attempts per account and address, the
/// captcha per address, shares per wrong password, share uploads per share, progress
/// streams per user, archive listings when every reader slot is busy.
const THROTTLED: &[&str] = &[
    "create_session",
    "create_session_2fa",
    "start_passkey_login",
    "finish_passkey_login",
    "reset_password",
    "update_user_setting",
    "get_captcha",
    "get_share_info",
    "upload_to_share",
    "stream_task_progress",
    "list_archive_files",
];

/// `spec` (the generated document) with the declarations above added.
pub fn complete(spec: &str) -> String {
    let mut doc: Value = serde_json::from_str(spec).expect("poem-openapi writes valid JSON");
    doc["components"]["schemas"][ERROR_ENVELOPE] = error_envelope();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in operation.values_mut() {
                complete_operation(op);
            }
        }
    }
    let mut out = serde_json::to_string_pretty(&doc).expect("a JSON value serializes");
    out.push('\n');
    out
}

fn complete_operation(op: &mut Value) {
    let throttled = op["operationId"]
        .as_str()
        .is_some_and(|id| THROTTLED.contains(&id));
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    if let Some(content) = responses
        .get_mut("200")
        .and_then(|ok| ok["content"].as_object_mut())
    {
        allow_envelope(content);
    }
    if throttled {
        responses.insert("429".into(), too_many_requests());
    }
}

/// A 200 answer may be the error envelope: added as its own media type beside a stream or a
/// download, or as an alternative to a JSON body that is not an envelope.
fn allow_envelope(content: &mut Map<String, Value>) {
    let reference = json!({"$ref": format!("#/components/schemas/{ERROR_ENVELOPE}")});
    match content.get_mut(JSON) {
        None => {
            content.insert(JSON.into(), json!({"schema": reference}));
        }
        Some(media) => {
            let is_envelope = media["schema"]["$ref"]
                .as_str()
                .is_some_and(|r| r.starts_with("#/components/schemas/Envelope"));
            if !is_envelope && media["schema"].is_object() {
                let schema = media["schema"].take();
                media["schema"] = json!({"anyOf": [schema, reference]});
            }
        }
    }
}

/// `{code, msg, ...}` with a non-zero code: what any route answers when it refuses.
fn error_envelope() -> Value {
    json!({
        "type": "object",
        "title": ERROR_ENVELOPE,
        "description": "A refusal: `code` is not 0 and `msg` says why.",
        "required": ["code", "msg"],
        "properties": {
            "code": {"type": "integer", "format": "int32"},
            "msg": {"type": "string"},
            "data": {},
            "error": {"type": "string"},
            "correlation_id": {"type": "string"},
            "aggregated_error": {"type": "object"}
        }
    })
}

fn too_many_requests() -> Value {
    json!({
        "description": "Too many attempts: the envelope with code 429 (or a route's own \
                        throttle code), and `Retry-After` in seconds where the wait is known.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": false,
                "schema": {"type": "integer", "format": "int64"}
            }
        },
        "content": {(JSON): {"schema": {"$ref": format!("#/components/schemas/{ERROR_ENVELOPE}")}}}
    })
}
