//! `cloudreve://` file URIs: parsing, validation of every path segment, and formatting back to
//! the canonical form the Cloudreve v4 clients send and expect.
//!
//! A URI looks like `cloudreve://[<id>[:<password>]@]<filesystem>/<path>[?<search query>]`
//! (spec §4.1). Parsing is hand-written rather than delegated to a URL library on purpose:
//! WHATWG URL parsers resolve `.` / `..` and `%2e%2e` segments, which would let a URI walk
//! above its root. Here every segment is percent-decoded and then checked with
//! [`validate_name`]; `.` and `..` are refused, never resolved, so an accepted URI always names
//! an object at or below the root of its filesystem.
//!
//! The canonical form, produced by [`FileUri`]'s `Display`, encodes segments like JavaScript's
//! `encodeURIComponent` and has no trailing slash (`cloudreve://my`, `cloudreve://my/Docs/a.txt`).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use thiserror::Error;

/// The URI scheme, compared case-insensitively.
pub const SCHEME: &str = "cloudreve";

/// Longest allowed name, in UTF-8 bytes (Cloudreve refuses 256 and more).
pub const MAX_NAME_BYTES: usize = 255;

/// Characters `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Characters a name may not contain besides separators and control characters. Cloudreve
/// refuses the same set, so names coming from an imported Cloudreve database pass.
const RESERVED_CHARS: &[char] = &[':', '*', '?', '"', '<', '>', '|'];

/// Bidirectional formatting controls: they make a name display as another (`fdp.exe` with
/// U+202E before it reads `exe.pdf`), and no honest name needs them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why a URI or a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UriError {
    /// Not a usable `cloudreve://` URI: wrong scheme, unknown filesystem, missing share id,
    /// bad percent-encoding or invalid UTF-8, or an unparsable search query (code 40001).
    #[error("malformed URI: {0}")]
    Malformed(String),
    /// A path segment or a new name is not an acceptable object name (code 40052).
    #[error("illegal object name: {0}")]
    IllegalName(String),
}

/// The filesystem a URI addresses: the host part of the URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FsKind {
    /// `my`: a user's own files.
    My,
    /// `share`: the files under a share link; the user part is the share id.
    Share,
    /// `trash`: the caller's soft-deleted items.
    Trash,
    /// `shared_with_me`: the flat list of shares the caller saved.
    SharedWithMe,
    /// `snapshot`: a snapshot's tree, read-only; the user part is the snapshot id.
    Snapshot,
}

impl FsKind {
    /// The host name used on the wire (always lower case).
    pub fn as_str(self) -> &'static str {
        match self {
            FsKind::My => "my",
            FsKind::Share => "share",
            FsKind::Trash => "trash",
            FsKind::SharedWithMe => "shared_with_me",
            FsKind::Snapshot => "snapshot",
        }
    }

    /// Parses a host name, ignoring ASCII case; `None` for any other host.
    pub fn from_host(host: &str) -> Option<FsKind> {
        [
            FsKind::My,
            FsKind::Share,
            FsKind::Trash,
            FsKind::SharedWithMe,
            FsKind::Snapshot,
        ]
        .into_iter()
        .find(|fs| fs.as_str().eq_ignore_ascii_case(host))
    }
}

impl fmt::Display for FsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed `cloudreve://` URI.
///
/// `Display` gives the canonical wire form, which includes the share password: do not log
/// it. `Debug` redacts the password.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FileUri {
    /// The filesystem (host part).
    pub fs: FsKind,
    /// The user part: a user hashid for `my` (`None` = the caller), the share hashid for
    /// `share` and the snapshot hashid for `snapshot` (always present after
    /// [`FileUri::parse`]); kept but meaningless for `trash`
    /// and `shared_with_me`.
    pub id: Option<String>,
    /// The share password (`cloudreve://<id>:<password>@share`); `None` when absent or empty.
    pub password: Option<String>,
    /// Decoded names from the root down, each accepted by [`validate_name`].
    segments: Vec<String>,
    /// The raw (still encoded) search query after `?`, if any and non-empty. Only listing
    /// uses it; see [`SearchQuery`](super::search::SearchQuery).
    pub query: Option<String>,
}

