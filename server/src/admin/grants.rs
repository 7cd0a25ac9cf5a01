//! One user's grants (sharing with people, `fs::grant`), given and received, for the admin
//! console, and taking one back. Received grants include those to the user's group. Each
//! list is the newest [`MAX_LISTED`]; the whole answer costs a fixed number of statements.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{file, file_grant, group, user};

use super::{Actor, AdminError, audit};
use crate::{
    access_watch::{self, Narrowed},
    fs::chain,
    state::AppState,
};

/// Most grants listed each way.
pub const MAX_LISTED: u64 = 500;

/// A grant with its file, the file's place in its owner's drive, and the people in it.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub grant: file_grant::Model,
    pub file: Option<file::Model>,
    /// `cloudreve://my/…` as the owner sees it, or a `trash` URI when the file is trashed.
    pub path: Option<String>,
    pub owner: Option<user::Model>,
    /// The recipient, for a grant to a user.
    pub user: Option<user::Model>,
    /// The recipient, for a grant to a group.
    pub group: Option<group::Model>,
}

/// A user's grants: those of their files, and those that reach them.
pub struct UserGrants {
    pub given: Vec<GrantRow>,
    pub received: Vec<GrantRow>,
}

/// The grants user `id` gave and received, newest first.
pub async fn of_user(state: &AppState, id: i64) -> Result<UserGrants, AdminError> {
    let db = &state.db;
    let who = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AdminError::UserNotFound)?;
    let newest = |q: sea_orm::Select<file_grant::Entity>| {
        q.order_by_desc(file_grant::Column::Id).limit(MAX_LISTED)
    };
    let given = newest(file_grant::Entity::find().filter(file_grant::Column::OwnerId.eq(id)))
        .all(db)
        .await?;
    let received = newest(
        file_grant::Entity::find()
            .filter(file_grant::Column::OwnerId.ne(id))
            .filter(
                Condition::any()
                    .add(file_grant::Column::UserId.eq(id))
                    .add(file_grant::Column::GroupId.eq(who.group_id)),
            ),
    )
    .all(db)
    .await?;
    let mut rows = with_details(state, given.iter().chain(&received)).await?;
    let received = rows.split_off(given.len());
    Ok(UserGrants {
        given: rows,
        received,
    })
}

/// The grants with their files, paths and people: one statement for the files, one for
/// their folder chains, one for the users and one for the groups.
async fn with_details<'a>(
    state: &AppState,
    grants: impl Iterator<Item = &'a file_grant::Model>,
) -> Result<Vec<GrantRow>, AdminError> {
    let db = &state.db;
    let grants: Vec<file_grant::Model> = grants.cloned().collect();
    let file_ids: Vec<i64> = grants.iter().map(|g| g.file_id).collect();
    let files: HashMap<i64, file::Model> = file::Entity::find()
        .filter(file::Column::Id.is_in(file_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let parents: Vec<i64> = files.values().filter_map(|f| f.parent_id).collect();
    let chains = chain::chains(db, &parents).await?;
    let user_ids: Vec<i64> = grants
        .iter()
        .flat_map(|g| [Some(g.owner_id), g.user_id])
        .flatten()
        .collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let group_ids: Vec<i64> = grants.iter().filter_map(|g| g.group_id).collect();
    let groups: HashMap<i64, group::Model> = group::Entity::find()
        .filter(group::Column::Id.is_in(group_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    Ok(grants
        .into_iter()
        .map(|grant| {
            let file = files.get(&grant.file_id).cloned();
            let path = file.as_ref().and_then(|f| {
                let up = f
                    .parent_id
                    .and_then(|p| chains.get(&p))
                    .map_or(&[][..], |c| c.as_slice());
                chain::uri_along(f, up).ok().map(|u| u.to_string())
            });
            GrantRow {
                owner: users.get(&grant.owner_id).cloned(),
                user: grant.user_id.and_then(|u| users.get(&u).cloned()),
                group: grant.group_id.and_then(|g| groups.get(&g).cloned()),
                file,
                path,
                grant,
            }
        })
        .collect())
}

/// Takes grant `id` back: the recipients lose access at once (their open event streams end,
/// their locks go).
pub async fn revoke(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let row = file_grant::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::GrantNotFound)?;
    let done = file_grant::Entity::delete_by_id(id).exec(&state.db).await?;
    if done.rows_affected == 0 {
        return Err(AdminError::GrantNotFound);
    }
    // As when the owner removes it: the recipients' locks go with the access.
    if let Some(f) = file::Entity::find_by_id(row.file_id).one(&state.db).await?
        && let Ok(uri) = crate::fs::nav::uri_of(&state.db, &f).await
        && let Err(e) = crate::fs::grant::release_locks(state, row.owner_id, &uri).await
    {
        tracing::warn!(error = %e, "locks of a removed grant were not released");
    }
    access_watch::notice(state, Narrowed::Grants(row.owner_id));
    audit::record(
        state,
        actor,
        "grant",
        Some(id),
        "delete",
        serde_json::json!({ "file_id": row.file_id, "owner_id": row.owner_id }),
    )
    .await;
    Ok(())
}
