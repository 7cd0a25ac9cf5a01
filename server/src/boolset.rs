//! Boolsets: compact flag sets, wire-compatible with Cloudreve v4.
//!
//! Flag *n* lives in byte `n / 8`, bit `n % 8` (least significant bit first).
//! Missing bytes read as `false`, and a [`Boolset`] is always kept at its minimal
//! length (no trailing zero bytes), so equal sets have equal bytes. In JSON a
//! boolset is the standard base64 (with padding) of its bytes, as Go encodes a
//! `[]byte`; in the database it is stored as the raw bytes.
//!
//! The named flag numbers live in [`group_perm`], [`fs_cap`], [`dav_opt`] and
//! [`node_cap`]; the functions at the bottom build the standard sets.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

/// Group permission flags (`group.permissions`).
pub mod group_perm {
    /// Member of an administrator group.
    pub const IS_ADMIN: usize = 0;
    /// The anonymous (guest) group.
    pub const IS_ANONYMOUS: usize = 1;
    /// May create share links.
    pub const SHARE: usize = 2;
    /// May use WebDAV.
    pub const WEBDAV: usize = 3;
    /// May download several files as a server-side zip (archive download).
    pub const ARCHIVE_DOWNLOAD: usize = 4;
    /// May run compress / extract tasks.
    pub const ARCHIVE_TASK: usize = 5;
    /// May enable the proxy option of WebDAV accounts.
    pub const WEBDAV_PROXY: usize = 6;
    /// May access and download other people's shares.
    pub const SHARE_DOWNLOAD: usize = 7;
    /// May create remote (offline) downloads.
    pub const REMOTE_DOWNLOAD: usize = 9;
    /// Direct links redirect to the storage (the behaviour follows the group
    /// setting `redirected_source`; the flag exists for compatibility).
    pub const REDIRECTED_SOURCE: usize = 11;
    /// May use advanced delete (unlink only / skip trash).
    pub const ADVANCE_DELETE: usize = 12;
    /// Ignores file ownership checks (defined, not used).
    pub const IGNORE_FILE_PERMISSION: usize = 16;
    /// One direct link per file (defined by newer frontends).
    pub const UNIQUE_DIRECT_LINK: usize = 17;
    /// May take snapshots of folders (Stratus extension).
    pub const SNAPSHOT: usize = 20;
    /// May have keys for the S3 endpoint (Stratus extension).
    pub const S3: usize = 21;
    /// May share folders and files with people and groups, without a link (Stratus
    /// extension).
    pub const SHARE_PEOPLE: usize = 22;
}

/// Filesystem (navigator) capability flags, sent as `props.capability` and as each
/// file's `capability`. Bits 2–5, 11–13, 21 and 22 are paid-edition placeholders.
pub mod fs_cap {
    /// Create files and folders.
    pub const CREATE: usize = 0;
    /// Rename.
    pub const RENAME: usize = 1;
    /// Upload.
    pub const UPLOAD: usize = 6;
    /// Download.
    pub const DOWNLOAD: usize = 7;
    /// Update metadata.
    pub const UPDATE_METADATA: usize = 8;
    /// List children.
    pub const LIST_CHILDREN: usize = 9;
    /// Generate thumbnails.
    pub const GENERATE_THUMB: usize = 10;
    /// Permanent delete.
    pub const DELETE: usize = 14;
    /// Lock (WebDAV).
    pub const LOCK: usize = 15;
    /// Soft delete (move to trash).
    pub const SOFT_DELETE: usize = 16;
    /// Restore from trash.
    pub const RESTORE: usize = 17;
    /// Create share links.
    pub const SHARE: usize = 18;
    /// Show file info.
    pub const INFO: usize = 19;
    /// Version control.
    pub const VERSION_CONTROL: usize = 20;
    /// Enter folders.
    pub const ENTER_FOLDER: usize = 23;
    /// Modify props (view settings).
    pub const MODIFY_PROPS: usize = 24;
}

