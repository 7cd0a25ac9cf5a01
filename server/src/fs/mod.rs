//! The virtual file system: URIs, the file tree, trash, metadata, locks and quota. The REST API,
//! WebDAV and shares all go through it, so permission, quota and lock rules exist once.

pub mod lock;
pub mod uri;
