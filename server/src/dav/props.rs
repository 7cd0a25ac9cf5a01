//! Dead properties (PROPPATCH), stored as `dav:{namespace}name` metadata of the file whose
//! value is the property's XML. A listing prefetches the properties of a page of children in
//! one query, so PROPFIND on a large folder does not ask the database once per entry.

use std::collections::{HashMap, HashSet};

use dav_server::fs::DavProp;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stratus_entity::metadata;

use crate::fs::error::FsError;

/// Prefix of dead-property metadata keys.
pub const PREFIX: &str = "dav:";

/// Per-request cache: folders whose children were prefetched, and the properties found.
#[derive(Default)]
pub struct PropCache {
    pub listed: HashSet<String>,
    pub props: HashMap<String, Vec<(String, String)>>,
}

impl PropCache {
    /// The cached properties of `uri` (a URI string), when its folder was listed.
    pub fn get(&self, uri: &str, parent: Option<&str>) -> Option<Vec<(String, String)>> {
        if let Some(found) = self.props.get(uri) {
            return Some(found.clone());
        }
        parent
            .filter(|p| self.listed.contains(*p))
            .map(|_| Vec::new())
    }
}

/// The metadata key of a property.
pub fn key_of(prop: &DavProp) -> String {
    format!(
        "{PREFIX}{{{}}}{}",
        prop.namespace.as_deref().unwrap_or(""),
        prop.name
    )
}

/// A stored property back as dav-server's type; `None` for a malformed key.
pub fn prop_of(key: &str, value: &str, with_content: bool) -> Option<DavProp> {
    let rest = key.strip_prefix(PREFIX)?.strip_prefix('{')?;
    let (namespace, name) = rest.split_once('}')?;
    Some(DavProp {
        name: name.to_owned(),
        prefix: None,
        namespace: (!namespace.is_empty()).then(|| namespace.to_owned()),
        xml: with_content.then(|| value.as_bytes().to_vec()),
    })
}

/// The dead properties of the given files, by file id.
pub async fn load(
    db: &impl ConnectionTrait,
    file_ids: &[i64],
) -> Result<HashMap<i64, Vec<(String, String)>>, FsError> {
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    if file_ids.is_empty() {
        return Ok(out);
    }
    let rows = metadata::Entity::find()
        .filter(metadata::Column::FileId.is_in(file_ids.iter().copied()))
        .filter(metadata::Column::Name.starts_with(PREFIX))
        .all(db)
        .await?;
    for row in rows {
        out.entry(row.file_id)
            .or_default()
            .push((row.name, row.value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let prop = DavProp {
            name: "prop0".into(),
            prefix: Some("x".into()),
            namespace: Some("http://example.com/neon/litmus/".into()),
            xml: None,
        };
        let key = key_of(&prop);
        assert_eq!(key, "dav:{http://example.com/neon/litmus/}prop0");
        let back = prop_of(&key, "<x/>", true).unwrap();
        assert_eq!(back.name, "prop0");
        assert_eq!(back.namespace, prop.namespace);
        let bare = prop_of("dav:{}p", "", false).unwrap();
        assert_eq!(bare.namespace, None);
        assert!(prop_of("dav:p", "", false).is_none());
    }
}
