//! The timeline of recent activity (`GET /admin/timeline`): entries from several sources
//! merged by time, newest first. Today's only source is the audit log (administrator
//! changes, failed sign-ins, nodes going down and coming back); backups and restores become
//! further sources: each [`Source`] answers its newest entries before a cursor, and
//! [`page`] merges them.
//!
//! The cursor orders entries by (time, source, id), so entries of one instant are neither
//! skipped nor repeated between pages: `<unix nanoseconds>.<source rank>.<id>` (nanoseconds, as SQLite keeps
//! them: a rounded time would not equal the stored one). A plain
//! RFC 3339 time is taken too (entries strictly older).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use stratus_entity::{event, user};

use super::AdminError;
use crate::{events::kind, state::AppState};

/// The most entries one page holds.
pub const MAX_LIMIT: u64 = 200;

/// Where an entry comes from. The rank orders entries of one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Event = 1,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Self::Event => "event",
        }
    }

    fn rank(self) -> i64 {
        self as i64
    }
}

/// A position in the timeline: entries strictly before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    /// `None`: every entry at `at` is after the cursor.
    pub key: Option<(i64, i64)>,
}

impl Cursor {
    /// A cursor as [`Cursor::text`] writes it, or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Self, AdminError> {
        let text = text.trim();
        let bad = || {
            AdminError::invalid(format!(
                "before: {text:?} is neither a cursor from a previous page nor an RFC 3339 time"
            ))
        };
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Self {
                at: at.with_timezone(&Utc),
                key: None,
            });
        }
        let parts: Vec<i64> = text
            .split('.')
            .map(|p| p.parse::<i64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let [nanos, rank, id] = parts[..] else {
            return Err(bad());
        };
        let at = DateTime::from_timestamp_nanos(nanos);
        Ok(Self {
            at,
            key: Some((rank, id)),
        })
    }

    pub fn text(&self) -> String {
        let (rank, id) = self.key.unwrap_or((0, 0));
        // Times past 2262 do not fit; none is stored.
        let nanos = self.at.timestamp_nanos_opt().unwrap_or(i64::MAX);
        format!("{nanos}.{rank}.{id}")
    }
}

/// One entry.
#[derive(Clone, Debug)]
pub struct Entry {
    pub source: Source,
    /// The row's id in its source.
    pub id: i64,
    /// `admin_change`, `sign_in_failed`, `webdav_sign_in_failed`, `node_down`, `node_up`.
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    /// Who acted, when someone did.
    pub user: Option<user::Model>,
    pub ip: Option<String>,
    /// What the source recorded.
    pub details: Value,
}

impl Entry {
    /// The cursor just before this entry, for the next page.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.at,
            key: Some((self.source.rank(), self.id)),
        }
    }
}

/// Audit event types the timeline shows, with their entry kind.
const EVENT_KINDS: &[(i32, &str)] = &[
    (kind::ADMIN_CHANGE, "admin_change"),
    (kind::USER_LOGIN_FAILED, "sign_in_failed"),
    (kind::WEBDAV_LOGIN_FAILED, "webdav_sign_in_failed"),
    (kind::NODE_DOWN, "node_down"),
    (kind::NODE_UP, "node_up"),
];

/// Up to `limit` entries before `before` (the newest when `None`), newest first, and the
/// cursor of the next page when there may be one.
pub async fn page(
    state: &AppState,
    limit: u64,
    before: Option<Cursor>,
) -> Result<(Vec<Entry>, Option<Cursor>), AdminError> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut entries = events_before(state, limit, before).await?;
    entries.sort_by_key(|e| std::cmp::Reverse(e.cursor()));
    entries.truncate(limit as usize);
    let next = (entries.len() as u64 == limit)
        .then(|| entries.last().map(Entry::cursor))
        .flatten();
    Ok((entries, next))
}

/// The newest `limit` audit events of the timeline's kinds before `before`.
async fn events_before(
    state: &AppState,
    limit: u64,
    before: Option<Cursor>,
) -> Result<Vec<Entry>, DbErr> {
    let kinds = EVENT_KINDS.iter().map(|(k, _)| *k);
    let mut select = event::Entity::find().filter(event::Column::Type.is_in(kinds));
    if let Some(c) = before {
        let mut older = Condition::any().add(event::Column::CreatedAt.lt(c.at));
        match c.key {
            // Events rank first among sources of one instant: a later-ranked cursor has
            // every event of that instant still to come.
            Some((rank, id)) if rank == Source::Event.rank() => {
                older = older.add(
                    Condition::all()
                        .add(event::Column::CreatedAt.eq(c.at))
                        .add(event::Column::Id.lt(id)),
                );
            }
            Some((rank, _)) if rank > Source::Event.rank() => {
                older = older.add(event::Column::CreatedAt.eq(c.at));
            }
            _ => {}
        }
        select = select.filter(older);
    }
    let rows = select
        .order_by_desc(event::Column::CreatedAt)
        .order_by_desc(event::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|e| e.user_id).collect();
    let users = if user_ids.is_empty() {
        Vec::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids))
            .all(&state.db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|e| Entry {
            source: Source::Event,
            id: e.id,
            kind: EVENT_KINDS
                .iter()
                .find(|(k, _)| *k == e.r#type)
                .map_or("event", |(_, name)| name),
            at: e.created_at,
            user: e
                .user_id
                .and_then(|id| users.iter().find(|u| u.id == id).cloned()),
            ip: e.ip,
            details: e.content.unwrap_or(Value::Null),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_times_are_taken() {
        let at = DateTime::from_timestamp_nanos(1_764_000_000_123_456_789);
        let c = Cursor {
            at,
            key: Some((1, 42)),
        };
        assert_eq!(Cursor::parse(&c.text()).unwrap(), c);
        let t = Cursor::parse("2026-11-26T04:00:00Z").unwrap();
        assert_eq!(t.key, None);
        assert!(Cursor::parse("yesterday").is_err());
        assert!(Cursor::parse("1.2").is_err());
    }
}
