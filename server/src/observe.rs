//! The outermost middleware of every listener (the main one and the S3 endpoint's): gives
//! each request its correlation id, counts it in the metrics and writes one log line for it. The log line names the route, never the query string, so
//! `sign=` values, tokens and passwords in URLs stay out of the logs.

use std::time::Instant;

use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, http::HeaderValue};
use poem_openapi::OperationId;

use crate::{
    request_ctx::{self, CLIENT_ID_HEADER, CORRELATION_HEADER, RequestCtx},
    state::AppState,
};

/// `app` wrapped in what every listener's requests go through: [`observe`], and outermost
/// the tracking of the request on its connection (`net::track`).
pub fn outermost<E: Endpoint + 'static>(app: E, state: AppState) -> impl Endpoint + 'static {
    let body_timeout = crate::net::Limits::of(&state.config).body_timeout;
    app.around(move |ep, req| {
        let state = state.clone();
        async move { Ok(observe(&ep, req, &state).await) }
    })
    // Outermost: a request is in flight on its connection until its response is sent.
    .around(move |ep, req| async move { Ok(crate::net::track(&ep, req, body_timeout).await) })
}

/// Serves `req` through `next` inside the request context.
pub async fn observe<E: Endpoint>(next: &E, mut req: Request, state: &AppState) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = loggable_path(req.uri().path());
    let correlation_id = request_ctx::correlation_id_from(req.header(CORRELATION_HEADER));
    let body = req.take_body();
    req.set_body(state.metrics.count_in(body));

    let ctx = RequestCtx {
        correlation_id,
        debug: state.config.debug,
        client: crate::events::Client::of(&req, &state.config),
        client_id: request_ctx::client_id_from(req.header(CLIENT_ID_HEADER)),
    };
    let mut resp = request_ctx::scope(ctx, async {
        match next.call(req).await {
            Ok(resp) => resp.into_response(),
            Err(err) => err.into_response(),
        }
    })
    .await;

    let route = resp
        .data::<OperationId>()
        .map(|id| id.0.to_owned())
        .unwrap_or_else(|| route_of(&path).to_owned());
    let status = resp.status().as_u16();
    let elapsed = start.elapsed();
    state
        .metrics
        .observe(&route, &method, status, elapsed.as_secs_f64());
    tracing::info!(
        target: "stratus::http",
        %method,
        %route,
        %path,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        correlation_id = %correlation_id,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&correlation_id.to_string()) {
        resp.headers_mut().insert(CORRELATION_HEADER, value);
    }
    let body = resp.take_body();
    resp.set_body(state.metrics.count_out(body));
    resp
}

/// A low-cardinality route label for requests that no API operation claimed.
fn route_of(path: &str) -> &'static str {
    match path {
        "/healthz" => "healthz",
        "/metrics" => "metrics",
        "/manifest.json" => "manifest",
        p if p.starts_with("/api/v4/docs") => "api_docs",
        p if p.starts_with("/api/") => "api_unmatched",
        p if p.starts_with("/dav") => "dav",
        p if p.starts_with("/remote.php/") => "nextcloud_dav",
        p if p.starts_with("/s/") => "share_redirect",
        p if p.starts_with("/f/") => "direct_link",
        _ => "web",
    }
}

/// The path as it may be logged: share passwords (`/s/<id>/<password>`) are masked.
fn loggable_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 3 && parts[1] == "s" {
        parts[3] = "***";
        parts.truncate(4);
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_passwords_are_masked() {
        assert_eq!(loggable_path("/s/abc/secret"), "/s/abc/***");
        assert_eq!(loggable_path("/s/abc"), "/s/abc");
        assert_eq!(loggable_path("/api/v4/site/ping"), "/api/v4/site/ping");
    }

    #[test]
    fn unmatched_routes_have_fixed_labels() {
        assert_eq!(route_of("/api/v4/nope"), "api_unmatched");
        assert_eq!(route_of("/home"), "web");
    }
}
