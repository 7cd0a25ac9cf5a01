//! The S3 endpoint: the S3 API on a listener of its own (`s3.listen`, off unless set), over
//! the same drive as the API and WebDAV, so restic, rclone and any S3 SDK store into a
//! user's folder. s3s parses requests, verifies SigV4 signatures (headers, presigned URLs,
//! streaming chunked bodies) and writes the XML answers and errors; [`service::Stratus`]
//! implements its operations over `fs` and `upload`. A key (`auth::s3_key`) sees one folder
//! of its owner's drive; that folder's subfolders are its buckets. Requests are path-style
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

use std::{net::SocketAddr, sync::Arc, time::Duration};

use hyper_util::rt::{TokioIo, TokioTimer};
use s3s::{
    HttpError,
    service::{S3Service, S3ServiceBuilder},
};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::state::AppState;

/// The address the S3 endpoint of this process listens on (`None`: it is off).
pub fn bound_addr(state: &AppState) -> Option<SocketAddr> {
    crate::auth::s3_key::bound(state)
}

fn build(state: &AppState) -> std::io::Result<S3Service> {
    let mut builder = S3ServiceBuilder::new(service::Stratus::new(state.clone()));
    // With an auth provider, s3s refuses unsigned requests before any operation runs.
    builder.set_auth(access::Keys(state.clone()));
    if let Some(domain) = &state.config.s3.domain {
        let host = s3s::host::SingleDomain::new(domain).map_err(std::io::Error::other)?;
        builder.set_host(host);
    }
    Ok(builder.build())
}

/// Binds `s3.listen` and serves the S3 endpoint there until the task is aborted; `None` when
/// the endpoint is off.
pub async fn start(state: &AppState) -> std::io::Result<Option<JoinHandle<()>>> {
    let Some(listen) = state.config.s3.listen else {
        return Ok(None);
    };
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    crate::auth::s3_key::set_bound(state, addr);
    let service = build(state)?;
    let header_timeout = Duration::from_secs(state.config.http_header_timeout_secs.max(1));
    tracing::info!(%addr, "the S3 endpoint is listening on http://{addr}");
    Ok(Some(tokio::spawn(accept(
        state.clone(),
        listener,
        service,
        header_timeout,
    ))))
}

async fn accept(
    state: AppState,
    listener: TcpListener,
    service: S3Service,
    header_timeout: Duration,
) {
    let service = Arc::new(service);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                // Out of descriptors, say: wait a little instead of spinning.
                tracing::warn!(error = %e, "the S3 endpoint could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (service, state) = (S3Service::clone(&service), state.clone());
        tokio::spawn(async move {
            let serve = hyper::service::service_fn(move |req| {
                let (service, state) = (service.clone(), state.clone());
                async move {
                    let mut resp = match preflight::refused(&req) {
                        Some(e) => e
                            .to_http_response()
                            .map_err(|e| HttpError::new(Box::new(e)))?,
                        None => failures::serve(&state, &service, peer.ip(), req).await?,
                    };
                    // Users' bytes: a page a browser renders anyway runs without scripts in
                    // an origin of its own, and its declared type is taken as it is.
                    crate::download::headers::confine(resp.headers_mut());
                    Ok::<_, HttpError>(resp)
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), serve);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "an S3 connection ended with an error");
            }
        });
    }
}
