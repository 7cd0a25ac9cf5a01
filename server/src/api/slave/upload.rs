//! `/slave/upload...`, `/slave/ping` and `/slave/health`.

use futures_util::TryStreamExt;
use poem::{
    Body, Request, Response,
    web::{Data, Path, Query},
};
use serde::Deserialize;
use serde_json::Value;

use super::{either, fail, reply, signed_json, slave_failure, storage_failure, verify};
use crate::{
    api::site::COMPAT_VERSION,
    slave::{Slave, ping::PingError},
    storage::{
        StorageDriver,
        remote::protocol::{Complete, CreateUpload, Horizon, Ping, code},
    },
};

/// `PUT /upload {session, overwrite}`: opens an upload session.
#[poem::handler]
pub(super) async fn create(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let created = async {
        let create: CreateUpload = signed_json(req, body, &slave).await?;
        slave
            .create_upload(create)
            .await
            .map_err(|e| slave_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(created.await)
}

#[derive(Debug, Deserialize)]
pub(super) struct ChunkQuery {
    chunk: u64,
}

/// `POST /upload/:id?chunk=N`: one chunk (the body is not signed: the credential the
/// master made for the session is good for each chunk until the session expires).
#[poem::handler]
pub(super) async fn chunk(
    req: &Request,
    Path(id): Path<String>,
    Query(q): Query<ChunkQuery>,
    body: Body,
    slave: Data<&Slave>,
) -> Response {
    let written = async {
        verify(req, &slave, "", Horizon::Session)?;
        let len = req
            .header(poem::http::header::CONTENT_LENGTH)
            .and_then(|v| v.parse::<u64>().ok());
        let stream = Box::pin(body.into_bytes_stream().map_err(std::io::Error::other));
        slave
            .put_chunk(&id, q.chunk, len, stream)
            .await
            .map_err(|e| slave_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(written.await)
}

/// `DELETE /upload/:id`: drops the session (only the master may: the signature must be
/// fresh, which a client's session credential is not).
#[poem::handler]
pub(super) async fn cancel(req: &Request, Path(id): Path<String>, slave: Data<&Slave>) -> Response {
    let cancelled = async {
        verify(req, &slave, "null", Horizon::Request)?;
        slave
            .cancel_upload(&id)
            .await
            .map_err(|e| slave_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(cancelled.await)
}

/// `POST /upload/complete {key, size}`: finishes a relayed upload.
#[poem::handler]
pub(super) async fn complete(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let completed = async {
        let Complete { key, size } = signed_json(req, body, &slave).await?;
        slave
            .complete_upload(&key, size)
            .await
            .map_err(|e| slave_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(completed.await)
}

/// `POST /ping {callback}`: the node test; the slave pings the master back.
#[poem::handler]
pub(super) async fn ping(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let pinged = async {
        let Ping { callback } = signed_json(req, body, &slave).await?;
        slave
            .ping_master(&callback, COMPAT_VERSION)
            .await
            .map_err(|e| match &e {
                PingError::Version { .. } => fail(code::VERSION, e.to_string(), Value::Null),
                _ => fail(code::PING, e.to_string(), Value::Null),
            })?;
        Ok(reply(Value::Null))
    };
    either(pinged.await)
}

/// `POST /health`: the local store is writable.
#[poem::handler]
pub(super) async fn health(req: &Request, body: Body, slave: Data<&Slave>) -> Response {
    let checked = async {
        let _: Value = signed_json(req, body, &slave).await?;
        slave
            .local()
            .health_check()
            .await
            .map_err(|e| storage_failure(&e))?;
        Ok(reply(Value::Null))
    };
    either(checked.await)
}