impl FileUri {
    /// Parses a URI, decoding and validating every path segment.
    ///
    /// Rules: the scheme is `cloudreve` in any case; the host is one of the four filesystems
    /// in any case; `share` needs an id; trailing and repeated slashes are ignored; each
    /// segment is percent-decoded as UTF-8 and must pass [`validate_name`] (so `%2F`, `%00`,
    /// `.` and `%2e%2e` are refused); the query after `?` is kept raw; a `#` fragment is
    /// refused, because Cloudreve would silently drop it and act on another path.
    pub fn parse(input: &str) -> Result<FileUri, UriError> {
        if input.chars().any(char::is_control) {
            return Err(malformed("control character in URI"));
        }
        let (scheme, rest) = input
            .split_once("://")
            .ok_or_else(|| malformed("expected cloudreve://"))?;
        if !scheme.eq_ignore_ascii_case(SCHEME) {
            return Err(malformed(format!("unknown scheme {scheme:?}")));
        }
        if rest.contains('#') {
            return Err(malformed("URI fragments (#) are not allowed"));
        }
        let (rest, query) = match rest.split_once('?') {
            Some((before, q)) => (before, (!q.is_empty()).then(|| q.to_owned())),
            None => (rest, None),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((user, host)) => (Some(user), host),
            None => (None, authority),
        };
        let fs = FsKind::from_host(host)
            .ok_or_else(|| malformed(format!("unknown filesystem {host:?}")))?;

        let (mut id, mut password) = (None, None);
        if let Some(userinfo) = userinfo {
            let (user, pass) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            id = Some(percent_decode_strict(user)?).filter(|s| !s.is_empty());
            password = match pass {
                Some(p) => Some(percent_decode_strict(p)?).filter(|s| !s.is_empty()),
                None => None,
            };
        }
        if fs == FsKind::Share && id.is_none() {
            return Err(malformed("a share URI needs the share id"));
        }
        if fs == FsKind::Snapshot && id.is_none() {
            return Err(malformed("a snapshot URI needs the snapshot id"));
        }

        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|raw| {
                let name = percent_decode_strict(raw)?;
                validate_name(&name)?;
                Ok(name)
            })
            .collect::<Result<Vec<_>, UriError>>()?;

        Ok(FileUri {
            fs,
            id,
            password,
            segments,
            query,
        })
    }

    /// The root of a filesystem, without password or query. `root(FsKind::Share, None)`
    /// formats to a URI that [`FileUri::parse`] refuses; give share roots their id.
    pub fn root(fs: FsKind, id: Option<String>) -> FileUri {
        FileUri {
            fs,
            id,
            password: None,
            segments: Vec::new(),
            query: None,
        }
    }

    /// The decoded names from the root down; empty at the root.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The last name, or `None` at the root.
    pub fn name(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    /// Number of segments below the root (0 at the root).
    pub fn depth(&self) -> usize {
        self.segments.len()
    }

    /// Whether this is the root of its filesystem.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The decoded path, `/` at the root, else `/a/b` (unambiguous: names hold no `/`).
    pub fn path(&self) -> String {
        if self.segments.is_empty() {
            return "/".to_owned();
        }
        self.segments.iter().fold(String::new(), |mut acc, s| {
            acc.push('/');
            acc.push_str(s);
            acc
        })
    }

    /// The containing folder (same filesystem, id and password, no query), or `None` at the
    /// root.
    pub fn parent(&self) -> Option<FileUri> {
        let (_, parent) = self.segments.split_last()?;
        Some(FileUri {
            segments: parent.to_vec(),
            query: None,
            ..self.clone()
        })
    }

    /// The child `name` of this URI (query dropped), after checking `name` with
    /// [`validate_name`].
    pub fn join(&self, name: &str) -> Result<FileUri, UriError> {
        validate_name(name)?;
        let mut child = self.without_query();
        child.segments.push(name.to_owned());
        Ok(child)
    }

    /// The same URI without its search query.
    pub fn without_query(&self) -> FileUri {
        FileUri {
            query: None,
            ..self.clone()
        }
    }

    /// Whether `self` is `ancestor` or lies below it: same filesystem and id, and
    /// `ancestor`'s segments are a prefix of `self`'s (password and query are ignored).
    /// Ids are compared as written: normalise a `my` URI's missing id to the caller's hashid
    /// first if the two URIs may differ in that respect.
    pub fn is_same_or_descendant_of(&self, ancestor: &FileUri) -> bool {
        self.fs == ancestor.fs
            && self.id == ancestor.id
            && self.segments.starts_with(&ancestor.segments)
    }
}

