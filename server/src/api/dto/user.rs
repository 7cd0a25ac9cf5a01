//! The `User` shape (spec §2.11) and the group summary inside it.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use stratus_entity::group;

use crate::{
    boolset::Boolset,
    ids::{HashIds, IdKind},
};

/// A user as the API shows it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct User {
    /// User hashid.
    pub id: String,
    /// E-mail address (only to signed-in viewers).
    pub email: Option<String>,
    /// Display name.
    pub nickname: String,
    /// `active`, `inactive`, `manual_banned` or `sys_banned`.
    pub status: Option<String>,
    /// `file`, `gravatar` or empty.
    pub avatar: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Theme colour the user picked.
    pub preferred_theme: Option<String>,
    /// True for callers without a session.
    pub anonymous: Option<bool>,
    /// The user's group.
    pub group: Option<GroupSummary>,
    /// UI language.
    pub language: Option<String>,
}

/// The group part of [`User`].
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct GroupSummary {
    /// Group hashid.
    pub id: String,
    pub name: String,
    /// Group permission boolset (base64).
    pub permission: Option<String>,
    /// How many direct links may be made in one request.
    pub direct_link_batch_size: Option<i64>,
    /// Seconds an item stays in the trash.
    pub trash_retention: Option<i64>,
}

impl GroupSummary {
    pub fn from_model(ids: &HashIds, group: &group::Model) -> Self {
        let setting = |key: &str| group.settings.get(key).and_then(|v| v.as_i64());
        Self {
            id: ids.encode(group.id, IdKind::Group),
            name: group.name.clone(),
            permission: Some(Boolset::from_bytes(group.permissions.clone()).to_base64()),
            direct_link_batch_size: setting("source_batch"),
            trash_retention: setting("trash_retention"),
        }
    }
}

impl User {
    /// The anonymous caller (user id 0) in the anonymous group.
    pub fn anonymous(ids: &HashIds, group: &group::Model) -> Self {
        Self {
            id: ids.encode(0, IdKind::User),
            email: None,
            nickname: String::new(),
            status: None,
            avatar: None,
            created_at: group.created_at,
            preferred_theme: None,
            anonymous: Some(true),
            group: Some(GroupSummary::from_model(ids, group)),
            language: None,
        }
    }
}
