//! A policy's download proxy (spec §7.2, policy settings `custom_proxy` and `proxy_server`):
//! presigned URLs of its blobs are handed out through a CDN or reverse proxy in front of the
//! bucket. The proxy's scheme and host replace the provider's, the proxy's path goes before
//! the object's path, and the proxy's query is added after the signed one, which stays intact.

use stratus_entity::storage_policy;
use url::Url;

use crate::storage::registry::setting_bool;

/// `url` as the policy hands it out: through its proxy when `custom_proxy` is on and
/// `proxy_server` is an http(s) URL, otherwise unchanged (a proxy that is not a URL is logged
/// and skipped: the provider's own URL still works).
pub fn apply(policy: &storage_policy::Model, url: String) -> String {
    if !setting_bool(&policy.settings, "custom_proxy") {
        return url;
    }
    let proxy = policy
        .settings
        .get("proxy_server")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    match through(&url, proxy) {
        Some(proxied) => proxied,
        None => {
            tracing::warn!(
                policy = policy.id,
                proxy,
                "proxy_server is not an http(s) URL; handing out the provider's URL"
            );
            url
        }
    }
}

/// `url` sent through `proxy`; `None` when either is not an absolute http(s) URL.
pub fn through(url: &str, proxy: &str) -> Option<String> {
    let original = Url::parse(url).ok()?;
    let mut out = Url::parse(proxy.trim()).ok()?;
    if !matches!(out.scheme(), "http" | "https") || out.host().is_none() {
        return None;
    }
    let path = format!("{}{}", out.path().trim_end_matches('/'), original.path());
    out.set_path(&path);
    let query = match (original.query(), out.query()) {
        (Some(a), Some(b)) if !b.is_empty() => Some(format!("{a}&{b}")),
        (Some(a), _) => Some(a.to_owned()),
        (None, b) => b.map(str::to_owned),
    };
    out.set_query(query.as_deref().filter(|q| !q.is_empty()));
    out.set_fragment(None);
    Some(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str = "https://bucket.s3.example.com/uploads/1/a%20b.txt?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600";

    #[test]
    fn the_proxy_takes_scheme_and_host_and_prefixes_its_path() {
        assert_eq!(
            through(SIGNED, "http://cdn.example:8080").unwrap(),
            "http://cdn.example:8080/uploads/1/a%20b.txt?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600"
        );
        assert_eq!(
            through(SIGNED, "https://cdn.example/files/").unwrap(),
            "https://cdn.example/files/uploads/1/a%20b.txt?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600"
        );
    }

    #[test]
    fn the_proxy_query_follows_the_signed_one() {
        assert_eq!(
            through(SIGNED, "https://cdn.example/p?token=x%26y").unwrap(),
            "https://cdn.example/p/uploads/1/a%20b.txt?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600&token=x%26y"
        );
        assert_eq!(
            through("https://b.example/k", "https://cdn.example/?t=1").unwrap(),
            "https://cdn.example/k?t=1"
        );
    }

    #[test]
    fn a_proxy_that_is_not_an_http_url_is_refused() {
        for proxy in [
            "",
            "cdn.example",
            "ftp://cdn.example",
            "file:///etc",
            "https://",
        ] {
            assert_eq!(through(SIGNED, proxy), None, "{proxy}");
        }
    }
}
