//! [`LockOwner`]: who holds a lock, as the 40073 conflict data shows it.

use serde::{Deserialize, Serialize};

use super::{APP_API, APP_DAV};

/// Who holds a lock, as the 40073 conflict data shows it: `{application: {type, inner_xml?,
/// viewer_id?}}`. Stored as JSON in `owner_info`; a non-JSON `owner_info` is read as the raw
/// WebDAV `owner` XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockOwner {
    pub application: LockApplication,
    /// The user who took the lock when it is not the tree's owner (a recipient of a grant
    /// writing in the owner's tree), by hash id: the lock goes when their write access does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

/// The application part of [`LockOwner`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockApplication {
    /// [`APP_DAV`], [`APP_API`], or a more specific application (`upload`, `wopi`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// The WebDAV `owner` element's content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_xml: Option<String>,
    /// The viewer (WOPI app) holding the lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_id: Option<String>,
}

impl LockOwner {
    /// A WebDAV client, with the content of its `owner` element if it sent one.
    pub fn dav(inner_xml: Option<String>) -> Self {
        Self::app(APP_DAV).with_inner_xml(inner_xml)
    }

    /// A server-side application (`api`, `upload`, `wopi`, …).
    pub fn app(kind: impl Into<String>) -> Self {
        LockOwner {
            application: LockApplication {
                kind: kind.into(),
                inner_xml: None,
                viewer_id: None,
            },
            holder: None,
        }
    }

    pub fn with_inner_xml(mut self, inner_xml: Option<String>) -> Self {
        self.application.inner_xml = inner_xml.filter(|x| !x.is_empty());
        self
    }

    /// The same owner, taken by `holder` (a hash id) in another user's tree.
    pub fn held_by(mut self, holder: Option<String>) -> Self {
        self.holder = holder;
        self
    }

    pub fn with_viewer(mut self, viewer_id: impl Into<String>) -> Self {
        self.application.viewer_id = Some(viewer_id.into());
        self
    }

    /// The text to put in [`LockRequest::owner_info`].
    pub fn to_owner_info(&self) -> String {
        serde_json::to_string(self).expect("serializable")
    }

    /// Reads a stored `owner_info`: our JSON, else raw WebDAV owner XML; nothing → `api`.
    pub fn parse(owner_info: Option<&str>) -> Self {
        match owner_info {
            None => LockOwner::app(APP_API),
            Some(text) => {
                serde_json::from_str(text).unwrap_or_else(|_| LockOwner::dav(Some(text.to_owned())))
            }
        }
    }
}
