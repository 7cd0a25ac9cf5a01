//! The ownCloud request and answer headers of writes: `X-OC-Mtime` (the client's modified
//! time for the file written), `OC-Checksum` (verified while the body streams: a mismatch
//! refuses the upload and stores nothing), and `OC-FileId` / `OC-ETag` / `ETag` on the answer
//! of PUT, MKCOL, MOVE and COPY, which the clients record so they need not list again.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use md5::{Digest as _, Md5};
use poem::{
    IntoResponse, Request, Response,
    http::{HeaderValue, StatusCode},
};
use sha1::{Digest as _, Sha1};

use super::props::{self, Access};

/// The facts of one request that the ownCloud protocol adds.
pub struct OcRequest {
    /// A Nextcloud client's mount (`/remote.php/…`).
    pub nextcloud: bool,
    pub access: Access,
    /// `X-OC-Mtime`: the modified time to give the file written.
    pub mtime: Option<DateTime<Utc>>,
    /// `OC-Checksum`, when of a type verified here.
    pub checksum: Option<Checksum>,
    /// Set when the body did not match [`Self::checksum`].
    pub mismatch: AtomicBool,
}

impl OcRequest {
    /// Reads the headers of `req`; a malformed `X-OC-Mtime` is refused with 400.
    #[allow(clippy::result_large_err)]
    pub fn of(req: &Request, nextcloud: bool, access: Access) -> Result<Self, Response> {
        let mtime = match req.header("x-oc-mtime") {
            None => None,
            Some(v) => Some(parse_mtime(v).ok_or_else(|| {
                (StatusCode::BAD_REQUEST, "X-OC-Mtime must be a unix time").into_response()
            })?),
        };
        Ok(Self {
            nextcloud,
            access,
            mtime,
            checksum: req.header("oc-checksum").and_then(Checksum::parse),
            mismatch: AtomicBool::new(false),
        })
    }

    /// A request without any of these headers, on a mount of `access`.
    pub fn plain(nextcloud: bool, access: Access) -> Self {
        Self {
            nextcloud,
            access,
            mtime: None,
            checksum: None,
            mismatch: AtomicBool::new(false),
        }
    }

    pub fn mismatched(&self) -> bool {
        self.mismatch.load(Ordering::Acquire)
    }
}

/// Seconds since the epoch, possibly with a fraction (the desktop client sends integers).
fn parse_mtime(v: &str) -> Option<DateTime<Utc>> {
    let secs: f64 = v.trim().parse().ok()?;
    if !secs.is_finite() {
        return None;
    }
    DateTime::from_timestamp(secs.trunc() as i64, (secs.fract().abs() * 1e9) as u32)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Sha1,
    Md5,
}

/// An expected digest: `SHA1:<hex>` or `MD5:<hex>` (the first of a space-separated list
/// that is of a known type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub algo: Algo,
    pub hex: String,
}

impl Checksum {
    pub fn parse(header: &str) -> Option<Self> {
        header.split_whitespace().find_map(|one| {
            let (kind, hex) = one.split_once(':')?;
            let algo = match kind.to_ascii_uppercase().as_str() {
                "SHA1" => Algo::Sha1,
                "MD5" => Algo::Md5,
                _ => return None,
            };
            Some(Checksum {
                algo,
                hex: hex.to_ascii_lowercase(),
            })
        })
    }
}

/// Digests a body as it streams and compares at the end.
pub enum Verifier {
    Sha1(Box<Sha1>, String),
    Md5(Box<Md5>, String),
}

impl Verifier {
    pub fn new(c: &Checksum) -> Self {
        match c.algo {
            Algo::Sha1 => Verifier::Sha1(Box::default(), c.hex.clone()),
            Algo::Md5 => Verifier::Md5(Box::default(), c.hex.clone()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Verifier::Sha1(h, _) => h.update(bytes),
            Verifier::Md5(h, _) => h.update(bytes),
        }
    }

    /// Whether what went through matches.
    pub fn matches(self) -> bool {
        match self {
            Verifier::Sha1(h, want) => hex::encode(h.finalize()) == want,
            Verifier::Md5(h, want) => hex::encode(h.finalize()) == want,
        }
    }
}

/// Adds to a successful write's answer the id and ETag of what it made: `id` and `etag`
/// (unquoted) of the target, when found.
pub fn answer(resp: &mut Response, target: Option<(i64, String)>, mtime_given: bool) {
    let h = resp.headers_mut();
    if let Some((id, etag)) = target {
        let oc_id = format!("{id:08}{}", props::INSTANCE_ID);
        if let Ok(v) = HeaderValue::from_str(&oc_id) {
            h.insert("OC-FileId", v);
        }
        if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
            h.insert("OC-ETag", v.clone());
            h.insert(poem::http::header::ETAG, v);
        }
    }
    if mtime_given {
        h.insert("X-OC-MTime", HeaderValue::from_static("accepted"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_read_and_verified() {
        let c = Checksum::parse("ADLER32:1 SHA1:A9993E364706816ABA3E25717850C26C9CD0D89D").unwrap();
        assert_eq!(c.algo, Algo::Sha1);
        let mut v = Verifier::new(&c);
        v.update(b"ab");
        v.update(b"c");
        assert!(v.matches());
        let c = Checksum::parse("MD5:900150983cd24fb0d6963f7d28e17f72").unwrap();
        let mut v = Verifier::new(&c);
        v.update(b"abd");
        assert!(!v.matches());
        assert_eq!(Checksum::parse("ADLER32:1"), None);
    }

    #[test]
    fn mtimes() {
        assert_eq!(
            parse_mtime("1700000000").unwrap().timestamp(),
            1_700_000_000
        );
        assert_eq!(
            parse_mtime("1700000000.5").unwrap().timestamp_millis(),
            1_700_000_000_500
        );
        assert_eq!(parse_mtime("x"), None);
    }
}
