//! The file tree and what hangs on it: files and folders, their blobs (`entity`) and versions,
//! metadata, locks, direct links, upload sessions, the change journal and its subscriptions, the
//! full-text index.

pub mod direct_link;
pub mod entity;
pub mod file;
pub mod file_entity;
pub mod fs_change;
pub mod fs_subscription;
pub mod fts_doc;
pub mod lock;
pub mod metadata;
pub mod upload_session;
