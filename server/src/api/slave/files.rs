//! `/slave/file/...`: serving, storing, describing, copying, listing and deleting blobs of
//! the node's local store.

use futures_util::TryStreamExt;
use poem::{
    Body, Request, Response,
    http::{StatusCode, header},
    web::{Data, Path, Query},
};
use serde::Deserialize;
use serde_json::Value;

use super::{Refusal, either, fail, reply, signed_json, storage_failure, verify};
use crate::{
    download::headers::{RangeRequest, parse_range},
    signature,
    slave::Slave,
    storage::{
        ByteStream, StorageDriver, ThumbJob,
        remote::protocol::{self, Copy, DeleteFiles, Failed, Horizon, KeyBody, Object, code},
    },
};

#[derive(Debug, Deserialize)]
pub(super) struct ContentQuery {
    #[serde(default)]
    disposition: String,
    #[serde(default, rename = "type")]
    content_type: String,
    #[serde(default)]
    sign: String,
}

fn key_of(src: &str) -> Result<String, Refusal> {
    protocol::decode_key(src).ok_or_else(|| fail(code::PARAM, "src: not a key", Value::Null))
}

/// `GET`/`HEAD /file/content/:node/:src/:speed/:name`: a blob, or the range asked, for a
/// URL the master signed.
#[poem::handler]
pub(super) async fn content(
    req: &Request,
    Path((_node, src, _speed, _name)): Path<(String, String, String, String)>,
    Query(q): Query<ContentQuery>,
    slave: Data<&Slave>,
) -> Response {
    let served = async {
        protocol::check_horizon(&q.sign, Horizon::Session).map_err(super::sign_failure)?;
        let subject = protocol::content_subject(&src, &q.disposition, &q.content_type);
        signature::verify(slave.secret(), &subject, &q.sign).map_err(super::sign_failure)?;
        let key = key_of(&src)?;
        let range = match parse_range(req.header(header::RANGE)) {
            RangeRequest::One(r) => Some(r),
            _ => None,
        };
        let object = slave
            .local()
            .get(&key, range)
            .await
            .map_err(|e| storage_failure(&e))?;
        let mut resp = Response::builder()
            .header(header::ACCEPT_RANGES, "bytes")
            .header(header::CONTENT_LENGTH, object.len());
        if range.is_some() && object.size > 0 {
            let (start, end) = object.range;
            resp = resp.status(StatusCode::PARTIAL_CONTENT).header(
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{}", object.size),
            );
        }
        if !q.disposition.is_empty() {
            resp = resp.header(header::CONTENT_DISPOSITION, q.disposition.as_str());
        }
        if !q.content_type.is_empty() {
            resp = resp.header(header::CONTENT_TYPE, q.content_type.as_str());
        }
        if req.method() == poem::http::Method::HEAD {
            return Ok(resp.finish());
        }
        Ok(resp.body(Body::from_bytes_stream(object.stream)))
    };
    either(served.await)
}

fn body_stream(body: Body) -> ByteStream {
    Box::pin(body.into_bytes_stream().map_err(std::io::Error::other))
}

/// `PUT /file/put/:src`: stores the body under the key, `X-Cr-Size` bytes when given.
#[poem::handler]
pub(super) async fn put(
    req: &Request,
    Path(src): Path<String>,
    body: Body,
    slave: Data<&Slave>,
) -> Response {
    let stored = async {
        verify(req, &slave, "", Horizon::Request)?;
        let key = key_of(&src)?;
        let size = match req.header(protocol::SIZE_HEADER) {
            Some(v) => Some(
                v.parse::<u64>()
                    .map_err(|_| fail(code::PARAM, "size: not a number", Value::Null))?,
            ),
            None => None,
        };
        slave
            .local()
            .put(&key, body_stream(body), size)
            .await
            .map_err(|e| storage_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(stored.await)
}

/// `POST /file/head {key}`: size and modification time.
#[poem::handler]
pub(super) async fn head(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let found = async {
        let KeyBody { key } = signed_json(req, body, &slave).await?;
        let meta = slave
            .local()
            .head(&key)
            .await
            .map_err(|e| storage_failure(&e))?;
        Ok(reply(Object {
            key,
            size: meta.size,
            modified: meta.modified,
        }))
    };
    either(found.await)
}

/// `POST /file/delete {files}`: the keys that could not be deleted, with why.
#[poem::handler]
pub(super) async fn delete(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let deleted = async {
        let DeleteFiles { files } = signed_json(req, body, &slave).await?;
        let failed = slave
            .local()
            .delete(&files)
            .await
            .map_err(|e| storage_failure(&e))?;
        let failed: Vec<Failed> = failed
            .into_iter()
            .map(|(key, err)| {
                let (code, error, _) = protocol::error_reply(&err);
                Failed { key, code, error }
            })
            .collect();
        Ok(reply(failed))
    };
    either(deleted.await)
}

/// `POST /file/copy {from, to}`.
#[poem::handler]
pub(super) async fn copy(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let copied = async {
        let Copy { from, to } = signed_json(req, body, &slave).await?;
        slave
            .local()
            .copy(&from, &to)
            .await
            .map_err(|e| storage_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(copied.await)
}

/// `POST /file/list {key}`: every object whose key starts with `key`.
#[poem::handler]
pub(super) async fn list(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let listed = async {
        let KeyBody { key } = signed_json(req, body, &slave).await?;
        let objects = slave
            .local()
            .list(&key)
            .await
            .map_err(|e| storage_failure(&e))?;
        let objects: Vec<Object> = objects
            .into_iter()
            .map(|o| Object {
                key: o.key,
                size: o.size,
                modified: o.modified,
            })
            .collect();
        Ok(reply(objects))
    };
    either(listed.await)
}

/// `POST /file/thumb {src, dst, ...}`: renders a thumbnail of a blob of the node and stores it.
#[poem::handler]
pub(super) async fn thumb(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let made = async {
        let job: ThumbJob = signed_json(req, body, &slave).await?;
        let made = crate::slave::thumb::make(&slave, &job)
            .await
            .map_err(|e| storage_failure(&e))?;
        Ok(reply(made))
    };
    either(made.await)
}
