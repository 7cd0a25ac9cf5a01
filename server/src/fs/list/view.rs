//! Explorer views: validation, lookup of the view that applies to a folder, and storing one.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use stratus_entity::{file, user};

use super::{
    DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, Direction, FS_VIEW_MAP, MAX_VIEW_COLUMNS,
    MAX_VIEW_WALK, MIN_VIEW_PAGE_SIZE, ORDER_BY_OPTIONS, OrderKey,
    listing::{Located, is_virtual_root},
};
use crate::{
    boolset::fs_cap,
    db,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        tx,
        uri::{FileUri, FsKind},
    },
};

/// How the web client shows a folder (`PATCH /file/view`, echoed by `GET /file`), stored as
/// JSON on the folder or in the user's settings. Absent options are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorerView {
    /// Items per page.
    pub page_size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_direction: Option<String>,
    /// `list`, `grid` or `gallery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gallery_width: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<ExplorerColumn>>,
}

/// One column of the list view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorerColumn {
    /// Column kind (the web client's numbering).
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    /// The metadata key a metadata column shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props: Option<ExplorerColumnProps>,
}

/// Options of a list-view column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorerColumnProps {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_key: Option<String>,
    /// The custom property a custom-property column shows (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_props_id: Option<String>,
}

/// The view used when no folder above has one.
pub fn default_view() -> ExplorerView {
    ExplorerView {
        page_size: DEFAULT_PAGE_SIZE,
        order: None,
        order_direction: None,
        view: Some("grid".into()),
        thumbnail: Some(true),
        gallery_width: None,
        columns: None,
    }
}

/// Checks a view sent by a client; `max_page_size` is the site's limit.
pub fn validate_view(view: &ExplorerView, max_page_size: i64) -> Result<(), FsError> {
    let invalid = |msg: String| Err(FsError::Invalid(format!("view: {msg}")));
    if view.page_size < MIN_VIEW_PAGE_SIZE || view.page_size > max_page_size {
        return invalid(format!(
            "page_size must be between {MIN_VIEW_PAGE_SIZE} and {max_page_size}"
        ));
    }
    if let Some(order) = &view.order
        && OrderKey::parse(order).is_none()
    {
        return invalid(format!(
            "order must be one of {}",
            ORDER_BY_OPTIONS.join(", ")
        ));
    }
    if let Some(dir) = &view.order_direction
        && Direction::parse(dir).is_none()
    {
        return invalid("order_direction must be asc or desc".into());
    }
    if let Some(v) = &view.view
        && !matches!(v.as_str(), "list" | "grid" | "gallery")
    {
        return invalid("view must be list, grid or gallery".into());
    }
    if let Some(w) = view.gallery_width
        && !(50..=500).contains(&w)
    {
        return invalid("gallery_width must be between 50 and 500".into());
    }
    if let Some(columns) = &view.columns {
        if columns.len() > MAX_VIEW_COLUMNS {
            return invalid(format!("at most {MAX_VIEW_COLUMNS} columns"));
        }
        for ExplorerColumn { kind, width, props } in columns {
            if !(0..=1000).contains(kind) {
                return invalid("column type must be between 0 and 1000".into());
            }
            if width.is_some_and(|w| !(0..=10_000).contains(&w)) {
                return invalid("column width must be between 0 and 10000".into());
            }
            if props
                .as_ref()
                .and_then(|p| p.metadata_key.as_ref())
                .is_some_and(|k| k.len() > 255)
            {
                return invalid("column metadata_key is too long".into());
            }
            if props
                .as_ref()
                .and_then(|p| p.custom_props_id.as_ref())
                .is_some_and(|k| k.len() > 255)
            {
                return invalid("column custom_props_id is too long".into());
            }
        }
    }
    Ok(())
}

/// A view stored in JSON, if it is one.
fn parse_view(value: Option<&Value>) -> Option<ExplorerView> {
    let value = value.filter(|v| v.is_object())?.clone();
    let view: ExplorerView = serde_json::from_value(value).ok()?;
    // Stored views were validated against the limit of their time; only the shape matters.
    validate_view(&view, i64::MAX).ok().map(|()| view)
}

fn folder_view(f: &file::Model) -> Option<ExplorerView> {
    parse_view(f.props.as_ref().and_then(|p| p.get("view")))
}

fn user_fs_view(settings: &Value, fs: FsKind) -> Option<ExplorerView> {
    parse_view(settings.get(FS_VIEW_MAP).and_then(|m| m.get(fs.as_str())))
}

