//! Checks of the WebDAV request headers made before dav-server reads them.

use poem::{
    Body, IntoResponse, Request, Response,
    http::{StatusCode, header},
};

use dav_server::davpath::DavPath;

use super::path;

/// The answer to a request whose path or headers are refused before anyone signs in: 400 for
/// what cannot be read safely, 403 for a whole-tree PROPFIND or a change to the mount's root,
/// 404 for a destination outside the mount.
pub fn refused(req: &Request, prefix: &str) -> Option<Response> {
    let (method, path) = (req.method().as_str(), req.uri().path());
    let dest = req.header("destination");
    if !super::path::raw_path_is_safe(path)
        || dest.is_some_and(|d| !destination_is_safe(d))
        || !readable(req.headers())
    {
        return Some(StatusCode::BAD_REQUEST.into_response());
    }
    if is_infinite_propfind(method, req.header("depth")) {
        return Some(finite_depth_only());
    }
    if destination_outside(method, dest, prefix) {
        return Some(StatusCode::NOT_FOUND.into_response());
    }
    if touches_the_root(method, path, dest, prefix) {
        return Some(StatusCode::FORBIDDEN.into_response());
    }
    None
}

/// The lock tokens named in an `If:` header (`(<opaquelocktoken:…>)` conditions).
pub fn if_tokens(header: &str) -> Vec<String> {
    header
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').map(|(inner, _)| inner.trim()))
        .filter(|t| t.starts_with(crate::fs::lock::TOKEN_PREFIX))
        .map(str::to_owned)
        .collect()
}

/// Whether dav-server can read an `If:` header without panicking. Its tokenizer indexes past
/// the end of a `<…` or `[…` token that is never closed (or whose quote never closes), so
/// this walks the same tokens with bounds checks; a header it would stop on with an error is
/// fine (dav-server answers that itself).
pub fn if_header_is_readable(header: &[u8]) -> bool {
    let mut rest = header;
    loop {
        rest = rest.trim_ascii_start();
        let Some(&first) = rest.first() else {
            return true;
        };
        rest = match first {
            b'(' | b')' => &rest[1..],
            b'N' if rest.starts_with(b"Not") => &rest[3..],
            b'<' | b'[' => {
                let close = if first == b'<' { b'>' } else { b']' };
                match scan_until(rest, close) {
                    Scan::Token(after) => after,
                    Scan::Refused => return true,
                    Scan::PastTheEnd => return false,
                }
            }
            _ => match rest.iter().position(|&c| is_break(c)) {
                Some(0) => return true,
                Some(i) => &rest[i..],
                None => return true,
            },
        };
    }
}

enum Scan<'a> {
    /// The token closed; what follows it.
    Token(&'a [u8]),
    /// dav-server stops with an error here (whitespace inside the token).
    Refused,
    /// dav-server would index past the end.
    PastTheEnd,
}

/// dav-server's token scan from the opening byte at `buf[0]` to `close`, outside quotes.
fn scan_until(buf: &[u8], close: u8) -> Scan<'_> {
    let mut quote = false;
    for (i, &c) in buf.iter().enumerate().skip(1) {
        if !quote && c == close {
            return Scan::Token(&buf[i + 1..]);
        }
        if c.is_ascii_whitespace() {
            return Scan::Refused;
        }
        if c == b'"' {
            quote = !quote;
        }
    }
    Scan::PastTheEnd
}

/// Whether dav-server can read an `If-Match`, `If-None-Match` or `If-Range` value without
/// panicking: it slices a lone `"` (or `W/"`) as if it were a quoted tag of two quotes.
pub fn etag_header_is_readable(value: &[u8]) -> bool {
    !value.split(|&c| c == b',').any(|tag| {
        let tag = tag.trim_ascii();
        tag.strip_prefix(b"W/").unwrap_or(tag) == b"\""
    })
}

/// Whether every header dav-server parses by hand can be read without a panic.
pub fn readable(headers: &poem::http::HeaderMap) -> bool {
    let all =
        |name: &str, ok: fn(&[u8]) -> bool| headers.get_all(name).iter().all(|v| ok(v.as_bytes()));
    all("if", if_header_is_readable)
        && all("if-match", etag_header_is_readable)
        && all("if-none-match", etag_header_is_readable)
        && all("if-range", etag_header_is_readable)
}

/// Where dav-server ends a bare word in an `If:` header.
fn is_break(c: u8) -> bool {
    b" \t\r\n<>()[]".contains(&c) || c < 32
}

/// A PROPFIND of a whole tree in one answer is refused as RFC 4918 §9.1 allows: one request
/// would otherwise walk every file of the account. Clients then list folder by folder.
pub fn is_infinite_propfind(method: &str, depth: Option<&str>) -> bool {
    method == "PROPFIND" && depth.is_some_and(|d| d.trim().eq_ignore_ascii_case("infinity"))
}

/// The 403 RFC 4918 names for a refused `Depth: infinity` PROPFIND.
pub fn finite_depth_only() -> Response {
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
        .body(Body::from_bytes(bytes::Bytes::from_static(
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>",
        )
        ))
}

