//! Loops of any length between the modules of `server/src`: `a → b → c → a` ties three
//! modules into one as surely as `a → b → a` ties two, so none may exist.

use std::collections::{BTreeMap, BTreeSet};

/// The modules each module reaches through `edges`, itself not included unless it lies on a
/// loop.
fn reach<'a>(edges: &BTreeSet<(&'a str, &'a str)>) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges {
        next.entry(from).or_default().push(to);
    }
    let mut out = BTreeMap::new();
    for &start in next.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = next[start].clone();
        while let Some(unit) = stack.pop() {
            if seen.insert(unit) {
                stack.extend(next.get(unit).into_iter().flatten());
            }
        }
        out.insert(start, seen);
    }
    out
}

/// The loops of `edges`: each a set of modules that all reach one another, two or more.
pub fn loops<'a>(edges: &BTreeSet<(&'a str, &'a str)>) -> Vec<BTreeSet<&'a str>> {
    let reached = reach(edges);
    let mut out: Vec<BTreeSet<&str>> = Vec::new();
    for (&unit, from_unit) in &reached {
        if !from_unit.contains(unit) || out.iter().any(|l| l.contains(unit)) {
            continue;
        }
        let members: BTreeSet<&str> = from_unit
            .iter()
            .copied()
            .filter(|other| reached.get(other).is_some_and(|r| r.contains(unit)))
            .collect();
        out.push(members);
    }
    out
}

#[test]
fn loops_of_two_and_three_are_found_and_chains_are_not() {
    let edges: BTreeSet<(&str, &str)> = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "e"),
        ("e", "d"),
        ("f", "a"),
        ("g", "h"),
    ]
    .into_iter()
    .collect();
    let found = loops(&edges);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&["a", "b", "c"].into_iter().collect()));
    assert!(found.contains(&["d", "e"].into_iter().collect()));
}
