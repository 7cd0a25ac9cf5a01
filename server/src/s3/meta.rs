//! What S3 keeps about an object in the file's metadata (namespace `s3:`, managed by the
//! server): the ETag of the version it wrote, `x-amz-meta-*` and the content type. The ETag
//! names the version it belongs to, so a file changed since through the API or WebDAV does
//! not answer a stale one: such a file gets an ETag made from its version, shaped like a
//! multipart one (`…-1`), which clients take as opaque rather than as the content's MD5.

use std::collections::HashMap;

use stratus_entity::file;

use crate::{
    fs::{
        drive::{bound, keys},
        error::FsError,
        metadata as fs_meta, tx,
    },
    state::AppState,
};

/// The namespace of every key below.
const NAMESPACE: &str = "s3:";
/// The ETag, bound to the version it was computed for (`fs::drive::bound`).
const ETAG: &str = "s3:etag";
const CONTENT_TYPE: &str = "s3:content-type";
/// `s3:meta:<name>`: one `x-amz-meta-<name>` header.
const USER_META: &str = "s3:meta:";

/// MD5 of nothing: the ETag of an empty object and of a folder marker.
pub const EMPTY_ETAG: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// What was stored with an object.
#[derive(Debug, Default, Clone)]
pub struct Stored {
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub user: HashMap<String, String>,
}

/// What a write stores with the object.
pub struct ToStore<'a> {
    pub etag: &'a str,
    pub content_type: Option<&'a str>,
    pub user: Option<&'a HashMap<String, String>>,
}

/// The ETag of `file` as it is now: the stored one when it belongs to the current version.
pub fn etag_of(file: &file::Model, stored: Option<&str>) -> String {
    let current = stored.and_then(|s| bound::if_current(s, file.primary_entity));
    current_etag(file, current)
}

/// The ETag of `file` given the stored one still bound to its current version, if any.
fn current_etag(file: &file::Model, bound: Option<&str>) -> String {
    let Some(version) = file.primary_entity else {
        return EMPTY_ETAG.to_owned();
    };
    if let Some(etag) = bound {
        return etag.to_owned();
    }
    let made = hex::encode(<md5::Md5 as md5::Digest>::digest(
        format!("stratus-version-{version}-{}", file.size).as_bytes(),
    ));
    format!("{made}-1")
}

/// The `s3:` metadata of `file_id`.
pub async fn load(state: &AppState, file_id: i64) -> Result<Stored, FsError> {
    let rows = keys::in_namespace(&state.db, file_id, NAMESPACE).await?;
    let mut out = Stored::default();
    for (name, value) in rows {
        if name == ETAG {
            out.etag = Some(value);
        } else if name == CONTENT_TYPE {
            out.content_type = Some(value);
        } else if let Some(name) = name.strip_prefix(USER_META) {
            out.user.insert(name.to_owned(), value);
        }
    }
    Ok(out)
}

/// The ETags of `files` (a listing's page) in one statement.
pub async fn etags(state: &AppState, files: &[file::Model]) -> Result<Vec<String>, FsError> {
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    let current = bound::current(&state.db, ETAG, &ids).await?;
    Ok(files
        .iter()
        .map(|f| current_etag(f, current.get(&f.id).map(String::as_str)))
        .collect())
}

/// Replaces the `s3:` metadata of `file` (its current version is the one just written).
pub async fn store(
    state: &AppState,
    file: &file::Model,
    what: &ToStore<'_>,
) -> Result<(), FsError> {
    let txn = tx::begin(&state.db, file.owner_id).await?;
    fs_meta::remove_with_namespaces(&txn, file.id, &[], &[NAMESPACE]).await?;
    bound::bind(&txn, file, ETAG, what.etag).await?;
    if let Some(kind) = what.content_type {
        fs_meta::upsert(&txn, file.id, CONTENT_TYPE, kind, false).await?;
    }
    for (name, value) in what.user.into_iter().flatten() {
        let key = format!("{USER_META}{}", name.to_ascii_lowercase());
        fs_meta::upsert(&txn, file.id, &key, value, true).await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_etag_counts_for_its_version_only() {
        let file = file::Model {
            id: 1,
            created_at: Default::default(),
            updated_at: Default::default(),
            deleted_at: None,
            r#type: file::kind::FILE,
            name: "a".into(),
            owner_id: 1,
            size: 3,
            primary_entity: Some(7),
            parent_id: Some(1),
            is_symbolic: false,
            props: None,
            storage_policy_id: None,
            tree_rev: 0,
        };
        assert_eq!(etag_of(&file, Some("7 abc")), "abc");
        let other = etag_of(&file, Some("6 abc"));
        assert!(other.ends_with("-1") && other.len() == 34, "{other}");
        assert_eq!(etag_of(&file, None), other);
    }
}
