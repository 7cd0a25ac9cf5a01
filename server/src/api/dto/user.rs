//! The `User` shape (spec §2.11) and the group summary inside it.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use stratus_entity::{group, user};

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
    /// E-mail address; of other people only to signed-in viewers while the site exposes
    /// addresses (`expose_user_email`).
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
    /// Pinned folders of the navigation bar.
    pub pined: Option<Vec<PinnedItem>>,
    /// True when the user keeps explorer views local instead of syncing them.
    pub disable_view_sync: Option<bool>,
    /// Which shares the profile lists: `all_share`, `hide_share`, absent = public ones.
    pub share_links_in_profile: Option<String>,
}

/// A pinned folder.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PinnedItem {
    pub uri: String,
    pub name: Option<String>,
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
    /// The full view of an account, for its owner.
    pub fn from_model(ids: &HashIds, user: &user::Model, group: &group::Model) -> Self {
        let settings = &user.settings;
        let text = |k: &str| {
            settings
                .get(k)
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let pined = settings
            .get("pined")
            .and_then(|v| v.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        Some(PinnedItem {
                            uri: item.get("uri")?.as_str()?.to_owned(),
                            name: item.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                        })
                    })
                    .collect::<Vec<_>>()
            });
        Self {
            id: ids.encode(user.id, IdKind::User),
            email: Some(user.email.clone()),
            nickname: user.nick.clone(),
            status: Some(user.status.clone()),
            avatar: Some(user.avatar.clone().unwrap_or_default()),
            created_at: user.created_at,
            preferred_theme: text("preferred_theme"),
            anonymous: None,
            group: Some(GroupSummary::from_model(ids, group)),
            language: text("language"),
            pined: pined.filter(|p| !p.is_empty()),
            disable_view_sync: settings.get("disable_view_sync").and_then(|v| v.as_bool()),
            share_links_in_profile: text("share_links_in_profile"),
        }
    }

    /// What other people may see of an account; the e-mail only when `show_email`.
    pub fn redacted(
        ids: &HashIds,
        user: &user::Model,
        group: &group::Model,
        show_email: bool,
    ) -> Self {
        Self {
            id: ids.encode(user.id, IdKind::User),
            email: show_email.then(|| user.email.clone()),
            nickname: user.nick.clone(),
            status: None,
            avatar: Some(user.avatar.clone().unwrap_or_default()),
            created_at: user.created_at,
            preferred_theme: None,
            anonymous: None,
            group: Some(GroupSummary {
                id: ids.encode(group.id, IdKind::Group),
                name: group.name.clone(),
                permission: None,
                direct_link_batch_size: None,
                trash_retention: None,
            }),
            language: None,
            pined: None,
            disable_view_sync: None,
            share_links_in_profile: user
                .settings
                .get("share_links_in_profile")
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
        }
    }

    /// Who made a version of a file (an entity's `created_by`): the name and picture only.
    pub fn creator(ids: &HashIds, user: &user::Model) -> Self {
        Self {
            id: ids.encode(user.id, IdKind::User),
            email: None,
            nickname: user.nick.clone(),
            status: None,
            avatar: Some(user.avatar.clone().unwrap_or_default()),
            created_at: user.created_at,
            preferred_theme: None,
            anonymous: None,
            group: None,
            language: None,
            pined: None,
            disable_view_sync: None,
            share_links_in_profile: None,
        }
    }

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
            pined: None,
            disable_view_sync: None,
            share_links_in_profile: None,
        }
    }
}

/// A pair of session tokens.
#[derive(Debug, Clone, Object)]
pub struct Token {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires: DateTime<Utc>,
    pub refresh_expires: DateTime<Utc>,
}

impl From<crate::auth::jwt::TokenPair> for Token {
    fn from(p: crate::auth::jwt::TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            access_expires: p.access_expires,
            refresh_expires: p.refresh_expires,
        }
    }
}

/// The answer to a successful sign-in.
#[derive(Debug, Clone, Object)]
pub struct LoginResponse {
    pub user: User,
    pub token: Token,
}
