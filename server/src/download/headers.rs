//! Pure HTTP helpers for content responses: `Range`, entity-tag conditions, dates,
//! `Content-Disposition` and the headers that confine content to its own origin.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use poem::http::{HeaderMap, HeaderValue, header};

use crate::storage::ByteRange;

/// What a `Range` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable header (absent, not `bytes`, or malformed, which RFC 9110 says to ignore).
    Whole,
    /// One range.
    One(ByteRange),
    /// Several ranges. Stratus does not send `multipart/byteranges`; it answers with the
    /// whole body (200), which RFC 9110 allows.
    Many,
}

/// Parses a `Range` header value.
pub fn parse_range(value: Option<&str>) -> RangeRequest {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Whole;
    };
    let parts: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let parsed: Option<Vec<ByteRange>> = parts.iter().map(|p| parse_one(p)).collect();
    match parsed.as_deref() {
        Some([one]) => RangeRequest::One(*one),
        Some([_, _, ..]) => RangeRequest::Many,
        _ => RangeRequest::Whole,
    }
}

fn parse_one(part: &str) -> Option<ByteRange> {
    let (start, end) = part.split_once('-')?;
    let num = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => Some(ByteRange::Suffix(num(end)?)),
        (false, true) => Some(ByteRange::From(num(start)?)),
        (false, false) => {
            let (s, e) = (num(start)?, num(end)?);
            (s <= e).then_some(ByteRange::FromTo(s, e))
        }
        (true, true) => None,
    }
}

/// Whether a GET with this `Range` header serves content of `size` bytes from its first byte:
/// no usable range, several (answered whole), or one that starts at byte 0 once resolved (a
/// suffix range covering everything included). Such a GET is a new download; one from a later
/// byte goes on with a download (a player seeking, a transfer resumed).
pub fn from_first_byte(range: Option<&str>, size: u64) -> bool {
    match parse_range(range) {
        RangeRequest::Whole | RangeRequest::Many => true,
        RangeRequest::One(r) => r.resolve(size).is_ok_and(|(start, _)| start == 0),
    }
}

/// Whether an `If-None-Match` / `If-Match` list names `etag` (`*` names any). `weak`
/// ignores `W/` prefixes (If-None-Match); strong comparison refuses weak tags (If-Match).
pub fn etag_listed(header: &str, etag: &str, weak: bool) -> bool {
    header.split(',').map(str::trim).any(|tag| {
        if tag == "*" {
            return true;
        }
        match tag.strip_prefix("W/") {
            Some(bare) => weak && bare == etag,
            None => tag == etag,
        }
    })
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parses an HTTP date in the IMF-fixdate form.
pub fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether a browser navigating to content of this type would render it as a document
/// (HTML, XHTML, SVG, XML). Such content is never served inline, even under the sandbox CSP.
pub fn renders_as_page(mime: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "text/html" | "application/xhtml+xml" | "image/svg+xml" | "text/xml" | "application/xml"
    ) || mime.ends_with("+xml")
}

