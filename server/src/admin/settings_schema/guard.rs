//! Settings of the guard against mass deletion (`guard/`, docs/guard.md).

use super::Kind;

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // The guard against mass deletion
    ("guard_enabled", Kind::Bool),
    (
        "guard_burst_files",
        Kind::Int {
            min: 1,
            max: 1_000_000,
        },
    ),
    (
        "guard_burst_seconds",
        Kind::Int {
            min: 1,
            max: 86_400,
        },
    ),
    ("guard_web_sessions", Kind::Bool),
    ("guard_exempt_groups", Kind::GroupIds),
];
