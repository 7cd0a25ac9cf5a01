//! Share shapes of the API (spec §12).

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use super::{file::Pagination, user::User};

/// A share link as the caller may see it: expiry, download counters and the password only
/// once it is unlocked; `is_private` and `share_view` only to its owner.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Share {
    /// Share hashid.
    pub id: String,
    /// Name of the shared file or folder.
    pub name: Option<String>,
    /// Downloads left; absent = unlimited.
    pub remain_downloads: Option<i64>,
    /// Times the share was viewed.
    pub visited: i64,
    /// Times a file was downloaded through it.
    pub downloaded: Option<i64>,
    pub expires: Option<DateTime<Utc>>,
    /// True when the caller may see the contents.
    pub unlocked: bool,
    /// 0 file, 1 folder.
    pub source_type: Option<i16>,
    pub owner: User,
    pub created_at: DateTime<Utc>,
    /// True when the share no longer works (time, downloads, file gone or owner inactive).
    pub expired: bool,
    /// `<site>/s/<id>`, with `/<password>` only once unlocked for the caller.
    pub url: String,
    pub is_private: Option<bool>,
    /// The share needs a password (absent when it does not); shown to everyone, so a visitor
    /// knows to ask for it.
    pub password_protected: Option<bool>,
    /// The shared file's size once unlocked; 0 for folders and locked shares. Always present.
    pub size: i64,
    pub share_view: Option<bool>,
    /// The owner asked to show the folder's README; shown (only as true) once unlocked.
    pub show_readme: Option<bool>,
    pub password: Option<String>,
    /// The shared object's URI in its owner's files (owner, with `owner_extended`).
    pub source_uri: Option<String>,
    /// The share takes uploads and shows nothing (absent when it does not); shown to everyone
    /// (deviations §5).
    pub upload_only: Option<bool>,
    /// Bytes an upload-only share may receive in all (absent: only the owner's quota); once
    /// unlocked.
    pub upload_limit: Option<i64>,
    /// Bytes an upload-only share received so far; once unlocked.
    pub uploaded: Option<i64>,
}

/// `PUT /share/upload/:id`: what a visitor's upload became (deviations §5).
#[derive(Debug, Clone, Object)]
pub struct ShareUpload {
    /// The name the file was stored under (numbered when the name was taken).
    pub name: String,
    /// Bytes stored.
    pub size: i64,
}

/// `GET /share`, `GET /user/shares/:id`
#[derive(Debug, Clone, Object)]
pub struct ShareList {
    pub shares: Vec<Share>,
    pub pagination: Pagination,
}