/// WebDAV account option flags (`dav_accounts.options`).
pub mod dav_opt {
    /// The account is read-only.
    pub const READ_ONLY: usize = 0;
    /// Downloads are proxied through the server.
    pub const PROXY: usize = 1;
    /// Operating-system junk files (`.DS_Store`, `._*`, `Thumbs.db`, `desktop.ini`) are
    /// refused on upload and hidden from listings.
    pub const BLOCK_JUNK: usize = 2;
}

/// Storage node capability flags (`nodes.capabilities`). Bit 0 means "none" and
/// bit 4 is a placeholder (relocate).
pub mod node_cap {
    /// Can create archives.
    pub const CREATE_ARCHIVE: usize = 1;
    /// Can extract archives.
    pub const EXTRACT_ARCHIVE: usize = 2;
    /// Can run remote downloads.
    pub const REMOTE_DOWNLOAD: usize = 3;
}

/// A boolset string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BoolsetError {
    /// The string is not standard base64 with padding.
    #[error("invalid boolset: not standard base64")]
    InvalidBase64,
}

/// A set of numbered flags, stored as a minimal little-endian bit array.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Boolset(Vec<u8>);

impl Boolset {
    /// The empty set.
    pub fn new() -> Boolset {
        Boolset(Vec::new())
    }

    /// A set with exactly the given flags enabled.
    pub fn from_flags(flags: &[usize]) -> Boolset {
        let mut set = Boolset::new();
        for &flag in flags {
            set.set(flag);
        }
        set
    }

    /// A set from its raw bytes (for example a database column). Trailing zero
    /// bytes are dropped.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Boolset {
        let mut set = Boolset(bytes.into());
        set.trim();
        set
    }

    /// Parses standard base64 with padding (the JSON form).
    pub fn from_base64(s: &str) -> Result<Boolset, BoolsetError> {
        STANDARD
            .decode(s)
            .map(Boolset::from_bytes)
            .map_err(|_| BoolsetError::InvalidBase64)
    }

    /// Enables flag `n`.
    pub fn set(&mut self, n: usize) {
        let byte = n / 8;
        if self.0.len() <= byte {
            self.0.resize(byte + 1, 0);
        }
        self.0[byte] |= 1 << (n % 8);
    }

    /// Disables flag `n`, keeping the bytes minimal.
    pub fn clear(&mut self, n: usize) {
        if let Some(b) = self.0.get_mut(n / 8) {
            *b &= !(1 << (n % 8));
            self.trim();
        }
    }

    /// Enables or disables flag `n`.
    pub fn set_to(&mut self, n: usize, enabled: bool) {
        if enabled {
            self.set(n);
        } else {
            self.clear(n);
        }
    }

    /// Whether flag `n` is enabled; flags beyond the stored bytes are `false`.
    pub fn enabled(&self, n: usize) -> bool {
        self.0.get(n / 8).is_some_and(|b| b & (1 << (n % 8)) != 0)
    }

    /// Whether every flag of `other` is enabled here.
    pub fn contains_all(&self, other: &Boolset) -> bool {
        other
            .0
            .iter()
            .enumerate()
            .all(|(i, &b)| self.0.get(i).copied().unwrap_or(0) & b == b)
    }

    /// Whether no flag is enabled.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The enabled flags, in increasing order.
    pub fn flags(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &b)| {
            (0..8)
                .filter(move |bit| b & (1 << bit) != 0)
                .map(move |bit| i * 8 + bit)
        })
    }

    /// The raw bytes (what the database stores).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The raw bytes, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Standard base64 with padding (the JSON form).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl fmt::Debug for Boolset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Boolset")?;
        f.debug_set().entries(self.flags()).finish()
    }
}

impl FromIterator<usize> for Boolset {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Boolset {
        let mut set = Boolset::new();
        for flag in iter {
            set.set(flag);
        }
        set
    }
}

