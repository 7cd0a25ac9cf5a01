//! What AWS checks of a signed request that s3s leaves to the service, checked before s3s
//! sees the request:
//!
//! * a presigned URL is good for seven days at most: a SigV4 `X-Amz-Expires` over 604800
//!   seconds, or a SigV2 `Expires` more than seven days ahead, is refused
//!   (`AuthorizationQueryParametersError`), so a leaked URL does not open an object for years;
//! * every `x-amz-*` header of a SigV4 request is among its signed headers: an unsigned one
//!   is refused (`AccessDenied`, as AWS answers), so whoever holds a presigned URL cannot add
//!   user metadata (`x-amz-meta-*`) or any other instruction the key's owner did not sign.
//!   A SigV2 signature covers every `x-amz-*` header by itself.

use s3s::{S3Error, s3_error};

/// The longest a presigned URL stays good, in seconds (AWS's limit: seven days).
pub const MAX_EXPIRES_SECS: u64 = 604_800;

/// Headers a SigV4 request may carry unsigned: the body's hash, which s3s checks the body
/// against and which nothing stores.
const UNSIGNED_ALLOWED: &[&str] = &["x-amz-content-sha256"];

/// Why `req` is refused before its signature is looked at; `None` when it may go on.
pub fn refused<B>(req: &hyper::Request<B>) -> Option<S3Error> {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some(e) = too_long(
        param("X-Amz-Expires"),
        param("AWSAccessKeyId"),
        param("Expires"),
    ) {
        return Some(e);
    }
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let signed = match (authorization, param("X-Amz-SignedHeaders")) {
        (Some(auth), _) if auth.trim_start().starts_with("AWS4-") => signed_of(auth)?,
        (_, Some(list)) if param("X-Amz-Algorithm").is_some() => list.to_owned(),
        _ => return None,
    };
    let signed: Vec<String> = signed
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let unsigned: Vec<&str> = req
        .headers()
        .keys()
        .map(|name| name.as_str())
        .filter(|name| name.starts_with("x-amz-") && !UNSIGNED_ALLOWED.contains(name))
        .filter(|name| !signed.iter().any(|s| s == name))
        .collect();
    if unsigned.is_empty() {
        return None;
    }
    Some(s3_error!(
        AccessDenied,
        "There were headers present in the request which were not signed: {}",
        unsigned.join(", ")
    ))
}

/// The refusal of a presigned URL good for longer than [`MAX_EXPIRES_SECS`]: SigV4's
/// `X-Amz-Expires`, or SigV2's `Expires` (a time) with its `AWSAccessKeyId`.
fn too_long(v4: Option<&str>, v2_key: Option<&str>, v2_expires: Option<&str>) -> Option<S3Error> {
    if let Some(secs) = v4 {
        return match secs.trim().parse::<u64>() {
            Ok(secs) if secs <= MAX_EXPIRES_SECS => None,
            _ => Some(s3_error!(
                AuthorizationQueryParametersError,
                "X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES_SECS}"
            )),
        };
    }
    let at = v2_expires
        .filter(|_| v2_key.is_some())?
        .trim()
        .parse::<i64>()
        .ok()?;
    let latest = chrono::Utc::now().timestamp() + MAX_EXPIRES_SECS as i64;
    (at > latest).then(|| {
        s3_error!(
            AuthorizationQueryParametersError,
            "Expires must be at most a week ({MAX_EXPIRES_SECS} seconds) ahead"
        )
    })
}

/// The `SignedHeaders=` list of a SigV4 `Authorization` header.
fn signed_of(authorization: &str) -> Option<String> {
    let (_, rest) = authorization.split_once("SignedHeaders=")?;
    Some(rest.split(',').next().unwrap_or_default().trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, headers: &[(&str, &str)]) -> hyper::Request<()> {
        let mut req = hyper::Request::builder().uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(()).unwrap()
    }

    #[test]
    fn presigned_urls_are_good_for_a_week_at_most() {
        let ok =
            "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-SignedHeaders=host";
        assert!(refused(&request(ok, &[])).is_none());
        let long = ok.replace("604800", "604801");
        assert!(refused(&request(&long, &[])).is_some());
        let v2 = format!("/b/k?AWSAccessKeyId=a&Expires={}", i64::MAX / 2);
        assert!(refused(&request(&v2, &[])).is_some());
    }

    #[test]
    fn unsigned_amz_headers_are_refused() {
        let auth = "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/s3/aws4_request, \
                    SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-a, Signature=00";
        let signed = [
            ("authorization", auth),
            ("x-amz-date", "20260101T000000Z"),
            ("x-amz-meta-a", "1"),
        ];
        assert!(refused(&request("/b/k", &signed)).is_none());
        let mut more = signed.to_vec();
        more.push(("X-Amz-Meta-B", "2"));
        assert!(refused(&request("/b/k", &more)).is_some());
        let presigned =
            "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
        let sha = [("x-amz-content-sha256", "UNSIGNED-PAYLOAD")];
        assert!(refused(&request(presigned, &sha)).is_none());
        assert!(refused(&request(presigned, &[("x-amz-meta-a", "1")])).is_some());
        // SigV2 signs every x-amz-* header itself.
        let v2 = [("authorization", "AWS a:sig"), ("x-amz-meta-a", "1")];
        assert!(refused(&request("/b/k", &v2)).is_none());
    }
}
