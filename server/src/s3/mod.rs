//! The S3 endpoint: the S3 API on a listener of its own (`s3.listen`, off unless set), served
//! through the main listener's acceptor and request log (see [`bind`]), over the same drive
//! as the API and WebDAV, so restic, rclone and any S3 SDK store into a user's folder. s3s
//! parses requests, verifies SigV4 signatures (headers, presigned URLs, streaming chunked
//! bodies) and writes the XML answers and errors; [`service::Stratus`] implements its
//! operations over `fs` and `upload`. A key (`auth::s3_key`) sees one folder of its owner's
//! drive; that folder's subfolders are its buckets. Requests are path-style
//! (`/<bucket>/<key>`), and also virtual-host style (`<bucket>.<domain>`) when `s3.domain`
//! is set. A refused signature is recorded and counted per address ([`failures`]). What
//! AWS checks of a signature before it and s3s does not (presigned URLs good for seven days
//! at most, no unsigned `x-amz-*` header) is checked first ([`preflight`]).

mod access;
mod buckets;
mod checksum;
mod error;
mod failures;
mod list;
mod meta;
mod multipart;
mod objects;
mod path;
mod preflight;
mod service;

use std::{io, net::SocketAddr};

use bytes::Bytes;
use http_body_util::{BodyExt, combinators::BoxBody};
use poem::{Endpoint, Request, Response};
use poem_openapi::OperationId;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::TcpListener;

use crate::{events::Client, state::AppState};

/// The route label of every S3 request in the log and the metrics.
const ROUTE: &str = "s3";

/// The address the S3 endpoint of this process listens on (`None`: it is off).
pub fn bound_addr(state: &AppState) -> Option<SocketAddr> {
    crate::auth::s3_key::bound(state)
}

fn build(state: &AppState) -> io::Result<S3Service> {
    let mut builder = S3ServiceBuilder::new(service::Stratus::new(state.clone()));
    // With an auth provider, s3s refuses unsigned requests before any operation runs.
    builder.set_auth(access::Keys(state.clone()));
    if let Some(domain) = &state.config.s3.domain {
        let host = s3s::host::SingleDomain::new(domain).map_err(io::Error::other)?;
        builder.set_host(host);
    }
    Ok(builder.build())
}

/// Binds `s3.listen` and makes the endpoint to serve there; `None` when the endpoint is off.
/// `lib.rs` serves it through the main listener's acceptor (connection limits, per-address
/// limit, timeouts) and outer layers (request log, metrics).
pub async fn bind(state: &AppState) -> io::Result<Option<(TcpListener, impl Endpoint + use<>)>> {
    let Some(listen) = state.config.s3.listen else {
        return Ok(None);
    };
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    crate::auth::s3_key::set_bound(state, addr);
    let endpoint = S3Endpoint {
        state: state.clone(),
        service: build(state)?,
    };
    tracing::info!(%addr, "the S3 endpoint is listening on http://{addr}");
    Ok(Some((listener, endpoint)))
}

/// s3s's service as a poem endpoint; bodies stream through both ways.
struct S3Endpoint {
    state: AppState,
    service: S3Service,
}

impl Endpoint for S3Endpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let client = Client::of(&req, &self.state.config);
        let req: hyper::Request<BoxBody<Bytes, io::Error>> = req.into();
        let req = req.map(s3s::Body::http_body);
        let mut resp = match preflight::refused(&req) {
            Some(e) => e.to_http_response().map_err(failed)?,
            None => failures::serve(&self.state, &self.service, client, req)
                .await
                .map_err(|e| failed(s3s::StdError::from(e)))?,
        };
        // Users' bytes: a page a browser renders anyway runs without scripts in an origin of
        // its own, and its declared type is taken as it is.
        crate::download::headers::confine(resp.headers_mut());
        let mut resp = Response::from(resp.map(|body| body.map_err(io::Error::other)));
        resp.set_data(OperationId(ROUTE));
        Ok(resp)
    }
}

/// What s3s could not answer at all (it answers every S3 error itself): a bare 500.
fn failed(e: impl std::fmt::Display) -> poem::Error {
    tracing::warn!(error = %e, "an S3 request failed");
    poem::Error::from_status(poem::http::StatusCode::INTERNAL_SERVER_ERROR)
}
