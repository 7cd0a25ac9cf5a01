//! The master ↔ slave protocol (spec §9), shared by both ends: route paths, the request
//! signature of spec §5.6 (`Authorization: Bearer Cr <sig>` over `{Path, Header, Body}`), the
//! signed content URLs, and the JSON bodies (Stratus' variant of Cloudreve's gob replies).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    signature::{self, SignError},
    storage::StorageError,
};

/// Where the slave routes live on a node.
pub const PREFIX: &str = "/api/v4/slave";
/// How long a master's (or slave's) signed request is good for (Cloudreve's
/// `slave_api_timeout`). A verifier refuses expiries further ahead than this plus
/// [`CLOCK_SKEW_SECS`], so an intercepted request cannot be replayed later.
pub const TTL_SECS: i64 = 60;
/// Clock difference between nodes tolerated on top of [`TTL_SECS`].
pub const CLOCK_SKEW_SECS: i64 = 30;
/// The scheme of the `Authorization` value.
pub const SCHEME: &str = "Bearer Cr ";
/// Shortest node secret a slave accepts.
pub const MIN_SECRET_LEN: usize = 64;
/// Header naming the master-side node id of the sender.
pub const NODE_ID_HEADER: &str = "X-Cr-Node-Id";
/// Header carrying the announced size of a whole-object write (signed with the request).
pub const SIZE_HEADER: &str = "X-Cr-Size";

/// What a request signature covers (spec §5.6): Go's `encoding/json` of `{Path, Header,
/// Body}`, with `<`, `>` and `&` escaped as Go escapes them. `headers` are `(name, value)`
/// pairs of the request; only `X-Cr-*` ones but `X-Cr-Filename` count.
pub fn request_content(path: &str, headers: &[(String, String)], body: &str) -> String {
    let mut signed: Vec<String> = headers
        .iter()
        .map(|(name, value)| (canonical(name), value))
        .filter(|(name, _)| name.starts_with("X-Cr-") && name != "X-Cr-Filename")
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    signed.sort();
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Content<'a> {
        path: &'a str,
        header: &'a str,
        body: &'a str,
    }
    let json = serde_json::to_string(&Content {
        path,
        header: &signed.join("&"),
        body,
    })
    .expect("strings serialize");
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Go's canonical header spelling: `x-cr-node-id` → `X-Cr-Node-Id`.
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The `Authorization` value of a request signed with `key` until `expires`.
pub fn authorization(
    key: &[u8],
    path: &str,
    headers: &[(String, String)],
    body: &str,
    expires: i64,
) -> String {
    let content = request_content(path, headers, body);
    format!("{SCHEME}{}", signature::sign(key, &content, expires))
}

/// The `Authorization` value of a request good for [`TTL_SECS`] from now.
pub fn authorization_now(
    key: &[u8],
    path: &str,
    headers: &[(String, String)],
    body: &str,
) -> String {
    authorization(key, path, headers, body, Utc::now().timestamp() + TTL_SECS)
}

/// How far ahead a verified signature may expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// An ordinary request: at most [`TTL_SECS`] (+ skew) ahead.
    Request,
    /// An upload credential handed to a client for the whole session.
    Session,
}

/// Checks a request's `Authorization` value against `key` in constant time: the
/// signature, its expiry, and (for [`Horizon::Request`]) that it expires within the TTL.
pub fn verify_request(
    key: &[u8],
    authorization: Option<&str>,
    path: &str,
    headers: &[(String, String)],
    body: &str,
    horizon: Horizon,
) -> Result<(), SignError> {
    let sig = authorization
        .and_then(|value| value.strip_prefix(SCHEME))
        .ok_or(SignError::Malformed)?;
    check_horizon(sig, horizon)?;
    signature::verify(key, &request_content(path, headers, body), sig)
}

/// Refuses a signature that never expires, or (for requests) one expiring further ahead
/// than a fresh one could.
pub fn check_horizon(sig: &str, horizon: Horizon) -> Result<(), SignError> {
    let (_, expires) = sig.rsplit_once(':').ok_or(SignError::Malformed)?;
    let expires: i64 = expires.parse().map_err(|_| SignError::Malformed)?;
    if expires == 0 {
        return Err(SignError::Expired);
    }
    if horizon == Horizon::Request && expires > Utc::now().timestamp() + TTL_SECS + CLOCK_SKEW_SECS
    {
        return Err(SignError::Expired);
    }
    Ok(())
}

