//! Dead properties (PROPPATCH), stored as `dav:{namespace}name` metadata of the file whose
//! value is the property's XML. A listing prefetches the properties of a page of children in
//! one query, so PROPFIND on a large folder does not ask the database once per entry.

use std::collections::{HashMap, HashSet};

use dav_server::{
    davpath::DavPath,
    fs::{DavProp, FsError as DavFsError},
};
use poem::http::StatusCode;

use super::{error::fs_err, fs::DavFs};
use crate::fs::metadata::{self as meta, Patch};

/// Prefix of dead-property metadata keys.
pub const PREFIX: &str = meta::DAV_PROP_PREFIX;

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
pub use crate::fs::metadata::dav_props_of as load;

impl DavFs {
    /// PROPPATCH: sets and removes dead properties, all or none.
    pub(super) async fn patch(
        &self,
        path: &DavPath,
        patch: Vec<(bool, DavProp)>,
    ) -> Result<Vec<(StatusCode, DavProp)>, DavFsError> {
        let s = &self.0;
        let uri = s.uri(path)?;
        self.ensure_not_grants(&uri, false)?;
        self.ensure_own(&uri).await?;
        let mut patches = Vec::with_capacity(patch.len());
        let mut valid = true;
        for (set, prop) in &patch {
            let key = key_of(prop);
            let p = if *set {
                let value =
                    String::from_utf8_lossy(prop.xml.as_deref().unwrap_or_default()).into_owned();
                valid &= meta::validate(&key, &value).is_ok();
                Patch::set(key, value)
            } else {
                valid &= meta::validate_key(&key).is_ok();
                Patch::remove(key)
            };
            patches.push(p);
        }
        let strip = |p: DavProp| DavProp { xml: None, ..p };
        if !valid {
            return Ok(patch
                .into_iter()
                .zip(&patches)
                .map(|((_, prop), p)| {
                    let ok = if p.remove {
                        meta::validate_key(&p.key).is_ok()
                    } else {
                        meta::validate(&p.key, &p.value).is_ok()
                    };
                    let status = if ok {
                        StatusCode::FAILED_DEPENDENCY
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    (status, strip(prop))
                })
                .collect());
        }
        let tokens = s.tokens();
        meta::patch(&s.ctx(&tokens), &uri, &patches)
            .await
            .map_err(fs_err)?;
        Ok(patch
            .into_iter()
            .map(|(_, p)| (StatusCode::OK, strip(p)))
            .collect())
    }
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
