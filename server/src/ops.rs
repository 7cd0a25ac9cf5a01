//! Operator endpoints: `/healthz` for load balancers and `/metrics` for Prometheus.

use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};
use serde_json::json;

use crate::{db, state::AppState};

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
#[handler]
pub async fn healthz(state: Data<&AppState>) -> Response {
    match db::ping(&state.db).await {
        Ok(()) => Json(json!({
            "status": "ok",
            "database": "ok",
            "uptime_seconds": state.started.elapsed().as_secs(),
        }))
        .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            let mut resp =
                Json(json!({"status": "error", "database": "unreachable"})).into_response();
            resp.set_status(StatusCode::SERVICE_UNAVAILABLE);
            resp
        }
    }
}

/// `GET /metrics`: Prometheus text exposition.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    Response::builder()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
