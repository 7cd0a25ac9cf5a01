//! Refused signatures on the S3 endpoint. Each request refused for a wrong secret or an
//! unknown access key is written to the audit log (`S3_LOGIN_FAILED`: the access key id, the
//! address and agent, the key's owner when the key exists), and an address that sent
//! [`throttle::MAX_FAILURES`] of them within [`throttle::WINDOW_SECS`] is answered `SlowDown`
//! until the window after them ends, as WebDAV sign-ins are throttled. The count is this process's, in
//! memory: it keeps one address from guessing without a database read per request, and the
//! audit log holds every instance's refusals.

use std::{net::IpAddr, time::Duration};

use hyper::body::Incoming;
use s3s::{Body, HttpError, HttpResponse, S3ErrorCode, s3_error, service::S3Service};

use crate::{
    auth::{s3_key, throttle},
    events::{self, Client},
    net::client_network,
    state::AppState,
};

/// What a refused signature answers in its error's `Code`.
const REFUSED: [S3ErrorCode; 2] = [
    S3ErrorCode::SignatureDoesNotMatch,
    S3ErrorCode::InvalidAccessKeyId,
];

/// Refused signatures per client network, forgotten a window after they were counted.
pub struct Failures {
    counts: moka::future::Cache<IpAddr, u32>,
}

impl Failures {
    pub fn of(state: &AppState) -> std::sync::Arc<Self> {
        state.part(|_| Self {
            counts: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(throttle::WINDOW_SECS as u64))
                .build(),
        })
    }

    async fn refused(&self, network: IpAddr) -> bool {
        self.counts
            .get(&network)
            .await
            .is_some_and(|n| u64::from(n) >= throttle::MAX_FAILURES)
    }

    async fn count(&self, network: IpAddr) {
        self.counts
            .entry(network)
            .and_upsert_with(|n| async move { n.map_or(1, |e| e.into_value().saturating_add(1)) })
            .await;
    }
}

/// Serves `req` from `peer` with `service`, unless its address is throttled; a refused
/// signature is counted and recorded.
pub async fn serve(
    state: &AppState,
    service: &S3Service,
    peer: IpAddr,
    req: hyper::Request<Incoming>,
) -> Result<HttpResponse, HttpError> {
    let client = Client::from_parts(Some(peer), req.headers(), &state.config);
    let network = client
        .ip
        .as_deref()
        .and_then(|ip| ip.parse().ok())
        .map_or(client_network(peer), client_network);
    let failures = Failures::of(state);
    if failures.refused(network).await {
        let mut e = s3_error!(
            SlowDown,
            "too many refused signatures from this address; try again later"
        );
        let mut headers = hyper::HeaderMap::new();
        headers.insert(hyper::header::RETRY_AFTER, throttle::WINDOW_SECS.into());
        e.set_headers(headers);
        return e
            .to_http_response()
            .map_err(|e| HttpError::new(Box::new(e)));
    }
    let access_key = access_key_of(&req);
    let resp = service.call(req.map(Body::from)).await?;
    if resp.status() == hyper::StatusCode::FORBIDDEN
        && let Some(access_key) = access_key
        && let Some(code) = refused_code(&resp)
    {
        failures.count(network).await;
        let owner = s3_key::find(state, &access_key)
            .await
            .ok()
            .flatten()
            .map(|found| found.key.user_id);
        let content = serde_json::json!({ "access_key": access_key, "code": code.as_str() });
        events::record(
            &state.db,
            events::kind::S3_LOGIN_FAILED,
            owner,
            &client,
            Some(content),
        )
        .await;
    }
    Ok(resp)
}

/// The access key id a request names: in its `Authorization` header (SigV4 `Credential=` or
/// SigV2 `AWS id:signature`) or its presigned query (`X-Amz-Credential`, `AWSAccessKeyId`).
/// At most 128 characters are kept.
fn access_key_of<B>(req: &hyper::Request<B>) -> Option<String> {
    let from_header = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| {
            auth.split_once("Credential=")
                .map(|(_, rest)| rest)
                .or_else(|| auth.strip_prefix("AWS "))
                .and_then(|rest| rest.split(['/', ':', ',']).next())
                .map(str::to_owned)
        });
    let from_query = || {
        url::form_urlencoded::parse(req.uri().query()?.as_bytes())
            .find(|(k, _)| k == "X-Amz-Credential" || k == "AWSAccessKeyId")
            .and_then(|(_, v)| v.split('/').next().map(str::to_owned))
    };
    from_header
        .or_else(from_query)
        .filter(|k| !k.is_empty())
        .map(|k| k.chars().take(128).collect())
}

/// The refusal code of an error answer that refused the signature, read from its XML body.
fn refused_code(resp: &HttpResponse) -> Option<S3ErrorCode> {
    let body = resp.body().bytes()?;
    let text = std::str::from_utf8(&body).ok()?;
    REFUSED
        .into_iter()
        .find(|code| text.contains(&format!("<Code>{}</Code>", code.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(auth: Option<&str>, uri: &str) -> hyper::Request<()> {
        let mut b = hyper::Request::builder().uri(uri);
        if let Some(auth) = auth {
            b = b.header("authorization", auth);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn the_access_key_is_read_from_every_form_of_signature() {
        let v4 = "AWS4-HMAC-SHA256 Credential=AKID123/20261128/us-east-1/s3/aws4_request, \
                  SignedHeaders=host, Signature=abc";
        assert_eq!(
            access_key_of(&req(Some(v4), "/b/k")).as_deref(),
            Some("AKID123")
        );
        assert_eq!(
            access_key_of(&req(Some("AWS AKID2:c2ln"), "/b/k")).as_deref(),
            Some("AKID2")
        );
        let presigned = "/b/k?X-Amz-Credential=AKID3%2F20261128%2Fus-east-1%2Fs3%2Faws4_request";
        assert_eq!(
            access_key_of(&req(None, presigned)).as_deref(),
            Some("AKID3")
        );
        assert_eq!(
            access_key_of(&req(None, "/b/k?AWSAccessKeyId=AKID4&Signature=x")).as_deref(),
            Some("AKID4")
        );
        assert_eq!(access_key_of(&req(None, "/b/k")), None);
        let long = format!("AWS {}:sig", "x".repeat(500));
        assert_eq!(access_key_of(&req(Some(&long), "/")).unwrap().len(), 128);
    }

    #[tokio::test]
    async fn a_window_of_failures_throttles_the_address() {
        let failures = Failures {
            counts: moka::future::Cache::builder()
                .time_to_live(Duration::from_secs(60))
                .build(),
        };
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..throttle::MAX_FAILURES {
            assert!(!failures.refused(ip).await);
            failures.count(ip).await;
        }
        assert!(failures.refused(ip).await);
        assert!(!failures.refused("192.0.2.8".parse().unwrap()).await);
    }
}
