//! Refused signatures on the S3 endpoint. Each request refused for a wrong secret or an
//! unknown access key is a failure of the one sign-in throttle (`auth::sign_in_throttle`,
//! `S3_LOGIN_FAILED` in the audit log: the access key id, the address and agent, the key's
//! owner when the key exists), counted with every door's and every instance's; an address
//! locked for the key's owner, or for every account, is answered `SlowDown` (503) with
//! `Retry-After` until the lock ends. The throttle's verdict after a refusal is remembered
//! here until then, so a request that is not refused costs no database read: an instance
//! learns of a lock at the first refusal it sees itself.

use chrono::{DateTime, Utc};
use s3s::{HttpError, HttpRequest, HttpResponse, S3ErrorCode, s3_error, service::S3Service};

use crate::{
    auth::{
        s3_key,
        sign_in_throttle::{self, Door, Locked, Scope},
    },
    events::Client,
    state::AppState,
};

/// What a refused signature answers in its error's `Code`.
const REFUSED: [S3ErrorCode; 2] = [
    S3ErrorCode::SignatureDoesNotMatch,
    S3ErrorCode::InvalidAccessKeyId,
];

/// The locks the throttle answered after refusals here: by address, and by address and account
/// (`None` for every account).
pub struct Locks {
    until: moka::future::Cache<(String, Option<i64>), DateTime<Utc>>,
}

impl Locks {
    pub fn of(state: &AppState) -> std::sync::Arc<Self> {
        state.part(|_| Self::new())
    }

    fn new() -> Self {
        Self {
            until: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(
                    sign_in_throttle::WINDOW_SECS as u64,
                ))
                .build(),
        }
    }

    /// Seconds until `ip` may try again for `owner`, when a lock holds.
    async fn retry_after(&self, ip: &str, owner: Option<i64>) -> Option<i64> {
        let now = Utc::now();
        let mut keys = vec![(ip.to_owned(), None)];
        keys.extend(owner.map(|o| (ip.to_owned(), Some(o))));
        for key in keys {
            if let Some(until) = self.until.get(&key).await.filter(|u| *u > now) {
                return Some((until - now).num_seconds().max(1));
            }
        }
        None
    }

    async fn remember(&self, lock: Locked) {
        let key = match lock.scope {
            Scope::Address(ip) => (ip, None),
            Scope::AddressAccount(ip, user) => (ip, Some(user)),
            Scope::Account(_) => return,
        };
        self.until.insert(key, lock.until).await;
    }
}

fn slow_down(retry_after: i64) -> Result<HttpResponse, HttpError> {
    let mut e = s3_error!(
        SlowDown,
        "too many refused signatures from this address; try again later"
    );
    let mut headers = hyper::HeaderMap::new();
    headers.insert(hyper::header::RETRY_AFTER, retry_after.into());
    e.set_headers(headers);
    e.to_http_response()
        .map_err(|e| HttpError::new(Box::new(e)))
}

/// Serves `req` from `client` with `service`, unless its address is locked; a refused
/// signature is counted and recorded.
pub async fn serve(
    state: &AppState,
    service: &S3Service,
    client: Client,
    req: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let access_key = access_key_of(&req);
    let owner = match &access_key {
        Some(key) => s3_key::find(state, key)
            .await
            .ok()
            .flatten()
            .map(|found| found.key.user_id),
        None => None,
    };
    let locks = Locks::of(state);
    if let Some(ip) = &client.ip
        && let Some(wait) = locks.retry_after(ip, owner).await
    {
        return slow_down(wait);
    }
    let resp = service.call(req).await?;
    if resp.status() == hyper::StatusCode::FORBIDDEN
        && let Some(access_key) = access_key
        && let Some(code) = refused_code(&resp)
        && guessed(&code, owner)
    {
        let content = serde_json::json!({ "access_key": access_key, "code": code.as_str() });
        sign_in_throttle::record_failure(&state.db, Door::S3, owner, &client, content).await;
        match sign_in_throttle::locked(&state.db, Door::S3, owner, &client).await {
            Ok(Some(lock)) => locks.remember(lock).await,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not check the sign-in throttle"),
        }
    }
    Ok(resp)
}

/// Whether a refusal `code` for a key of `owner` (`None`: no such key) is a guess: a wrong
/// signature, or a key id that names no key. A key that exists answers `InvalidAccessKeyId`
/// also when its owner may not sign in (`access::refused`): the signature was right, so it
/// is no guess.
fn guessed(code: &S3ErrorCode, owner: Option<i64>) -> bool {
    *code == S3ErrorCode::SignatureDoesNotMatch || owner.is_none()
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

    #[test]
    fn only_a_wrong_signature_or_an_unknown_key_is_a_guess() {
        assert!(guessed(&S3ErrorCode::SignatureDoesNotMatch, Some(1)));
        assert!(guessed(&S3ErrorCode::InvalidAccessKeyId, None));
        // The key exists, signed right, and its owner is banned: no guess to count.
        assert!(!guessed(&S3ErrorCode::InvalidAccessKeyId, Some(1)));
    }

    #[tokio::test]
    async fn a_remembered_lock_holds_its_address_for_its_account_until_it_ends() {
        let locks = Locks::new();
        let until = Utc::now() + chrono::Duration::seconds(60);
        let lock = |scope| Locked { scope, until };
        locks
            .remember(lock(Scope::AddressAccount("192.0.2.7".into(), 1)))
            .await;
        assert!(locks.retry_after("192.0.2.7", Some(1)).await.is_some());
        assert!(locks.retry_after("192.0.2.7", Some(2)).await.is_none());
        assert!(locks.retry_after("192.0.2.8", Some(1)).await.is_none());
        locks
            .remember(lock(Scope::Address("192.0.2.9".into())))
            .await;
        assert!(locks.retry_after("192.0.2.9", None).await.is_some());
        assert!(locks.retry_after("192.0.2.9", Some(3)).await.is_some());
    }
}
