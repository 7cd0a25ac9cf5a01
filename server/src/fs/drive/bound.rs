//! Values bound to a file's current version: what a door learnt about the content it wrote (S3's
//! ETag, the checksum a Nextcloud client sent and the body matched) is kept as the file's
//! private metadata `<entity id> <value>`, and counts only while that entity is still the file's
//! current content. A later write through any other door moves the file to another version, and
//! the stale value is simply no longer read: nothing has to remember to remove it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, metadata};

use super::Db;
use crate::fs::{error::FsError, metadata as meta};

/// `value` as stored when bound to the version `entity`.
fn stored(entity: i64, value: &str) -> String {
    format!("{entity} {value}")
}

/// The value of `stored` when it is bound to `current`, the file's current version.
pub fn if_current(stored: &str, current: Option<i64>) -> Option<&str> {
    let (entity, value) = stored.split_once(' ')?;
    (current.is_some() && entity.parse().ok() == current).then_some(value)
}

/// Keeps `value` under the private key `key`, bound to `file`'s current version (`file` as it
/// is after the write the value belongs to). A file without content keeps nothing: false.
pub async fn bind(
    db: &impl Db,
    file: &file::Model,
    key: &str,
    value: &str,
) -> Result<bool, FsError> {
    let Some(entity) = file.primary_entity else {
        return Ok(false);
    };
    meta::upsert(db, file.id, key, &stored(entity, value), false).await?;
    Ok(true)
}

/// For each of `ids` that has one, its value under `key` still bound to its current version;
/// one statement for all of them.
pub async fn current(
    db: &impl Db,
    key: &str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, FsError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let kept: Vec<(i64, String, Option<i64>)> = metadata::Entity::find()
        .select_only()
        .column(metadata::Column::FileId)
        .column(metadata::Column::Value)
        .column(file::Column::PrimaryEntity)
        .inner_join(file::Entity)
        .filter(metadata::Column::FileId.is_in(ids.iter().copied()))
        .filter(metadata::Column::Name.eq(key))
        .into_tuple()
        .all(db)
        .await?;
    Ok(kept
        .into_iter()
        .filter_map(|(id, value, current)| if_current(&value, current).map(|v| (id, v.to_owned())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveValue::Set;

    use crate::fs::drive::test_db;

    #[test]
    fn a_value_counts_for_its_version_only() {
        assert_eq!(if_current("7 abc", Some(7)), Some("abc"));
        assert_eq!(if_current("7 SHA1:ab cd", Some(7)), Some("SHA1:ab cd"));
        assert_eq!(if_current("6 abc", Some(7)), None);
        assert_eq!(if_current("7 abc", None), None);
        assert_eq!(if_current("abc", Some(7)), None);
    }

    #[tokio::test]
    async fn a_bound_value_is_ignored_once_the_version_changes() {
        let db = test_db::open().await;
        let root = test_db::add(&db, None, "", true).await;
        let version = |v: Option<i64>| move |f: &mut file::ActiveModel| f.primary_entity = Set(v);
        let a = test_db::add(&db, Some(root.id), "a", false).await;
        let a = test_db::update(&db, a, version(Some(10))).await;
        let b = test_db::add(&db, Some(root.id), "b", false).await;
        let b = test_db::update(&db, b, version(Some(20))).await;
        assert!(bind(&db, &a, "sys:test", "one").await.unwrap());
        assert!(bind(&db, &b, "sys:test", "two").await.unwrap());
        let read = current(&db, "sys:test", &[a.id, b.id]).await.unwrap();
        assert_eq!(read.get(&a.id).map(String::as_str), Some("one"));
        assert_eq!(read.get(&b.id).map(String::as_str), Some("two"));

        // Another door writes `a` again: a new version; the value stays stored but unread.
        let a = test_db::update(&db, a, version(Some(11))).await;
        let read = current(&db, "sys:test", &[a.id, b.id]).await.unwrap();
        assert_eq!(read.get(&a.id), None);
        assert_eq!(read.get(&b.id).map(String::as_str), Some("two"));

        // Without content nothing is bound.
        let empty = test_db::update(&db, a, version(None)).await;
        assert!(!bind(&db, &empty, "sys:test", "three").await.unwrap());
    }
}
