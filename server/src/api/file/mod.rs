//! `/file` and what finishes or serves a transfer: the tree's operations (`tree.rs`: create,
//! rename, move, describe), listings and search, deletion and the trash, locks, versions and
//! edits, thumbnails, uploads and their storage callbacks (`/callback`), downloads, direct
//! links (`/f/…`), zip archives and the file event stream.

pub mod archive;
pub mod callback;
pub mod content;
pub mod download;
pub mod events;
pub mod list;
pub mod lock;
pub mod manage;
mod search;
pub mod source;
pub mod thumb;
pub mod tree;
pub mod upload;
