//! Per-request context: the correlation id and the debug flag, available to any code running
//! inside the request (error envelopes read it) without threading it through every call, and
//! the client's address and agent.

use poem::Request;
use uuid::Uuid;

/// Header carrying the correlation id in both directions.
pub const CORRELATION_HEADER: &str = "X-Cr-Correlation-Id";

/// What the current request carries.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// From `X-Cr-Correlation-Id` when it is a UUID, otherwise generated.
    pub correlation_id: Uuid,
    /// Whether error envelopes may include the underlying error text.
    pub debug: bool,
    /// The client's address and agent, for audit events and throttling deep in the stack.
    pub client: Client,
}

/// Where a request came from.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    /// The client address (from `proxy_header` when Stratus sits behind a proxy) and agent.
    pub fn of(req: &Request, proxy_header: Option<&str>) -> Self {
        let forwarded = proxy_header
            .and_then(|h| req.header(h))
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let ip = forwarded.or_else(|| {
            req.remote_addr()
                .as_socket_addr()
                .map(|addr| addr.ip().to_string())
        });
        let user_agent = req
            .header("user-agent")
            .map(|ua| ua.chars().take(512).collect());
        Self { ip, user_agent }
    }
}

tokio::task_local! {
    static CURRENT: RequestCtx;
}

/// Runs `fut` with `ctx` as the current request context.
pub async fn scope<F: Future>(ctx: RequestCtx, fut: F) -> F::Output {
    CURRENT.scope(ctx, fut).await
}

/// The context of the request being served, if any.
pub fn current() -> Option<RequestCtx> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The client's correlation id when it is a valid UUID, else a fresh one.
pub fn correlation_id_from(header: Option<&str>) -> Uuid {
    header
        .and_then(|v| Uuid::parse_str(v.trim()).ok())
        .unwrap_or_else(Uuid::new_v4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_valid_uuid_and_replaces_garbage() {
        let id = Uuid::new_v4();
        assert_eq!(correlation_id_from(Some(&id.to_string())), id);
        assert_ne!(correlation_id_from(Some("not-a-uuid")), id);
        assert_ne!(correlation_id_from(None), Uuid::nil());
    }

    #[tokio::test]
    async fn scope_is_visible_inside_only() {
        assert!(current().is_none());
        let ctx = RequestCtx {
            correlation_id: Uuid::new_v4(),
            debug: true,
            client: Default::default(),
        };
        let seen = scope(ctx.clone(), async { current().unwrap().correlation_id }).await;
        assert_eq!(seen, ctx.correlation_id);
    }
}
