//! The routes of a slave node (spec §9.3), under `/api/v4/slave`, served by a process in
//! slave mode ([`crate::slave`]). Every request is signed with the node secret
//! ([`protocol::verify_request`], compared in constant time): requests from the master are
//! good for the protocol's TTL only, so one intercepted cannot be replayed later; a
//! client's chunks carry the credential the master signed for the session; downloads are
//! URLs the master signed. Answers are the `{code, msg, data}` envelope, in JSON.

mod files;
mod upload;

use poem::{
    Body, Endpoint, EndpointExt, Request, Response, Route, get,
    http::{Method, StatusCode},
    middleware::Cors,
    post, put,
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::{
    signature::SignError,
    slave::{Slave, upload::SlaveError},
    storage::{
        StorageError,
        remote::protocol::{self, Horizon, code},
    },
};

/// Largest JSON body a slave route reads.
const MAX_JSON: usize = 4 << 20;

/// The slave's routes, with `slave` as data.
pub fn routes(slave: Slave) -> impl Endpoint {
    let routes = Route::new()
        .at("/ping", post(upload::ping))
        .at("/health", post(upload::health))
        .at("/upload", put(upload::create))
        .at("/upload/complete", post(upload::complete))
        .at("/upload/:id", post(upload::chunk).delete(upload::cancel))
        .at(
            "/file/content/:node/:src/:speed/:name",
            get(files::content).head(files::content),
        )
        .at("/file/put/:src", put(files::put))
        .at("/file/head", post(files::head))
        .at("/file/delete", post(files::delete))
        .at("/file/copy", post(files::copy))
        .at("/file/thumb", post(files::thumb))
        .at("/file/list", post(files::list));
    // Browsers send chunks and fetch downloads straight from the node. The credential is a
    // header or a query parameter, never a cookie, so any origin may ask.
    let cors = Cors::new()
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers(["authorization", "content-type", "range"])
        .expose_headers(["content-range", "content-length", "content-disposition"]);
    Route::new()
        .nest(protocol::PREFIX, routes.with(cors))
        .at("/healthz", get(healthz))
        .data(slave)
}

#[poem::handler]
fn healthz() -> &'static str {
    "ok"
}

/// `{code: 0, data}`.
pub(super) fn reply(data: impl Serialize) -> Response {
    let body = json!({"code": 0, "msg": "", "data": data});
    Response::builder()
        .content_type("application/json")
        .body(body.to_string())
}

/// A refused request: the envelope's code, message and data.
#[derive(Debug)]
pub(super) struct Refusal {
    code: i32,
    msg: String,
    data: Value,
}

/// A failure in the envelope.
pub(super) fn fail(code: i32, msg: impl Into<String>, data: Value) -> Refusal {
    Refusal {
        code,
        msg: msg.into(),
        data,
    }
}

/// The envelope of `refusal`, with an HTTP status that says the same.
fn refused(refusal: Refusal) -> Response {
    let Refusal { code, msg, data } = refusal;
    let status = match code {
        code::NOT_FOUND | code::SESSION_GONE => StatusCode::NOT_FOUND,
        code::INVALID_SIGN | code::SIGN_EXPIRED => StatusCode::FORBIDDEN,
        code::RANGE => StatusCode::RANGE_NOT_SATISFIABLE,
        code::PARAM | code::CHUNK_INDEX | code::LENGTH => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let body = json!({"code": code, "msg": msg, "data": data});
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

pub(super) fn storage_failure(err: &StorageError) -> Refusal {
    let (code, msg, data) = protocol::error_reply(err);
    fail(code, msg, serde_json::to_value(data).unwrap_or(Value::Null))
}

pub(super) fn slave_failure(err: &SlaveError) -> Refusal {
    match err {
        SlaveError::Storage(e) => storage_failure(e),
        SlaveError::SessionGone => fail(code::SESSION_GONE, err.to_string(), Value::Null),
        SlaveError::ChunkIndex => fail(code::CHUNK_INDEX, err.to_string(), Value::Null),
        SlaveError::Invalid(_) => fail(code::PARAM, err.to_string(), Value::Null),
        SlaveError::Callback(_) => fail(code::CALLBACK, err.to_string(), Value::Null),
    }
}

pub(super) fn sign_failure(err: SignError) -> Refusal {
    match err {
        SignError::Expired => fail(code::SIGN_EXPIRED, "signature expired", Value::Null),
        _ => fail(code::INVALID_SIGN, "invalid signature", Value::Null),
    }
}

/// Checks the request's `Authorization` against the node secret, with the body signed as
/// `body`.
pub(super) fn verify(
    req: &Request,
    slave: &Slave,
    body: &str,
    horizon: Horizon,
) -> Result<(), Refusal> {
    let path = percent_encoding::percent_decode_str(req.original_uri().path()).decode_utf8_lossy();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let authorization = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    protocol::verify_request(
        slave.secret(),
        authorization,
        &path,
        &headers,
        body,
        horizon,
    )
    .map_err(sign_failure)
}

/// Reads a JSON body signed with the request, verified before it is parsed.
pub(super) async fn signed_json<T: DeserializeOwned>(
    req: &Request,
    body: Body,
    slave: &Slave,
) -> Result<T, Refusal> {
    let bytes = body
        .into_bytes_limit(MAX_JSON)
        .await
        .map_err(|e| fail(code::PARAM, format!("body: {e}"), Value::Null))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| fail(code::PARAM, "body: not UTF-8", Value::Null))?;
    verify(req, slave, text, Horizon::Request)?;
    serde_json::from_str(text).map_err(|e| fail(code::PARAM, format!("body: {e}"), Value::Null))
}

/// Either answer, as a response.
pub(super) fn either(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(refused)
}
