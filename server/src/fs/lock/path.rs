//! [`LockPath`]: a normalized path inside one user's tree, and the key it is stored under.

use std::{fmt, str::FromStr};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters `encodeURIComponent` leaves alone (spec §4.1).
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// A path that cannot be a [`LockPath`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid lock path: {0}")]
pub struct InvalidLockPath(pub String);

/// A normalized absolute path inside one user's tree: `/` or `/seg/seg…`, with no empty, `.`
/// or `..` segment and no segment holding `/` or NUL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LockPath(String);

impl LockPath {
    /// The user's root folder.
    pub fn root() -> Self {
        LockPath("/".to_owned())
    }

    /// Parses `/a/b`; repeated and trailing slashes are dropped, a missing leading slash is
    /// implied. `.` and `..` segments are refused, not resolved.
    pub fn parse(path: &str) -> Result<Self, InvalidLockPath> {
        Self::from_segments(path.split('/').filter(|s| !s.is_empty()))
    }

    /// The path made of these names, from the root down.
    pub fn from_segments<I, S>(segments: I) -> Result<Self, InvalidLockPath>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut path = String::new();
        for segment in segments {
            let segment = segment.as_ref();
            check_segment(segment)?;
            path.push('/');
            path.push_str(segment);
        }
        if path.is_empty() {
            path.push('/');
        }
        Ok(LockPath(path))
    }

    /// The child `name` of this path.
    pub fn join(&self, name: &str) -> Result<Self, InvalidLockPath> {
        check_segment(name)?;
        Ok(LockPath(if self.is_root() {
            format!("/{name}")
        } else {
            format!("{}/{name}", self.0)
        }))
    }

    /// `/` or `/a/b`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The names from the root down (none for the root).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The last name, `None` for the root.
    pub fn name(&self) -> Option<&str> {
        self.segments().last()
    }

    /// The parent folder's path, `None` for the root.
    pub fn parent(&self) -> Option<LockPath> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.rfind('/').unwrap_or(0);
        Some(if cut == 0 {
            LockPath::root()
        } else {
            LockPath(self.0[..cut].to_owned())
        })
    }

    /// Every proper ancestor, the root first.
    pub fn ancestors(&self) -> Vec<LockPath> {
        let mut out = Vec::new();
        let mut current = self.parent();
        while let Some(path) = current {
            current = path.parent();
            out.push(path);
        }
        out.reverse();
        out
    }

    /// True when `other` lies strictly below this path (`/a/b` is not an ancestor of `/a/bc`).
    pub fn is_ancestor_of(&self, other: &LockPath) -> bool {
        if self.is_root() {
            return !other.is_root();
        }
        other
            .0
            .strip_prefix(&self.0)
            .is_some_and(|rest| rest.starts_with('/'))
    }

    /// The `locks.uri` key of this path in `owner_id`'s tree: `"<owner_id>:/a/b"`.
    pub fn key(&self, owner_id: i64) -> String {
        format!("{owner_id}:{}", self.0)
    }

    /// Splits a key made by [`LockPath::key`].
    pub fn from_key(key: &str) -> Option<(i64, LockPath)> {
        let (owner, path) = key.split_once(':')?;
        let owner = owner.parse().ok()?;
        let parsed = LockPath::parse(path).ok()?;
        (parsed.0 == path).then_some((owner, parsed))
    }

    /// The path as a `my` filesystem URI of its owner: `cloudreve://my/a%20b/c`.
    pub fn to_cloudreve_uri(&self) -> String {
        let mut uri = String::from("cloudreve://my");
        for segment in self.segments() {
            uri.push('/');
            uri.extend(utf8_percent_encode(segment, URI_COMPONENT));
        }
        uri
    }
}

impl fmt::Display for LockPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for LockPath {
    type Err = InvalidLockPath;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LockPath::parse(s)
    }
}

fn check_segment(segment: &str) -> Result<(), InvalidLockPath> {
    if segment.is_empty() || segment == "." || segment == ".." || segment.contains(['/', '\0']) {
        return Err(InvalidLockPath(segment.to_owned()));
    }
    Ok(())
}