impl fmt::Display for FileUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SCHEME}://")?;
        if self.id.is_some() || self.password.is_some() {
            let id = self.id.as_deref().unwrap_or_default();
            write!(f, "{}", utf8_percent_encode(id, COMPONENT))?;
            if let Some(password) = &self.password {
                write!(f, ":{}", utf8_percent_encode(password, COMPONENT))?;
            }
            f.write_str("@")?;
        }
        f.write_str(self.fs.as_str())?;
        for segment in &self.segments {
            write!(f, "/{}", utf8_percent_encode(segment, COMPONENT))?;
        }
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FileUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUri")
            .field("fs", &self.fs)
            .field("id", &self.id)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("segments", &self.segments)
            .field("query", &self.query)
            .finish()
    }
}

impl std::str::FromStr for FileUri {
    type Err = UriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FileUri::parse(s)
    }
}

/// Checks a single object name (a decoded URI segment, or the name of a new or renamed
/// object).
///
/// Refused: the empty name; more than [`MAX_NAME_BYTES`] bytes; `.` and `..`; `/` and `\`;
/// NUL and every other control character; `: * ? " < > |` (Cloudreve's reserved set); the
/// bidirectional formatting controls.
///
/// Names ending in a space or a dot are accepted although Windows cannot store them:
/// Cloudreve accepts them, so drives imported from Cloudreve may hold such names, and
/// refusing them here would make those objects unreachable through any URI. WebDAV clients
/// on Windows show them oddly, which is a client limitation, not a safety issue.
pub fn validate_name(name: &str) -> Result<(), UriError> {
    if name.is_empty() {
        return Err(illegal("the name is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(illegal(format!(
            "the name is longer than {MAX_NAME_BYTES} bytes"
        )));
    }
    if name == "." || name == ".." {
        return Err(illegal(format!("{name:?} is not a name")));
    }
    if let Some(c) = name.chars().find(|&c| {
        c == '/' || c == '\\' || c.is_control() || is_bidi_control(c) || RESERVED_CHARS.contains(&c)
    }) {
        return Err(illegal(format!("{name:?} contains the character {c:?}")));
    }
    Ok(())
}

/// Percent-decodes `input` strictly: every `%` must start a two-digit hex escape and the
/// result must be UTF-8. `+` stays a `+` (form decoding is the search query's business).
pub(crate) fn percent_decode_strict(input: &str) -> Result<String, UriError> {
    if !input.contains('%') {
        return Ok(input.to_owned());
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |at: usize| bytes.get(at).and_then(|&b| char::from(b).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                // Both digits are below 16, so the byte cannot overflow.
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(malformed("invalid percent-encoding")),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| malformed("percent-encoded bytes are not UTF-8"))
}

fn malformed(msg: impl Into<String>) -> UriError {
    UriError::Malformed(msg.into())
}

fn illegal(msg: impl Into<String>) -> UriError {
    UriError::IllegalName(msg.into())
}

#[cfg(test)]
mod tests;
