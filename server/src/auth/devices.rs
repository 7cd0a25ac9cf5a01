//! The device behind each session chain (`user_sessions`): its agent and address, when it
//! signed in and when it last refreshed, so the owner can see the sessions and end one.
//!
//! The chain's `kv` row stays the one authority on whether a session goes on: a row here
//! whose chain has ended (expired, reused) is left out of lists and deleted when next listed.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use stratus_entity::user_session as row;
use uuid::Uuid;

use crate::events::Client;

/// Notes a new chain `root` of `uid` started from `client`.
pub async fn started(
    db: &impl ConnectionTrait,
    uid: i64,
    root: Uuid,
    client: &Client,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let model = row::ActiveModel {
        user_id: Set(uid),
        root: Set(root.to_string()),
        user_agent: Set(client.user_agent.clone()),
        ip: Set(client.ip.clone()),
        last_used_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    row::Entity::insert(model)
        .on_conflict(
            OnConflict::column(row::Column::Root)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Notes a refresh of the chain `root` of `uid` from `client`.
pub async fn used(
    db: &impl ConnectionTrait,
    uid: i64,
    root: Uuid,
    client: &Client,
) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(row::Column::LastUsedAt, Utc::now().into())
        .col_expr(row::Column::UpdatedAt, Utc::now().into())
        .col_expr(row::Column::Ip, client.ip.clone().into())
        .filter(row::Column::UserId.eq(uid))
        .filter(row::Column::Root.eq(root.to_string()))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the chain `root` of `uid` (ended).
pub async fn ended(db: &impl ConnectionTrait, uid: i64, root: Uuid) -> Result<(), DbErr> {
    row::Entity::delete_many()
        .filter(row::Column::UserId.eq(uid))
        .filter(row::Column::Root.eq(root.to_string()))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets every chain of `uid` but `keep`.
pub async fn all_ended(
    db: &impl ConnectionTrait,
    uid: i64,
    keep: Option<Uuid>,
) -> Result<(), DbErr> {
    let mut delete = row::Entity::delete_many().filter(row::Column::UserId.eq(uid));
    if let Some(keep) = keep {
        delete = delete.filter(row::Column::Root.ne(keep.to_string()));
    }
    delete.exec(db).await?;
    Ok(())
}

/// One session as its owner sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub root: Uuid,
    /// A short description of the agent ("Firefox on Linux"), or the agent itself.
    pub device: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

/// The sessions of `uid` whose chain is in `live`, last used first; the rows of ended chains
/// are deleted on the way.
pub async fn list(
    db: &impl ConnectionTrait,
    uid: i64,
    live: &HashSet<Uuid>,
) -> Result<Vec<Session>, DbErr> {
    let rows = row::Entity::find()
        .filter(row::Column::UserId.eq(uid))
        .order_by_desc(row::Column::LastUsedAt)
        .order_by_desc(row::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    let mut stale = Vec::new();
    for r in rows {
        match Uuid::parse_str(&r.root)
            .ok()
            .filter(|root| live.contains(root))
        {
            Some(root) => out.push(Session {
                root,
                device: describe(r.user_agent.as_deref()),
                user_agent: r.user_agent,
                ip: r.ip,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
            }),
            None => stale.push(r.id),
        }
    }
    if !stale.is_empty() {
        row::Entity::delete_many()
            .filter(row::Column::Id.is_in(stale))
            .exec(db)
            .await?;
    }
    Ok(out)
}

/// "Browser on system" from a User-Agent, as far as the common ones go; the agent itself
/// (shortened) otherwise, and "" when there is none.
pub fn describe(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return String::new();
    };
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari, iOS says Mac OS X.
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => system.to_owned(),
        (None, None) => ua.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_agents_are_named() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                      (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36";
        assert_eq!(describe(Some(chrome)), "Chrome on Windows");
        let edge = format!("{chrome} Edg/141.0.0.0");
        assert_eq!(describe(Some(&edge)), "Edge on Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) \
                      AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(Some(iphone)), "Safari on iOS");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe(Some(firefox)), "Firefox on Linux");
        assert_eq!(describe(Some("rclone/v1.68")), "rclone/v1.68");
        assert_eq!(describe(None), "");
    }
}
