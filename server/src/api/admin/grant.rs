//! `/admin/user/:id/grants` and `/admin/grant/:id`: a user's grants (sharing with people),
//! given and received, and taking one back. Stratus extensions; ids are the database's, as
//! elsewhere in the admin API.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use stratus_entity::file;

use crate::{
    admin::{
        Actor,
        grants::{self, GrantRow},
    },
    api::{
        ApiTags,
        envelope::{ApiResult, done, ok},
    },
    state::AppState,
};

/// A person in a grant.
#[derive(Debug, Object)]
pub struct AdminGrantUser {
    pub id: i64,
    pub nick: String,
    pub email: String,
}

/// A group a grant is given to.
#[derive(Debug, Object)]
pub struct AdminGrantGroup {
    pub id: i64,
    pub name: String,
}

/// One grant.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminGrant {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// `read` or `write`.
    pub access: String,
    pub file_id: i64,
    pub file_name: Option<String>,
    pub folder: bool,
    /// Where the file is in its owner's drive (`cloudreve://my/…`, or a `trash` URI).
    pub path: Option<String>,
    pub owner: Option<AdminGrantUser>,
    /// The recipient, for a grant to a user.
    pub user: Option<AdminGrantUser>,
    /// The recipient, for a grant to a group.
    pub group: Option<AdminGrantGroup>,
}

/// `GET /admin/user/:id/grants`
#[derive(Debug, Object)]
pub struct AdminUserGrants {
    /// Grants of the user's files, newest first.
    pub given: Vec<AdminGrant>,
    /// Grants of other owners that reach the user, directly or through their group.
    pub received: Vec<AdminGrant>,
}

fn person(u: &stratus_entity::user::Model) -> AdminGrantUser {
    AdminGrantUser {
        id: u.id,
        nick: u.nick.clone(),
        email: u.email.clone(),
    }
}

impl From<GrantRow> for AdminGrant {
    fn from(row: GrantRow) -> Self {
        Self {
            id: row.grant.id,
            created_at: row.grant.created_at,
            access: row.grant.access,
            file_id: row.grant.file_id,
            file_name: row.file.as_ref().map(|f| f.name.clone()),
            folder: row
                .file
                .as_ref()
                .is_some_and(|f| f.r#type == file::kind::FOLDER),
            path: row.path,
            owner: row.owner.as_ref().map(person),
            user: row.user.as_ref().map(person),
            group: row.group.map(|g| AdminGrantGroup {
                id: g.id,
                name: g.name,
            }),
        }
    }
}

pub struct AdminGrantApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminGrantApi {
    /// The grants a user gave (of their files) and received (directly or through their
    /// group), newest first, at most 500 each way.
    #[oai(
        path = "/admin/user/:id/grants",
        method = "get",
        operation_id = "list_user_grants"
    )]
    async fn list_user_grants(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<AdminUserGrants> {
        let found = grants::of_user(&state, id.0).await?;
        ok(AdminUserGrants {
            given: found.given.into_iter().map(Into::into).collect(),
            received: found.received.into_iter().map(Into::into).collect(),
        })
    }

    /// Takes a grant back: its recipients lose access at once.
    #[oai(
        path = "/admin/grant/:id",
        method = "delete",
        operation_id = "delete_grant"
    )]
    async fn delete_grant(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        grants::revoke(&state, &actor, id.0).await?;
        done()
    }
}
