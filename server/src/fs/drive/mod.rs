//! The drive facade: the few drive operations the edges (WebDAV, the Nextcloud protocol, S3)
//! each used to write with their own SQL, once, below them, so an edge calls a function and
//! names no query: a folder's children a page at a time from a cursor, in name or in S3 key
//! order ([`children`]); whether a folder is empty; a value bound to a file's current version,
//! read back only while that version is current ([`bound`]); a body stream that fails at its
//! end unless its checksum matched ([`verified`]); a file's metadata under one namespace
//! ([`keys`]) and a version's stored blob ([`blob`]).

pub mod blob;
pub mod bound;
pub mod children;
pub mod keys;
pub mod verified;

/// The database handle an edge passes through to the facade (`&state.db`, or a transaction
/// the facade itself began), so that the edge does not name the ORM's trait.
pub use sea_orm::ConnectionTrait as Db;

#[cfg(test)]
pub(crate) mod test_db;
