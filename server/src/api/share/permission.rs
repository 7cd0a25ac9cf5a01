//! `PUT` / `GET /file/permission`: sharing a folder or a file with people and groups, without a
//! link (Stratus extension; see [`crate::share::people`]). Users and groups are named by their
//! public hash ids (`/user/me`'s `id` and `group.id`); the answer lists each grant with the
//! recipient's name and, for a user, the avatar URL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, param::Query};

use crate::api::{
    ApiTags,
    envelope::{ApiResult, ok},
    json::ApiJson,
};
use crate::{
    auth::caller::Caller,
    fs::{grant::Access, nav::FsCtx, uri::FileUri},
    ids::IdKind,
    share::people::{self, GrantView},
    state::AppState,
};

/// What a recipient may do; `none` (in a change only) takes the grant away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum PermissionLevel {
    /// List, preview, download, copy out.
    Read,
    /// Also create, upload, rename, move and delete inside (never the shared item itself).
    Write,
    /// No access: removes the grant.
    None,
}

impl PermissionLevel {
    fn change(self) -> people::Change {
        match self {
            PermissionLevel::Read => Some(Access::Read),
            PermissionLevel::Write => Some(Access::Write),
            PermissionLevel::None => None,
        }
    }
}

/// `PUT /file/permission`
#[derive(Debug, Object)]
pub struct SetPermissionRequest {
    /// The caller's own folder or file (`cloudreve://my/...`).
    pub uri: String,
    /// Users by hash id, each with the access to give (`none` removes it); others are kept.
    pub users: Option<BTreeMap<String, PermissionLevel>>,
    /// Groups by hash id, likewise.
    pub groups: Option<BTreeMap<String, PermissionLevel>>,
    /// E-mail each user who gets access now and had none (not groups): who shared what, and
    /// a link to "Shared with me". Needs the site's mail settings; off when left out.
    pub notify: Option<bool>,
}

/// Whether a grant is to one user or to a group.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RecipientKind {
    User,
    Group,
}

/// One grant of a folder or file.
#[derive(Debug, Clone, Object)]
pub struct PermissionEntry {
    pub kind: RecipientKind,
    /// The user's or the group's hash id.
    pub id: String,
    /// The user's nick or the group's name.
    pub name: String,
    /// A user's avatar (`/api/v4/user/avatar/<id>`); absent for a group.
    pub avatar: Option<String>,
    /// `read` or `write`.
    pub access: PermissionLevel,
    pub created_at: DateTime<Utc>,
}

/// The grants of a folder or file.
#[derive(Debug, Clone, Object)]
pub struct FilePermissions {
    pub uri: String,
    pub entries: Vec<PermissionEntry>,
    /// In the answer to a change that asked to mail people who got access: true when the
    /// mails are on their way, false when the site has no mail server set up and nobody was
    /// mailed. Absent otherwise.
    #[oai(skip_serializing_if_is_none)]
    pub mail_sent: Option<bool>,
}

fn present(state: &AppState, uri: &FileUri, views: Vec<GrantView>) -> FilePermissions {
    let entries = views
        .into_iter()
        .filter_map(|v| {
            let access = match v.access {
                Access::Read => PermissionLevel::Read,
                Access::Write => PermissionLevel::Write,
            };
            let created_at = v.grant.created_at;
            Some(match (v.user, v.group) {
                (Some(user), _) => {
                    let id = state.ids.encode(user.id, IdKind::User);
                    PermissionEntry {
                        kind: RecipientKind::User,
                        avatar: Some(format!("{}/user/avatar/{id}", crate::api::BASE)),
                        id,
                        name: user.nick,
                        access,
                        created_at,
                    }
                }
                (None, Some(group)) => PermissionEntry {
                    kind: RecipientKind::Group,
                    id: state.ids.encode(group.id, IdKind::Group),
                    name: group.name,
                    avatar: None,
                    access,
                    created_at,
                },
                (None, None) => return None,
            })
        })
        .collect();
    FilePermissions {
        uri: uri.to_string(),
        entries,
        mail_sent: None,
    }
}

fn changes(map: Option<&BTreeMap<String, PermissionLevel>>) -> BTreeMap<String, people::Change> {
    map.into_iter()
        .flatten()
        .map(|(id, level)| (id.clone(), level.change()))
        .collect()
}

pub struct PermissionApi;

#[OpenApi(tag = "ApiTags::Share")]
impl PermissionApi {
    /// Gives, changes or takes away people's and groups' access to one of the caller's
    /// folders or files (Stratus extension). Entries merge into the existing grants; the
    /// answer lists them all.
    #[oai(
        path = "/file/permission",
        method = "put",
        operation_id = "set_file_permission"
    )]
    async fn set_file_permission(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<SetPermissionRequest>,
    ) -> ApiResult<FilePermissions> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&body.uri)?.without_query();
        let outcome = people::set(
            &ctx,
            &uri,
            &changes(body.users.as_ref()),
            &changes(body.groups.as_ref()),
            body.notify.unwrap_or(false),
        )
        .await?;
        ok(FilePermissions {
            mail_sent: outcome.mailed,
            ..present(&state, &uri, outcome.grants)
        })
    }

    /// The people and groups one of the caller's folders or files is shared with (Stratus
    /// extension).
    #[oai(
        path = "/file/permission",
        method = "get",
        operation_id = "get_file_permission"
    )]
    async fn get_file_permission(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        uri: Query<String>,
    ) -> ApiResult<FilePermissions> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&uri.0)?.without_query();
        let views = people::list(&ctx, &uri).await?;
        ok(present(&state, &uri, views))
    }
}
