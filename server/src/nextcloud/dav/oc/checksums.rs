//! `oc:checksums`: the checksum a client sent with a write (`OC-Checksum`) and that the body
//! matched, kept with the file for the content it was verified against. The desktop client
//! compares it with its own to tell a real conflict from the same content written twice.
//!
//! It is kept as the file's private metadata `sys:oc_checksum` = `<TYPE>:<hex>` bound to the
//! content's entity (`fs::drive::bound`), and shown only while that entity is still the file's
//! current content: a later write through any other door leaves no stale checksum behind.

use std::collections::HashMap;

use stratus_entity::file;

use super::headers::{Algo, Checksum};
use crate::fs::{
    drive::{Db, bound},
    error::FsError,
};

/// The metadata key.
const KEY: &str = "sys:oc_checksum";

/// Keeps `c`, which the body written as `file`'s current content matched.
pub async fn remember(db: &impl Db, file: &file::Model, c: &Checksum) -> Result<(), FsError> {
    let algo = match c.algo {
        Algo::Sha1 => "SHA1",
        Algo::Md5 => "MD5",
    };
    let value = format!("{algo}:{}", c.hex.to_ascii_lowercase());
    bound::bind(db, file, KEY, &value).await.map(|_| ())
}

/// The checksum shown for each of `ids` that has one for its current content.
pub async fn of_files(db: &impl Db, ids: &[i64]) -> Result<HashMap<i64, String>, FsError> {
    bound::current(db, KEY, ids).await
}