/// A blob key as one path segment (`src` of the content route).
pub fn encode_key(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The key of an `src` segment.
pub fn decode_key(src: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(src.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

/// What a content URL signs: the route, the key, and the response headers it asks for.
pub fn content_subject(src: &str, disposition: &str, content_type: &str) -> String {
    signature::subject(&["slave-content", src, disposition, content_type])
}

/// Path of the content route serving `key` (`:nodeId` is 0: made by the master).
pub fn content_path(key: &str) -> String {
    format!("{PREFIX}/file/content/0/{}/0/blob", encode_key(key))
}

/// Path of the upload session `id`; the chunk route and the client's credential path.
pub fn upload_path(id: &str) -> String {
    format!("{PREFIX}/upload/{id}")
}

/// The session id a relayed upload of `key` has on the node (the master relaying chunks
/// knows only the key).
pub fn relay_session_id(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(key.as_bytes())[..16])
}

/// Whether `id` can name an upload session on a slave (it names a file there).
pub fn valid_session_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An upload session the master opens on a slave (`PUT /slave/upload`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadSession {
    pub id: String,
    /// The blob key on the slave.
    pub key: String,
    pub size: u64,
    /// Bytes per chunk; 0: the whole file in one.
    pub chunk_size: u64,
    /// Unix seconds after which the slave drops the session.
    pub expires: i64,
    /// The master URL the slave calls (signed) once the last chunk is in; `None` when the
    /// master relays the chunks itself and completes on its own.
    #[serde(default)]
    pub callback: Option<String>,
}

/// Body of `PUT /slave/upload`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateUpload {
    pub session: UploadSession,
    #[serde(default)]
    pub overwrite: bool,
}

/// Body of `DELETE /slave/file`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteFiles {
    pub files: Vec<String>,
}

/// A key the slave could not delete, with why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failed {
    pub key: String,
    pub code: i32,
    pub error: String,
}

/// Body of the routes about one key or prefix (`/file/head`, `/file/list`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyBody {
    pub key: String,
}

impl KeyBody {
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
        }
    }
}

/// Reply of `POST /slave/file/thumb`: the stored thumbnail's size, or why the picture cannot
/// be thumbnailed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThumbMade {
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub refused: Option<String>,
}

/// Body of `POST /slave/upload/complete`: finish the relayed upload of `key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Complete {
    pub key: String,
    pub size: u64,
}

/// Body of `POST /slave/file/copy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Copy {
    pub from: String,
    pub to: String,
}

/// One object of `GET /slave/file/list` and `GET /slave/file/head`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Object {
    pub key: String,
    pub size: u64,
    pub modified: DateTime<Utc>,
}

/// Body of `POST /slave/ping`: the master URL the slave pings back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ping {
    pub callback: String,
}

/// The envelope a slave answers with (the same `{code, data, msg}` as the API).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply<T> {
    pub code: i32,
    #[serde(default)]
    pub msg: String,
    pub data: Option<T>,
}

/// The codes a slave answers failures with, and what they mean to the master's driver
/// (the numbers are Cloudreve's codes of the same failures).
pub mod code {
    pub const PARAM: i32 = 40001;
    pub const SIGN_EXPIRED: i32 = 40005;
    pub const NOT_SUPPORTED: i32 = 40006;
    pub const SESSION_GONE: i32 = 40011;
    pub const CHUNK_INDEX: i32 = 40012;
    pub const LENGTH: i32 = 40013;
    pub const NOT_FOUND: i32 = 40044;
    pub const RANGE: i32 = 40045;
    pub const VERSION: i32 = 40061;
    pub const INVALID_SIGN: i32 = 40071;
    pub const NO_SPACE: i32 = 40002;
    pub const PING: i32 = 40060;
    pub const IO: i32 = 50004;
    pub const CALLBACK: i32 = 50007;
}