impl Serialize for Boolset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Boolset {
    /// Accepts the base64 string; `null` (Go's nil `[]byte`) is the empty set.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Boolset, D::Error> {
        struct BoolsetVisitor;

        impl<'de> Visitor<'de> for BoolsetVisitor {
            type Value = Boolset;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64-encoded boolset")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Boolset, E> {
                Boolset::from_base64(v).map_err(E::custom)
            }

            fn visit_none<E: de::Error>(self) -> Result<Boolset, E> {
                Ok(Boolset::new())
            }

            fn visit_unit<E: de::Error>(self) -> Result<Boolset, E> {
                Ok(Boolset::new())
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Boolset, D::Error> {
                d.deserialize_str(BoolsetVisitor)
            }
        }

        deserializer.deserialize_option(BoolsetVisitor)
    }
}

/// Flags of the `my` filesystem.
pub const MY_FS_FLAGS: &[usize] = &[
    fs_cap::CREATE,
    fs_cap::RENAME,
    fs_cap::UPLOAD,
    fs_cap::DOWNLOAD,
    fs_cap::UPDATE_METADATA,
    fs_cap::LIST_CHILDREN,
    fs_cap::GENERATE_THUMB,
    fs_cap::DELETE,
    fs_cap::LOCK,
    fs_cap::SOFT_DELETE,
    fs_cap::SHARE,
    fs_cap::INFO,
    fs_cap::VERSION_CONTROL,
    fs_cap::ENTER_FOLDER,
    fs_cap::MODIFY_PROPS,
];

/// Flags of the `share` filesystem.
pub const SHARE_FS_FLAGS: &[usize] = &[
    fs_cap::DOWNLOAD,
    fs_cap::LIST_CHILDREN,
    fs_cap::GENERATE_THUMB,
    fs_cap::LOCK,
    fs_cap::INFO,
    fs_cap::VERSION_CONTROL,
    fs_cap::ENTER_FOLDER,
    fs_cap::MODIFY_PROPS,
];

/// Flags of the `snapshot` filesystem: read-only, so nothing that changes a file.
pub const SNAPSHOT_FS_FLAGS: &[usize] = &[
    fs_cap::DOWNLOAD,
    fs_cap::LIST_CHILDREN,
    fs_cap::GENERATE_THUMB,
    fs_cap::INFO,
    fs_cap::ENTER_FOLDER,
];

/// Flags of the `trash` filesystem.
pub const TRASH_FS_FLAGS: &[usize] = &[
    fs_cap::LIST_CHILDREN,
    fs_cap::DELETE,
    fs_cap::LOCK,
    fs_cap::RESTORE,
    fs_cap::INFO,
];

/// Flags of the `shared_with_me` filesystem.
pub const SHARED_WITH_ME_FS_FLAGS: &[usize] = &[
    fs_cap::DOWNLOAD,
    fs_cap::LIST_CHILDREN,
    fs_cap::ENTER_FOLDER,
];

/// Permissions of the default Admin group (id 1).
pub const ADMIN_GROUP_FLAGS: &[usize] = &[
    group_perm::IS_ADMIN,
    group_perm::SHARE,
    group_perm::WEBDAV,
    group_perm::ARCHIVE_DOWNLOAD,
    group_perm::ARCHIVE_TASK,
    group_perm::WEBDAV_PROXY,
    group_perm::SHARE_DOWNLOAD,
    group_perm::REMOTE_DOWNLOAD,
    group_perm::REDIRECTED_SOURCE,
    group_perm::ADVANCE_DELETE,
    group_perm::IGNORE_FILE_PERMISSION,
    group_perm::SNAPSHOT,
    group_perm::S3,
    group_perm::SHARE_PEOPLE,
];

