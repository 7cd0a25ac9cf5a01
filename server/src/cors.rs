//! CORS on content (Cloudreve 4.12): `/api/v4/file/content/…` and `/f/…` (direct links,
//! `/f/d/…` included) may be fetched by pages of any origin, so web players, previewers and
//! other front ends can stream a file by its signed or direct URL. No credentials are
//! allowed: these URLs carry their own signature, never a cookie or session. `OPTIONS` on
//! such a path is answered here as a preflight, whatever follows `/f/`.

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

/// The methods content is fetched with.
const METHODS: &str = "GET, HEAD, OPTIONS";
/// The request headers a fetch of content may send.
const REQUEST_HEADERS: &str = "Range, If-Range, Authorization, Content-Type";
/// The response headers a page may read.
const EXPOSED: &str = "Content-Range, Accept-Ranges, Content-Length, Content-Disposition, ETag";

/// Whether `path` serves content to any origin.
pub fn is_content_path(path: &str) -> bool {
    path.starts_with("/f/") || path.starts_with("/api/v4/file/content/")
}

/// The middleware: a preflight answered at once, other requests of content paths given
/// `Access-Control-Allow-Origin: *` and the exposed headers.
pub async fn content<E: Endpoint>(ep: &E, req: Request) -> poem::Result<Response> {
    if !is_content_path(req.uri().path()) {
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    if req.method() == Method::OPTIONS {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        allow(&mut resp);
        let h = resp.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(METHODS),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(REQUEST_HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        return Ok(resp);
    }
    let mut resp = match ep.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    allow(&mut resp);
    Ok(resp)
}

fn allow(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_paths() {
        assert!(is_content_path("/f/AbC/a.txt"));
        assert!(is_content_path("/f/d/AbC/a.txt"));
        assert!(is_content_path("/api/v4/file/content/x/0/a.txt"));
        assert!(!is_content_path("/api/v4/file/content"));
        assert!(!is_content_path("/api/v4/file"));
        assert!(!is_content_path("/fx"));
        assert!(!is_content_path("/home"));
    }
}
