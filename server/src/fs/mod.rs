//! The virtual file system: URIs, the file tree, trash, metadata, locks and quota. The REST API,
//! WebDAV and shares all go through it, so permission, quota and lock rules exist once.

pub mod chain;
pub mod changes;
pub mod depth;
pub mod drive;
pub mod error;
pub mod grant;
pub mod info;
pub mod journal;
pub mod list;
pub mod lock;
pub mod metadata;
pub mod nav;
pub mod path;
pub mod quota;
pub mod reach;
pub mod recycle;
pub mod search;
pub mod share_tree;
pub mod shown;
pub mod snapshot_tree;
pub mod sql;
pub mod trash;
pub mod trash_pages;
pub mod tree;
pub mod tree_rev;
pub mod tx;
pub mod uri;
pub mod version;
pub mod walk;
pub mod watch;
