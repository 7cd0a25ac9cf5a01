//! Per-request context: the correlation id and the debug flag, available to any code running
//! inside the request (error envelopes read it) without threading it through every call, and
//! the client's address and agent.

use std::net::{IpAddr, SocketAddr};

use poem::Request;
use uuid::Uuid;

use crate::config::{Cidrs, Config};

/// Header carrying the correlation id in both directions.
pub const CORRELATION_HEADER: &str = "X-Cr-Correlation-Id";
/// Header naming the client installation (spec 4.18 §1.2): events a request causes are not echoed
/// to that client's own event stream.
pub const CLIENT_ID_HEADER: &str = "X-Cr-Client-Id";

/// What the current request carries.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// From `X-Cr-Correlation-Id` when it is a UUID, otherwise generated.
    pub correlation_id: Uuid,
    /// Whether error envelopes may include the underlying error text.
    pub debug: bool,
    /// The client's address and agent, for audit events and throttling deep in the stack.
    pub client: Client,
    /// From `X-Cr-Client-Id` when it is a UUID.
    pub client_id: Option<Uuid>,
}

/// Where a request came from.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    /// The client address and agent. Behind a reverse proxy (`proxy_header` set, and the
    /// peer one of the `trusted_proxies`) the address is the right-most entry of the header
    /// that is no trusted proxy: the entries left of it were written by the client itself.
    pub fn of(req: &Request, config: &Config) -> Self {
        let peer = req.remote_addr().as_socket_addr().map(|addr| addr.ip());
        Self::from_parts(peer, req.headers(), config)
    }

    /// [`Client::of`] from a request's peer address and headers, for listeners that are not
    /// poem's (the S3 endpoint).
    pub fn from_parts(
        peer: Option<IpAddr>,
        headers: &poem::http::HeaderMap,
        config: &Config,
    ) -> Self {
        let ip = match (peer, &config.proxy_header) {
            (Some(peer), Some(header)) if config.trusted_proxies.contains(&peer) => {
                let entries = headers
                    .get_all(header.as_str())
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|v| !v.is_empty());
                forwarded_client(entries, &config.trusted_proxies)
                    .or_else(|| Some(peer.to_string()))
            }
            _ => peer.map(|ip| ip.to_string()),
        };
        let user_agent = headers
            .get(poem::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect());
        Self { ip, user_agent }
    }
}

/// The right-most of `entries` (a forwarding header's list, left to right) that is no
/// trusted proxy; the left-most when all are.
fn forwarded_client<'a>(
    entries: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &Cidrs,
) -> Option<String> {
    let mut leftmost = None;
    for entry in entries.rev() {
        match parse_ip(entry) {
            Some(ip) if trusted.contains(&ip) => leftmost = Some(ip.to_string()),
            Some(ip) => return Some(ip.to_canonical().to_string()),
            None => return Some(entry.chars().take(64).collect()),
        }
    }
    leftmost
}

/// An entry as proxies write it: an address, maybe with a port (`[::1]:80`, `1.2.3.4:80`).
fn parse_ip(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
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

/// The client id when the header is a valid UUID.
pub fn client_id_from(header: Option<&str>) -> Option<Uuid> {
    header.and_then(|v| Uuid::parse_str(v.trim()).ok())
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
        assert_eq!(client_id_from(Some(&id.to_string())), Some(id));
        assert_eq!(client_id_from(Some("nope")), None);
        assert_eq!(client_id_from(None), None);
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_entry() {
        let trusted = Cidrs(vec!["10.0.0.0/8".parse().unwrap()]);
        let client = |list: &[&str]| forwarded_client(list.iter().copied(), &trusted);
        assert_eq!(client(&["1.1.1.1", "2.2.2.2"]).as_deref(), Some("2.2.2.2"));
        assert_eq!(
            client(&["1.1.1.1", "2.2.2.2:443", "10.0.0.3"]).as_deref(),
            Some("2.2.2.2")
        );
        assert_eq!(
            client(&["10.0.0.2", "10.0.0.3"]).as_deref(),
            Some("10.0.0.2")
        );
        assert_eq!(
            client(&["[2001:db8::1]:80"]).as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(client(&["::ffff:192.0.2.1"]).as_deref(), Some("192.0.2.1"));
        assert_eq!(client(&["unknown"]).as_deref(), Some("unknown"));
        assert_eq!(client(&[]), None);
    }

    #[tokio::test]
    async fn scope_is_visible_inside_only() {
        assert!(current().is_none());
        let ctx = RequestCtx {
            correlation_id: Uuid::new_v4(),
            debug: true,
            client: Default::default(),
            client_id: None,
        };
        let seen = scope(ctx.clone(), async { current().unwrap().correlation_id }).await;
        assert_eq!(seen, ctx.correlation_id);
    }
}