/// What a failure carries besides its code and message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ErrorData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// The code, message and data a slave answers a storage failure with.
pub fn error_reply(err: &StorageError) -> (i32, String, ErrorData) {
    let msg = err.to_string();
    let none = ErrorData::default();
    match err {
        StorageError::NotFound => (code::NOT_FOUND, msg, none),
        StorageError::RangeNotSatisfiable { size } => (
            code::RANGE,
            msg,
            ErrorData {
                size: Some(*size),
                ..none
            },
        ),
        StorageError::LengthMismatch { expected, got } => (
            code::LENGTH,
            msg,
            ErrorData {
                expected: Some(*expected),
                got: Some(*got),
                ..none
            },
        ),
        StorageError::InvalidKey(_) => (code::PARAM, msg, none),
        StorageError::NoSpace(_) => (code::NO_SPACE, msg, none),
        StorageError::Unsupported(_) => (code::NOT_SUPPORTED, msg, none),
        _ => (code::IO, msg, none),
    }
}

/// The storage failure a slave's answer stands for, on the master.
pub fn error_from(code: i32, msg: String, data: Option<ErrorData>) -> StorageError {
    let data = data.unwrap_or_default();
    match code {
        code::NOT_FOUND | code::SESSION_GONE => StorageError::NotFound,
        code::RANGE => StorageError::RangeNotSatisfiable {
            size: data.size.unwrap_or(0),
        },
        code::LENGTH => StorageError::LengthMismatch {
            expected: data.expected.unwrap_or(0),
            got: data.got.unwrap_or(0),
        },
        code::PARAM | code::CHUNK_INDEX => StorageError::InvalidKey(msg),
        code::NO_SPACE => StorageError::NoSpace(msg),
        code::NOT_SUPPORTED => StorageError::Unsupported("this operation on the node"),
        _ => StorageError::Other(format!("the node answered {code}: {msg}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_content_is_gos_json_of_path_header_body() {
        let headers = vec![
            ("x-cr-node-id".to_owned(), "2".to_owned()),
            ("X-Cr-Filename".to_owned(), "a.txt".to_owned()),
            ("content-type".to_owned(), "text/plain".to_owned()),
            ("X-CR-SITE-ID".to_owned(), "s".to_owned()),
        ];
        assert_eq!(
            request_content("/api/v4/slave/upload", &headers, "{\"a\":\"<&>\"}"),
            r#"{"Path":"/api/v4/slave/upload","Header":"X-Cr-Node-Id=2\u0026X-Cr-Site-Id=s","Body":"{\"a\":\"\u003c\u0026\u003e\"}"}"#
        );
    }

    #[test]
    fn requests_verify_within_their_ttl_only() {
        let key = [7u8; 64];
        let auth = authorization_now(&key, "/p", &[], "b");
        let ok = |auth: &str, h| verify_request(&key, Some(auth), "/p", &[], "b", h);
        assert_eq!(ok(&auth, Horizon::Request), Ok(()));
        assert_eq!(
            verify_request(&[8u8; 64], Some(&auth), "/p", &[], "b", Horizon::Request),
            Err(SignError::Invalid)
        );
        let far = authorization(&key, "/p", &[], "b", Utc::now().timestamp() + 3600);
        assert_eq!(ok(&far, Horizon::Request), Err(SignError::Expired));
        assert_eq!(ok(&far, Horizon::Session), Ok(()));
        let old = authorization(&key, "/p", &[], "b", Utc::now().timestamp() - 1);
        assert_eq!(ok(&old, Horizon::Session), Err(SignError::Expired));
        let never = authorization(&key, "/p", &[], "b", 0);
        assert_eq!(ok(&never, Horizon::Session), Err(SignError::Expired));
        assert_eq!(
            verify_request(&key, None, "/p", &[], "b", Horizon::Request),
            Err(SignError::Malformed)
        );
    }

    #[test]
    fn keys_round_trip_through_a_segment() {
        let key = "uploads/1/a b/ü?.txt";
        let src = encode_key(key);
        assert!(!src.contains('/'));
        assert_eq!(decode_key(&src).as_deref(), Some(key));
        assert_eq!(decode_key("%%"), None);
        assert!(valid_session_id("0b6c-aa_1"));
        assert!(!valid_session_id("../x"));
    }
}