/// Sets the headers that keep served content from running as a page of the site's origin,
/// where the web UI keeps its session: a document a browser renders anyway gets a unique
/// origin without scripts (`sandbox`), and the declared type is taken as it is (`nosniff`).
/// Every answer carrying users' bytes sets them: the content route, `/dav` and the S3
/// endpoint.
pub fn confine(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// RFC 5987 `attr-char`s are kept, everything else escaped.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` or `inline`, with an ASCII `filename` fallback (anything else becomes `_`)
/// and the exact name as `filename*=UTF-8''...`.
pub fn disposition(attachment: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        if attachment { "attachment" } else { "inline" },
        utf8_percent_encode(name, ATTR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranges_parse_like_rfc_9110() {
        use ByteRange::*;
        let p = |v| parse_range(Some(v));
        assert_eq!(p("bytes=0-99"), RangeRequest::One(FromTo(0, 99)));
        assert_eq!(p("bytes=100-"), RangeRequest::One(From(100)));
        assert_eq!(p("bytes=-5"), RangeRequest::One(Suffix(5)));
        assert_eq!(p(" bytes= 1 - 2 "), RangeRequest::One(FromTo(1, 2)));
        assert_eq!(p("bytes=0-1,5-6"), RangeRequest::Many);
        for ignored in [
            "bytes=",
            "bytes=-",
            "bytes=5-1",
            "bytes=a-b",
            "items=0-1",
            "bytes=+1-2",
        ] {
            assert_eq!(p(ignored), RangeRequest::Whole, "{ignored}");
        }
        assert_eq!(parse_range(None), RangeRequest::Whole);
    }

    #[test]
    fn a_download_starts_at_the_first_byte() {
        for starts in [
            None,
            Some("bytes=0-"),
            Some("bytes=0-0"),
            Some("bytes=-10"),
            Some("bytes=-99"),
            Some("bytes=5-6,0-1"),
            Some("items=3-"),
        ] {
            assert!(from_first_byte(starts, 10), "{starts:?}");
        }
        for goes_on in [Some("bytes=1-"), Some("bytes=-9"), Some("bytes=10-")] {
            assert!(!from_first_byte(goes_on, 10), "{goes_on:?}");
        }
    }

    #[test]
    fn entity_tags_compare_weakly_or_strongly() {
        let tag = "\"abc\"";
        assert!(etag_listed("\"x\", \"abc\"", tag, true));
        assert!(etag_listed("W/\"abc\"", tag, true));
        assert!(!etag_listed("W/\"abc\"", tag, false));
        assert!(etag_listed("*", tag, false));
        assert!(!etag_listed("\"abd\"", tag, true));
    }

    #[test]
    fn dates_round_trip() {
        let t = DateTime::parse_from_rfc3339("1994-11-06T08:49:37Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn markup_is_recognised() {
        for page in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "application/rss+xml",
        ] {
            assert!(renders_as_page(page), "{page}");
        }
        for other in [
            "text/plain",
            "image/png",
            "application/octet-stream",
            "video/mp4",
        ] {
            assert!(!renders_as_page(other), "{other}");
        }
    }

    #[test]
    fn dispositions_carry_an_ascii_fallback_and_the_utf8_name() {
        assert_eq!(
            disposition(true, "naïve résumé.txt"),
            "attachment; filename=\"na_ve r_sum_.txt\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt"
        );
        assert_eq!(
            disposition(false, "a\"b\\c.txt"),
            "inline; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt"
        );
    }

    /// A `Range`-like header: the pieces a real one is made of, in any order and number.
    fn range_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("bytes=".to_owned()),
            Just("-".to_owned()),
            Just(",".to_owned()),
            Just(" ".to_owned()),
            any::<u64>().prop_map(|n| n.to_string()),
            "[0-9]{1,30}",
            ".{0,3}",
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn any_range_header_parses_to_a_range_that_stays_inside(
            header in prop_oneof![range_like(), ".{0,40}"],
            size in 0u64..1 << 40,
        ) {
            let request = parse_range(Some(&header));
            if let RangeRequest::One(r) = request
                && let Ok((start, end)) = r.resolve(size)
            {
                prop_assert!(start <= end && end < size, "{:?} of {} in {}", r, header, size);
            }
            let _ = from_first_byte(Some(&header), size);
        }

        #[test]
        fn written_ranges_read_back(start in any::<u64>(), end in any::<u64>(), n in any::<u64>()) {
            let p = |v: String| parse_range(Some(&v));
            let expected = if start <= end {
                RangeRequest::One(ByteRange::FromTo(start, end))
            } else {
                RangeRequest::Whole
            };
            prop_assert_eq!(p(format!("bytes={start}-{end}")), expected);
            prop_assert_eq!(p(format!("bytes={start}-")), RangeRequest::One(ByteRange::From(start)));
            prop_assert_eq!(p(format!("bytes=-{n}")), RangeRequest::One(ByteRange::Suffix(n)));
        }

        #[test]
        fn dispositions_are_always_valid_header_values(attachment in any::<bool>(), name in "\\PC{0,40}|.{0,40}") {
            let value = disposition(attachment, &name);
            prop_assert!(HeaderValue::from_str(&value).is_ok(), "{}", value);
            prop_assert_eq!(value.matches('"').count(), 2);
        }

        #[test]
        fn dates_and_tags_never_panic(value in ".{0,60}", tag in ".{0,10}") {
            let _ = parse_http_date(&value);
            let _ = etag_listed(&value, &tag, true);
            let _ = etag_listed(&value, &tag, false);
        }
    }
}