/// Permissions of the default User group (id 2) of a new install: sharing, WebDAV (and so the
/// Nextcloud sync apps), snapshots and S3 keys. An existing install keeps its groups as they are.
pub const USER_GROUP_FLAGS: &[usize] = &[
    group_perm::SHARE,
    group_perm::WEBDAV,
    group_perm::SHARE_DOWNLOAD,
    group_perm::REDIRECTED_SOURCE,
    group_perm::SNAPSHOT,
    group_perm::S3,
    group_perm::SHARE_PEOPLE,
];

/// Permissions of the default Anonymous group (id 3).
pub const ANONYMOUS_GROUP_FLAGS: &[usize] = &[group_perm::IS_ANONYMOUS, group_perm::SHARE_DOWNLOAD];

/// Default capabilities of the master node.
pub const MASTER_NODE_FLAGS: &[usize] = &[
    node_cap::CREATE_ARCHIVE,
    node_cap::EXTRACT_ARCHIVE,
    node_cap::REMOTE_DOWNLOAD,
];

/// Capabilities of the `my` filesystem (`w8edAQ==`).
pub fn my_fs_capabilities() -> Boolset {
    Boolset::from_flags(MY_FS_FLAGS)
}

/// Capabilities of the `share` filesystem (`gIaYAQ==`).
pub fn share_fs_capabilities() -> Boolset {
    Boolset::from_flags(SHARE_FS_FLAGS)
}

/// Capabilities of the `trash` filesystem (`AMIK`).
pub fn trash_fs_capabilities() -> Boolset {
    Boolset::from_flags(TRASH_FS_FLAGS)
}

/// Capabilities of the `shared_with_me` filesystem (`gAKA`).
pub fn shared_with_me_fs_capabilities() -> Boolset {
    Boolset::from_flags(SHARED_WITH_ME_FS_FLAGS)
}

/// Permissions of the default Admin group (`/RoB`).
pub fn admin_group_permissions() -> Boolset {
    Boolset::from_flags(ADMIN_GROUP_FLAGS)
}

/// Permissions of the default User group (`jAhw`).
pub fn user_group_permissions() -> Boolset {
    Boolset::from_flags(USER_GROUP_FLAGS)
}

/// Permissions of the default Anonymous group (`gg==`).
pub fn anonymous_group_permissions() -> Boolset {
    Boolset::from_flags(ANONYMOUS_GROUP_FLAGS)
}

