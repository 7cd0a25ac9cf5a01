//! Subscription rows: one per (user, folder, client id), holding the last journal id the
//! client was sent, so a stream resumes after a disconnect, a restart or on another instance.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::fs_subscription;
use uuid::Uuid;

use super::journal;

/// The key of a subscription. `Copy` and without heap parts: a stream, its place in the
/// dispatcher and its noted cursor each hold one, for every open stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub user_id: i64,
    pub folder_id: i64,
    pub client_id: Uuid,
}

impl Key {
    /// The client id as the journal and the subscription rows spell it (lowercase,
    /// hyphenated), without allocating.
    pub fn client<'a>(&self, buf: &'a mut [u8; uuid::fmt::Hyphenated::LENGTH]) -> &'a str {
        self.client_id.hyphenated().encode_lower(buf)
    }
}

/// What opening a subscription found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A new subscription (row `row`), starting at the journal's end.
    Subscribed { row: i64, cursor: i64 },
    /// An existing one: replay what follows its cursor.
    Resumed { row: i64, cursor: i64 },
    /// An existing one whose missed changes were pruned: it was dropped, the client must
    /// reconnect (and will get a new one).
    ReconnectRequired,
}

impl Opened {
    /// The subscription row, when there is one.
    pub fn row(&self) -> Option<i64> {
        match self {
            Opened::Subscribed { row, .. } | Opened::Resumed { row, .. } => Some(*row),
            Opened::ReconnectRequired => None,
        }
    }
}

/// Opens (or reopens) the subscription `key`.
pub async fn open(db: &impl ConnectionTrait, key: &Key) -> Result<Opened, DbErr> {
    let now = Utc::now();
    if let Some(row) = find(db, key).await? {
        if row.cursor_id < journal::pruned_through(db).await? {
            fs_subscription::Entity::delete_by_id(row.id)
                .exec(db)
                .await?;
            return Ok(Opened::ReconnectRequired);
        }
        let (id, cursor) = (row.id, row.cursor_id);
        let mut active = row.into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?;
        return Ok(Opened::Resumed { row: id, cursor });
    }
    let cursor = journal::max_id(db).await?;
    let row = fs_subscription::ActiveModel {
        user_id: Set(key.user_id),
        folder_id: Set(key.folder_id),
        client_id: Set(key.client_id.to_string()),
        cursor_id: Set(cursor),
        last_seen_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(row) => Ok(Opened::Subscribed {
            row: row.id,
            cursor,
        }),
        // Another connection made it at the same moment: it is resumed.
        Err(_) if find(db, key).await?.is_some() => Box::pin(open(db, key)).await,
        Err(e) => Err(e),
    }
}

async fn find(
    db: &impl ConnectionTrait,
    key: &Key,
) -> Result<Option<fs_subscription::Model>, DbErr> {
    fs_subscription::Entity::find()
        .filter(fs_subscription::Column::UserId.eq(key.user_id))
        .filter(fs_subscription::Column::FolderId.eq(key.folder_id))
        .filter(fs_subscription::Column::ClientId.eq(key.client_id.to_string()))
        .one(db)
        .await
}

/// Records that the client was sent everything up to `cursor` (never moving it back), and that
/// its stream is open now.
pub async fn advance(db: &impl ConnectionTrait, key: &Key, cursor: i64) -> Result<(), DbErr> {
    advancing(cursor)
        .filter(fs_subscription::Column::UserId.eq(key.user_id))
        .filter(fs_subscription::Column::FolderId.eq(key.folder_id))
        .filter(fs_subscription::Column::ClientId.eq(key.client_id.to_string()))
        .exec(db)
        .await?;
    Ok(())
}

/// [`advance`] for the subscription rows `rows` at once, all to the same `cursor`: streams
/// sent the same change note the same cursor, so thousands of them are a few statements.
pub async fn advance_rows(
    db: &impl ConnectionTrait,
    rows: &[i64],
    cursor: i64,
) -> Result<(), DbErr> {
    advancing(cursor)
        .filter(fs_subscription::Column::Id.is_in(rows.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// The update of [`advance`], without its rows.
fn advancing(cursor: i64) -> sea_orm::UpdateMany<fs_subscription::Entity> {
    let now = Utc::now();
    fs_subscription::Entity::update_many()
        .col_expr(fs_subscription::Column::LastSeenAt, Expr::value(now))
        .col_expr(fs_subscription::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            fs_subscription::Column::CursorId,
            Expr::case(
                Expr::col(fs_subscription::Column::CursorId).lt(cursor),
                cursor,
            )
            .finally(Expr::col(fs_subscription::Column::CursorId))
            .into(),
        )
}
