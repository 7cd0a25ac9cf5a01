//! The OAuth applications as the administration lists them (spec 4.18 §2.13); creating, editing
//! and deleting them is `auth::oauth::clients`'.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use stratus_entity::oauth_client;

use super::{
    AdminError,
    list::{self, ListQuery, Page},
};
use crate::state::AppState;

/// Columns a client list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["id", "name", "created_at", "is_enabled"];

/// One page of clients. Condition `is_enabled` (`true`/`false`); search `name`; order by
/// `name`, `created_at`, `is_enabled` (anything else falls back to the id).
pub async fn list(
    state: &AppState,
    q: &mut ListQuery,
) -> Result<Page<oauth_client::Model>, AdminError> {
    if !SORTABLE.contains(&q.order_by.as_str()) {
        q.order_by = "id".into();
    }
    q.allow(&["is_enabled"], &["name"])?;
    let mut filter = Condition::all();
    if let Some(e) = q.text("is_enabled") {
        filter = filter.add(oauth_client::Column::IsEnabled.eq(matches!(e, "1" | "true")));
    }
    if let Some(name) = q.searches.get("name").filter(|s| !s.is_empty()) {
        filter = filter.add(list::contains::<oauth_client::Entity>(
            oauth_client::Column::Name,
            name,
        ));
    }
    let select = oauth_client::Entity::find().filter(filter);
    list::fetch(&state.db, select, q, SORTABLE).await
}