/// Default capabilities of the master node (`Dg==`).
pub fn master_node_capabilities() -> Boolset {
    Boolset::from_flags(MASTER_NODE_FLAGS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_values() {
        let cases: &[(Boolset, &str)] = &[
            (my_fs_capabilities(), "w8edAQ=="),
            (share_fs_capabilities(), "gIaYAQ=="),
            (trash_fs_capabilities(), "AMIK"),
            (shared_with_me_fs_capabilities(), "gAKA"),
            // Cloudreve's "/RoB" and "hAg=", with Stratus' snapshot bit 20, S3 keys bit 21
            // and sharing with people, bit 22; a new install's users also have WebDAV (bit 3),
            // which the sync apps need, and S3 keys.
            (admin_group_permissions(), "/Rpx"),
            (user_group_permissions(), "jAhw"),
            (anonymous_group_permissions(), "gg=="),
            (Boolset::from_flags(&[dav_opt::READ_ONLY]), "AQ=="),
            (Boolset::from_flags(&[dav_opt::PROXY]), "Ag=="),
            (master_node_capabilities(), "Dg=="),
        ];
        for (set, expected) in cases {
            assert_eq!(set.to_base64(), *expected, "{set:?}");
            assert_eq!(&Boolset::from_base64(expected).unwrap(), set);
        }
    }

    #[test]
    fn bit_layout() {
        let set = Boolset::from_flags(&[0, 9, 23]);
        assert_eq!(set.as_bytes(), &[0b0000_0001, 0b0000_0010, 0b1000_0000]);
        assert_eq!(set.flags().collect::<Vec<_>>(), vec![0, 9, 23]);
        assert!(Boolset::new().is_empty());
        assert_eq!(Boolset::new().to_base64(), "");
    }

    #[test]
    fn set_and_clear_keep_minimal_length() {
        let mut set = Boolset::new();
        set.set(3);
        set.set(17);
        assert_eq!(set.as_bytes().len(), 3);
        assert!(set.enabled(3) && set.enabled(17));
        assert!(!set.enabled(4));
        set.clear(17);
        assert_eq!(set.as_bytes(), &[0b0000_1000]);
        set.clear(100); // beyond the length: no-op
        assert_eq!(set.as_bytes(), &[0b0000_1000]);
        set.set_to(3, false);
        assert!(set.is_empty());
        assert_eq!(set.as_bytes(), &[] as &[u8]);
        set.set_to(8, true);
        assert_eq!(set.as_bytes(), &[0, 1]);
    }

    #[test]
    fn enabled_beyond_length_is_false() {
        let set = Boolset::from_flags(&[1]);
        assert!(set.enabled(1));
        for n in [2, 8, 9, 64, 1_000_000, usize::MAX] {
            assert!(!set.enabled(n), "{n}");
        }
        assert!(!Boolset::new().enabled(0));
    }

    #[test]
    fn from_bytes_trims() {
        let set = Boolset::from_bytes(vec![4, 0, 0]);
        assert_eq!(set.as_bytes(), &[4]);
        assert_eq!(set, Boolset::from_flags(&[2]));
        assert_eq!(
            Boolset::from_base64("BAAA").unwrap(),
            Boolset::from_flags(&[2])
        );
    }

    #[test]
    fn round_trip() {
        let set: Boolset = [0, 5, 8, 15, 16, 31, 40].into_iter().collect();
        let b64 = set.to_base64();
        assert_eq!(Boolset::from_base64(&b64).unwrap(), set);
        assert_eq!(Boolset::from_bytes(set.clone().into_bytes()), set);
    }

    #[test]
    fn contains_all() {
        let admin = admin_group_permissions();
        assert!(admin.contains_all(&Boolset::from_flags(&[group_perm::SHARE])));
        assert!(!admin.contains_all(&Boolset::from_flags(&[group_perm::IS_ANONYMOUS])));
        assert!(admin.contains_all(&Boolset::new()));
        assert!(!Boolset::new().contains_all(&Boolset::from_flags(&[40])));
    }

    #[test]
    fn invalid_base64_rejected() {
        for bad in ["!!!!", "gg", "g===", "w8edAQ", "AQ==AQ==", "gg== ", "-_-_"] {
            assert_eq!(
                Boolset::from_base64(bad),
                Err(BoolsetError::InvalidBase64),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn serde_as_base64_string() {
        let set = user_group_permissions();
        assert_eq!(serde_json::to_string(&set).unwrap(), "\"jAhw\"");
        let back: Boolset = serde_json::from_str("\"jAhw\"").unwrap();
        assert_eq!(back, set);
        let empty: Boolset = serde_json::from_str("null").unwrap();
        assert!(empty.is_empty());
        let empty: Boolset = serde_json::from_str("\"\"").unwrap();
        assert!(empty.is_empty());
        assert!(serde_json::from_str::<Boolset>("\"%%%\"").is_err());
        assert!(serde_json::from_str::<Boolset>("[1,2]").is_err());

        #[derive(Serialize, Deserialize)]
        struct Wrapper {
            capability: Boolset,
        }
        let w: Wrapper = serde_json::from_str(r#"{"capability":"gAKA"}"#).unwrap();
        assert_eq!(w.capability, shared_with_me_fs_capabilities());
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"capability":"gAKA"}"#
        );
    }

    #[test]
    fn debug_lists_flags() {
        assert_eq!(
            format!("{:?}", Boolset::from_flags(&[1, 7])),
            "Boolset{1, 7}"
        );
    }
}