/// The path part of a `Destination` URL (or of a bare path).
fn destination_path(dest: &str) -> &str {
    let path = match dest.find("://") {
        Some(i) => {
            let rest = &dest[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => dest,
    };
    path.split(['?', '#']).next().unwrap_or_default()
}

/// The path of a `Destination` URL passes the same checks as the request path.
pub fn destination_is_safe(dest: &str) -> bool {
    path::raw_path_is_safe(destination_path(dest))
}

/// A raw path inside the mount at `prefix`, relative to it.
fn in_mount(raw: &str, prefix: &str) -> Option<DavPath> {
    let mut path = DavPath::new(raw).ok()?;
    path.set_prefix(prefix).ok()?;
    Some(path)
}

/// Whether a raw request path names the mount's root, which is the account itself.
fn is_mount_root(raw: &str, prefix: &str) -> bool {
    in_mount(raw, prefix).is_some_and(|p| p.as_rel_ospath().as_os_str().is_empty())
}

/// A COPY or MOVE whose `Destination` lies outside the mount: 404, as Cloudreve answers
/// (dav-server would say 502, a server error, for a client's mistake).
pub fn destination_outside(method: &str, dest: Option<&str>, prefix: &str) -> bool {
    matches!(method, "COPY" | "MOVE")
        && dest.is_some_and(|d| {
            let path = destination_path(d);
            DavPath::new(path).is_ok() && in_mount(path, prefix).is_none()
        })
}

/// A DELETE, MOVE or COPY of the mount's root, or a MOVE or COPY onto it, would remove or
/// replace the whole account (dav-server empties an overwritten folder entry by entry), so
/// it is refused as a whole.
pub fn touches_the_root(method: &str, raw_path: &str, dest: Option<&str>, prefix: &str) -> bool {
    let root = |raw: &str| is_mount_root(raw, prefix);
    match method {
        "DELETE" => root(raw_path),
        "MOVE" | "COPY" => root(raw_path) || dest.is_some_and(|d| root(destination_path(d))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_the_if_header() {
        let h = "</dav/a> (<opaquelocktoken:1-2>) (Not <opaquelocktoken:3> [\"etag\"])";
        assert_eq!(
            if_tokens(h),
            vec!["opaquelocktoken:1-2", "opaquelocktoken:3"]
        );
        assert!(if_tokens("").is_empty());
    }

    #[test]
    fn destinations_are_checked() {
        assert!(destination_is_safe("http://h:1/dav/a/b"));
        assert!(!destination_is_safe("http://h:1/dav/%2e%2e/x"));
        assert!(!destination_is_safe("/dav/a%2fb"));
    }

    #[test]
    fn unclosed_if_tokens_are_caught_and_closed_ones_pass() {
        for ok in [
            "</dav/a> (<opaquelocktoken:1-2>) (Not <opaquelocktoken:3> [\"etag\"])",
            "([\"a]b\"])",
            "(< x",
            "",
            "Not",
            "(urn:x)",
        ] {
            assert!(if_header_is_readable(ok.as_bytes()), "{ok}");
        }
        for bad in ["<", "(<opaquelocktoken:1", "([\"etag\"", "[\"a]", "(Not [x"] {
            assert!(!if_header_is_readable(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn a_lone_quote_in_an_etag_list_is_caught() {
        for ok in ["\"a\"", "W/\"a\", \"b\"", "*", "\"\"", "x"] {
            assert!(etag_header_is_readable(ok.as_bytes()), "{ok}");
        }
        for bad in ["\"", "W/\"", "\"a\", \""] {
            assert!(!etag_header_is_readable(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn the_root_is_never_deleted_moved_nor_overwritten() {
        assert!(touches_the_root("DELETE", "/dav", None, "/dav"));
        assert!(touches_the_root("DELETE", "/dav/", None, "/dav"));
        assert!(!touches_the_root("DELETE", "/dav/a", None, "/dav"));
        assert!(touches_the_root(
            "MOVE",
            "/dav/",
            Some("http://h/dav/a"),
            "/dav"
        ));
        assert!(touches_the_root(
            "COPY",
            "/dav/a",
            Some("http://h:1/dav/"),
            "/dav"
        ));
        assert!(touches_the_root("MOVE", "/dav/a", Some("/dav"), "/dav"));
        assert!(!touches_the_root(
            "MOVE",
            "/dav/a",
            Some("http://h/dav/b"),
            "/dav"
        ));
        assert!(!touches_the_root("PROPFIND", "/dav/", None, "/dav"));
    }

    #[test]
    fn destinations_outside_the_mount_are_told_apart() {
        assert!(destination_outside("COPY", Some("http://h:1"), "/dav"));
        assert!(destination_outside(
            "MOVE",
            Some("http://h/other/x"),
            "/dav"
        ));
        assert!(!destination_outside("MOVE", Some("http://h/dav/x"), "/dav"));
        assert!(!destination_outside("MOVE", None, "/dav"));
        assert!(!destination_outside("PUT", Some("/x"), "/dav"));
    }

    #[test]
    fn only_a_propfind_of_infinite_depth_is_refused() {
        assert!(is_infinite_propfind("PROPFIND", Some(" Infinity")));
        assert!(!is_infinite_propfind("PROPFIND", Some("1")));
        assert!(!is_infinite_propfind("PROPFIND", None));
        assert!(!is_infinite_propfind("LOCK", Some("infinity")));
    }
}
