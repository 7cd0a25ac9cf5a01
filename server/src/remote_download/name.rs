//! The name a downloaded file gets: `Content-Disposition`'s `filename*` (RFC 5987) or
//! `filename`, else the last segment of the URL's path, made safe for the drive.

use percent_encoding::percent_decode_str;
use url::Url;

use crate::fs::uri::validate_name;

/// The name used when neither header nor URL gives one.
pub const FALLBACK: &str = "download";

/// The file name for the answer of `url` with `disposition`.
pub fn file_name(disposition: Option<&str>, url: &Url) -> String {
    disposition
        .and_then(from_disposition)
        .and_then(|n| sanitize(&n))
        .or_else(|| from_url(url).and_then(|n| sanitize(&n)))
        .unwrap_or_else(|| FALLBACK.to_owned())
}

fn from_disposition(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                // charset'language'percent-encoded
                let mut pieces = value.splitn(3, '\'');
                let charset = pieces.next()?;
                let encoded = pieces.nth(1)?;
                if charset.eq_ignore_ascii_case("utf-8") {
                    return percent_decode_str(encoded)
                        .decode_utf8()
                        .ok()
                        .map(|s| s.into_owned());
                }
            }
            "filename" => {
                plain = Some(value.trim_matches('"').replace("\\\"", "\""));
            }
            _ => {}
        }
    }
    plain
}

fn from_url(url: &Url) -> Option<String> {
    let last = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    percent_decode_str(last)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The last path component of `raw` without control characters, trimmed of spaces and dots
/// at its ends and cut to 255 bytes; `None` when nothing valid is left.
pub fn sanitize(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut name = clean.trim().trim_matches('.').trim().to_owned();
    while name.len() > 255 {
        name.pop();
    }
    (!name.is_empty() && validate_name(&name).is_ok()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn names_come_from_the_header_first_then_the_url() {
        let u = url("http://h/dir/a%20b.iso?x=1");
        assert_eq!(file_name(None, &u), "a b.iso");
        assert_eq!(
            file_name(Some("attachment; filename=\"r.txt\""), &u),
            "r.txt"
        );
        assert_eq!(
            file_name(
                Some("attachment; filename=\"x.txt\"; filename*=UTF-8''%E6%96%87.txt"),
                &u
            ),
            "文.txt"
        );
        assert_eq!(file_name(None, &url("http://h/")), FALLBACK);
    }

    #[test]
    fn unsafe_names_are_cleaned() {
        let u = url("http://h/");
        assert_eq!(
            file_name(Some("attachment; filename=\"../../etc/passwd\""), &u),
            "passwd"
        );
        assert_eq!(file_name(Some("attachment; filename=\"..\""), &u), FALLBACK);
        assert_eq!(sanitize("a\u{0}b\nc.txt").as_deref(), Some("abc.txt"));
        assert_eq!(sanitize("C:\\x\\y.bin").as_deref(), Some("y.bin"));
    }
}