/// The view of the listed folder: its own or its nearest ancestor's, else (trash and
/// shared-with-me) the user's view of that filesystem, else the default.
pub(super) async fn effective_view(
    ctx: &FsCtx<'_>,
    located: &Located,
) -> Result<ExplorerView, FsError> {
    let node = &located.node;
    // Visitors of a share see the folder's own view only when the owner chose `share_view`;
    // views of folders above the share stay private.
    if node.uri.fs == FsKind::Share {
        let exposed = crate::fs::share_tree::shows_views(ctx, &node.uri).await?;
        return Ok(exposed
            .then(|| folder_view(&node.file))
            .flatten()
            .unwrap_or_else(default_view));
    }
    let me = ctx.user()?;
    if is_virtual_root(&node.uri) {
        return Ok(user_fs_view(&me.user.settings, node.uri.fs).unwrap_or_else(default_view));
    }
    if node.uri.fs == FsKind::My {
        return Ok(located
            .chain
            .iter()
            .rev()
            .find_map(folder_view)
            .unwrap_or_else(default_view));
    }
    // Inside a trashed folder: walk up to the trashed item.
    let mut current = node.file.clone();
    for _ in 0..MAX_VIEW_WALK {
        if let Some(view) = folder_view(&current) {
            return Ok(view);
        }
        let Some(parent) = current.parent_id else {
            break;
        };
        match file::Entity::find_by_id(parent).one(&ctx.state.db).await? {
            Some(p) => current = p,
            None => break,
        }
    }
    Ok(user_fs_view(&me.user.settings, node.uri.fs).unwrap_or_else(default_view))
}

/// Stores (or with `None` removes) the view of the folder at `uri`. The roots of the trash
/// and of shared-with-me keep theirs in the user's settings (`fs_view_map`).
pub async fn set_view(
    ctx: &FsCtx<'_>,
    uri: &str,
    view: Option<ExplorerView>,
) -> Result<(), FsError> {
    let me = ctx.user()?;
    let uri = FileUri::parse(uri)?.without_query();
    if let Some(view) = &view {
        let max = ctx
            .state
            .settings
            .int("max_page_size", DEFAULT_MAX_PAGE_SIZE)
            .await?;
        validate_view(view, max)?;
    }
    let json = view
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| FsError::Invalid(format!("view: {e}")))?;
    if is_virtual_root(&uri) {
        nav::owner_of(ctx, &uri)?;
        let fs = uri.fs.as_str();
        return update_user_settings(&ctx.state.db, me.user.id, |settings| {
            let map = settings
                .entry(FS_VIEW_MAP)
                .or_insert_with(|| Value::Object(Map::new()));
            if !map.is_object() {
                *map = Value::Object(Map::new());
            }
            let map = map.as_object_mut().expect("made an object");
            match json {
                Some(v) => {
                    map.insert(fs.to_owned(), v);
                }
                None => {
                    map.remove(fs);
                }
            }
            Ok(())
        })
        .await;
    }
    let node = nav::resolve(ctx, &uri).await?;
    node.require(fs_cap::MODIFY_PROPS)?;
    if !node.owned {
        return Err(FsError::NoPermission("only the owner can change the view"));
    }
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::Invalid("only folders have a view".into()));
    }
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    let fresh = file::Entity::find_by_id(node.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let mut props = match fresh.props {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    match json {
        Some(v) => {
            props.insert("view".into(), v);
        }
        None => {
            props.remove("view");
        }
    }
    let props = (!props.is_empty()).then_some(Value::Object(props));
    // Only `props` changes: a view is not a modification of the folder (`updated_at` stays).
    file::Entity::update_many()
        .col_expr(file::Column::Props, Expr::value(props))
        .filter(file::Column::Id.eq(fresh.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Applies `change` to the user's settings object in one write transaction, on the row as
/// it is now.
pub(super) async fn update_user_settings(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    change: impl FnOnce(&mut Map<String, Value>) -> Result<(), FsError>,
) -> Result<(), FsError> {
    let txn = db::begin_write(db).await?;
    let fresh = user::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let mut settings = match fresh.settings.clone() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    change(&mut settings)?;
    let mut active: user::ActiveModel = fresh.into();
    active.settings = Set(Value::Object(settings));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_validated() {
        let ok = ExplorerView {
            page_size: 50,
            order: Some("size".into()),
            order_direction: Some("desc".into()),
            view: Some("gallery".into()),
            thumbnail: Some(false),
            gallery_width: Some(500),
            columns: Some(vec![ExplorerColumn {
                kind: 3,
                width: Some(120),
                props: None,
            }]),
        };
        assert!(validate_view(&ok, 2000).is_ok());
        assert!(validate_view(&default_view(), 2000).is_ok());
        for bad in [
            ExplorerView {
                page_size: 49,
                ..ok.clone()
            },
            ExplorerView {
                page_size: 2001,
                ..ok.clone()
            },
            ExplorerView {
                order: Some("owner".into()),
                ..ok.clone()
            },
            ExplorerView {
                order_direction: Some("up".into()),
                ..ok.clone()
            },
            ExplorerView {
                view: Some("table".into()),
                ..ok.clone()
            },
            ExplorerView {
                gallery_width: Some(49),
                ..ok.clone()
            },
            ExplorerView {
                gallery_width: Some(501),
                ..ok.clone()
            },
        ] {
            assert!(validate_view(&bad, 2000).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stored_views_parse() {
        let stored = serde_json::json!({"page_size": 200, "order": "size", "view": "list"});
        let view = parse_view(Some(&stored)).expect("a view");
        assert_eq!(view.page_size, 200);
        assert_eq!(view.order.as_deref(), Some("size"));
        assert!(parse_view(Some(&serde_json::json!({"page_size": "x"}))).is_none());
        assert!(parse_view(Some(&serde_json::json!("grid"))).is_none());
        assert!(parse_view(None).is_none());
    }
}
