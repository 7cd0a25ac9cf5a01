//! Merging a debounce window's events (spec 4.18 §3.5): one message per file, in order of each
//! file's first appearance. Pure, so every row of the table is tested.

use std::collections::HashMap;

use crate::fs::changes::ChangeKind;

/// One event as a subscriber sees it: paths relative to the subscribed folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub file_id: i64,
    pub kind: ChangeKind,
    /// The item's path (for a rename, before it; for a create, where it now is).
    pub from: String,
    /// The new path of a rename.
    pub to: Option<String>,
}

/// Folds `events` (oldest first) per file.
pub fn merge(events: Vec<Event>) -> Vec<Event> {
    let mut order: Vec<i64> = Vec::new();
    let mut slots: HashMap<i64, Option<Event>> = HashMap::new();
    for later in events {
        let id = later.file_id;
        match slots.get_mut(&id) {
            None => {
                order.push(id);
                slots.insert(id, Some(later));
            }
            Some(slot) => *slot = fold(slot.take(), later),
        }
    }
    order
        .into_iter()
        .filter_map(|id| slots.remove(&id).flatten())
        .collect()
}

/// What `earlier` followed by `later` (of the same file) amounts to; `None` is nothing.
fn fold(earlier: Option<Event>, later: Event) -> Option<Event> {
    use ChangeKind::*;
    let Some(earlier) = earlier else {
        return Some(later);
    };
    match (earlier.kind, later.kind) {
        (Create, Modify) => Some(earlier),
        (Create, Rename) => Some(Event {
            kind: Create,
            from: later.to.unwrap_or(later.from),
            to: None,
            ..earlier
        }),
        (Create, Delete) => None,
        (Modify, Modify) => Some(earlier),
        (Modify, Rename) | (Modify, Delete) => Some(later),
        (Rename, Rename) => {
            let to = later.to.unwrap_or(later.from);
            (Some(&to) != Some(&earlier.from)).then_some(Event {
                to: Some(to),
                ..earlier
            })
        }
        (Rename, Modify) => Some(earlier),
        (Rename, Delete) => Some(later),
        (Delete, Create) => Some(later),
        (Delete, Modify) | (Delete, Rename) => Some(earlier),
        // Not in the table (create twice, delete twice, ...): the later state stands.
        _ => Some(later),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;

    fn ev(file_id: i64, kind: ChangeKind, from: &str, to: Option<&str>) -> Event {
        Event {
            file_id,
            kind,
            from: from.into(),
            to: to.map(Into::into),
        }
    }

    fn one(earlier: Event, later: Event) -> Vec<Event> {
        merge(vec![earlier, later])
    }

    #[test]
    fn create_then_modify_is_create() {
        assert_eq!(
            one(ev(1, Create, "/a", None), ev(1, Modify, "/a", None)),
            [ev(1, Create, "/a", None)]
        );
    }

    #[test]
    fn create_then_rename_is_create_at_the_new_path() {
        assert_eq!(
            one(ev(1, Create, "/a", None), ev(1, Rename, "/a", Some("/b"))),
            [ev(1, Create, "/b", None)]
        );
    }

    #[test]
    fn create_then_delete_is_nothing() {
        assert_eq!(
            one(ev(1, Create, "/a", None), ev(1, Delete, "/a", None)),
            []
        );
    }

    #[test]
    fn modify_twice_is_one_modify() {
        assert_eq!(
            one(ev(1, Modify, "/a", None), ev(1, Modify, "/a", None)),
            [ev(1, Modify, "/a", None)]
        );
    }

    #[test]
    fn modify_then_rename_is_the_rename() {
        assert_eq!(
            one(ev(1, Modify, "/a", None), ev(1, Rename, "/a", Some("/b"))),
            [ev(1, Rename, "/a", Some("/b"))]
        );
    }

    #[test]
    fn modify_then_delete_is_delete() {
        assert_eq!(
            one(ev(1, Modify, "/a", None), ev(1, Delete, "/a", None)),
            [ev(1, Delete, "/a", None)]
        );
    }

    #[test]
    fn renames_chain_and_cancel() {
        assert_eq!(
            one(
                ev(1, Rename, "/a", Some("/b")),
                ev(1, Rename, "/b", Some("/c"))
            ),
            [ev(1, Rename, "/a", Some("/c"))]
        );
        assert_eq!(
            one(
                ev(1, Rename, "/a", Some("/b")),
                ev(1, Rename, "/b", Some("/a"))
            ),
            []
        );
    }

    #[test]
    fn rename_then_modify_is_the_rename() {
        assert_eq!(
            one(ev(1, Rename, "/a", Some("/b")), ev(1, Modify, "/b", None)),
            [ev(1, Rename, "/a", Some("/b"))]
        );
    }

    #[test]
    fn rename_then_delete_is_delete_at_the_path_at_deletion() {
        assert_eq!(
            one(ev(1, Rename, "/a", Some("/b")), ev(1, Delete, "/b", None)),
            [ev(1, Delete, "/b", None)]
        );
    }

    #[test]
    fn delete_then_create_is_create() {
        assert_eq!(
            one(ev(1, Delete, "/a", None), ev(1, Create, "/x/a", None)),
            [ev(1, Create, "/x/a", None)]
        );
    }

    #[test]
    fn delete_then_modify_or_rename_is_delete() {
        assert_eq!(
            one(ev(1, Delete, "/a", None), ev(1, Modify, "/a", None)),
            [ev(1, Delete, "/a", None)]
        );
        assert_eq!(
            one(ev(1, Delete, "/a", None), ev(1, Rename, "/a", Some("/b"))),
            [ev(1, Delete, "/a", None)]
        );
    }

    #[test]
    fn one_message_per_file_in_order_of_first_appearance() {
        let merged = merge(vec![
            ev(2, Create, "/b", None),
            ev(1, Modify, "/a", None),
            ev(3, Create, "/c", None),
            ev(2, Modify, "/b", None),
            ev(3, Delete, "/c", None),
            ev(1, Modify, "/a", None),
        ]);
        assert_eq!(
            merged,
            [ev(2, Create, "/b", None), ev(1, Modify, "/a", None)]
        );
    }

    #[test]
    fn a_file_cancelled_out_comes_back_with_its_next_event() {
        let merged = merge(vec![
            ev(1, Create, "/a", None),
            ev(1, Delete, "/a", None),
            ev(1, Create, "/b", None),
        ]);
        assert_eq!(merged, [ev(1, Create, "/b", None)]);
    }
}
