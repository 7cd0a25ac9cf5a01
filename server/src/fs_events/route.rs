//! Which journal rows a subscription sees, and as what (spec 4.18 §3.4): an event on an item goes to
//! subscriptions whose folder is a proper ancestor of the item; a move seen from one side only
//! is a delete (source side) or a create (destination side). Pure.

use stratus_entity::fs_change;

use super::merge::Event;
use crate::fs::changes::ChangeKind;

/// The events `rows` (oldest first, one owner's) make for the subscription of the folder now at
/// `folder_now` (owner-absolute) and client `client_id`. Rows written before a rename of the
/// folder (or of one of its ancestors) are matched against the folder's path of their time.
pub fn events_for(rows: &[fs_change::Model], folder_now: &str, client_id: &str) -> Vec<Event> {
    // Walk back from now: a rename that put the folder where it now is gives the older rows
    // the path from before it.
    let mut folder = folder_now.to_owned();
    let mut folder_at = vec![String::new(); rows.len()];
    for (i, row) in rows.iter().enumerate().rev() {
        folder_at[i] = folder.clone();
        if let (Some(kind), Some(to)) = (ChangeKind::from_code(row.kind), &row.to_path)
            && kind == ChangeKind::Rename
            && let Some(rest) = self_or_below(&folder, to)
        {
            folder = format!("{}{rest}", row.from_path);
        }
    }
    rows.iter()
        .zip(folder_at)
        .filter(|(row, _)| row.client_id.as_deref() != Some(client_id))
        .filter_map(|(row, folder)| event_of(row, &folder))
        .collect()
}

/// The event one row makes for a subscription of `folder`, if any.
fn event_of(row: &fs_change::Model, folder: &str) -> Option<Event> {
    let kind = ChangeKind::from_code(row.kind)?;
    let from = below(folder, &row.from_path);
    let event = |kind, from: &str, to: Option<&str>| Event {
        file_id: row.file_id,
        kind,
        from: from.to_owned(),
        to: to.map(str::to_owned),
    };
    match (kind, &row.to_path) {
        (ChangeKind::Rename, Some(to)) => match (from, below(folder, to)) {
            (Some(from), Some(to)) => Some(event(ChangeKind::Rename, from, Some(to))),
            (Some(from), None) => Some(event(ChangeKind::Delete, from, None)),
            (None, Some(to)) => Some(event(ChangeKind::Create, to, None)),
            (None, None) => None,
        },
        (kind, _) => from.map(|from| event(kind, from, None)),
    }
}

/// `path` relative to `folder` (starting with `/`) when it lies strictly below it.
fn below<'a>(folder: &str, path: &'a str) -> Option<&'a str> {
    if folder == "/" {
        return (path.len() > 1 && path.starts_with('/')).then_some(path);
    }
    path.strip_prefix(folder)
        .filter(|rest| rest.len() > 1 && rest.starts_with('/'))
}

/// What follows `ancestor` in `path` when `path` is `ancestor` itself (`""`) or below it.
fn self_or_below<'a>(path: &'a str, ancestor: &str) -> Option<&'a str> {
    if ancestor == "/" {
        return None;
    }
    path.strip_prefix(ancestor)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use ChangeKind::*;

    fn row(
        id: i64,
        kind: ChangeKind,
        from: &str,
        to: Option<&str>,
        client: Option<&str>,
    ) -> fs_change::Model {
        fs_change::Model {
            id,
            owner_id: 1,
            file_id: id,
            kind: kind.code(),
            from_path: from.into(),
            to_path: to.map(Into::into),
            is_folder: false,
            client_id: client.map(Into::into),
            actor_id: None,
            created_at: Utc::now(),
        }
    }

    fn kinds(events: &[Event]) -> Vec<(ChangeKind, &str, Option<&str>)> {
        events
            .iter()
            .map(|e| (e.kind, e.from.as_str(), e.to.as_deref()))
            .collect()
    }

    #[test]
    fn only_proper_descendants_are_seen() {
        let rows = [
            row(1, Modify, "/A/x", None, None),
            row(2, Modify, "/A", None, None),
            row(3, Modify, "/AB/x", None, None),
            row(4, Modify, "/A/b/c", None, None),
        ];
        let events = events_for(&rows, "/A", "me");
        assert_eq!(
            kinds(&events),
            [(Modify, "/x", None), (Modify, "/b/c", None)]
        );
        let root = events_for(&rows, "/", "me");
        assert_eq!(root.len(), 4);
        assert_eq!(root[1].from, "/A");
    }

    #[test]
    fn moves_seen_from_one_side() {
        let rows = [
            row(1, Rename, "/A/x", Some("/A/y"), None),
            row(2, Rename, "/A/x", Some("/B/x"), None),
            row(3, Rename, "/B/x", Some("/A/z/x"), None),
            row(4, Rename, "/B/x", Some("/C/x"), None),
        ];
        let events = events_for(&rows, "/A", "me");
        assert_eq!(
            kinds(&events),
            [
                (Rename, "/x", Some("/y")),
                (Delete, "/x", None),
                (Create, "/z/x", None),
            ]
        );
    }

    #[test]
    fn the_folder_itself_renamed_is_not_reported_and_older_rows_use_its_old_path() {
        let rows = [
            row(1, Create, "/A/x", None, None),
            row(2, Rename, "/A", Some("/B"), None),
            row(3, Modify, "/B/y", None, None),
        ];
        let events = events_for(&rows, "/B", "me");
        assert_eq!(kinds(&events), [(Create, "/x", None), (Modify, "/y", None)]);
        // An ancestor's rename moves it too.
        let rows = [
            row(1, Create, "/P/A/x", None, None),
            row(2, Rename, "/P", Some("/Q"), None),
        ];
        assert_eq!(
            kinds(&events_for(&rows, "/Q/A", "me")),
            [(Create, "/x", None)]
        );
    }

    #[test]
    fn own_changes_are_not_echoed() {
        let rows = [
            row(1, Modify, "/A/x", None, Some("me")),
            row(2, Modify, "/A/y", None, Some("other")),
        ];
        assert_eq!(
            kinds(&events_for(&rows, "/A", "me")),
            [(Modify, "/y", None)]
        );
    }
}
