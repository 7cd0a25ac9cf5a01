//! The guard's settings, read through the settings cache on every change it judges.

use sea_orm::DbErr;

use crate::{caller::CredentialKind, state::AppState};

/// Default of `guard_burst_files`: changes (weighted) one credential may make within
/// `guard_burst_seconds` before it is stopped. A folder of 1,000 new files synced up makes
/// no destructive change at all; a user deleting folders by hand through a sync client makes
/// a few dozen a minute. See `docs/guard.md` for what was measured.
pub const DEFAULT_BURST_FILES: i64 = 200;
/// Default of `guard_burst_seconds`.
pub const DEFAULT_BURST_SECONDS: i64 = 60;

/// What the guard watches and when it trips.
#[derive(Debug, Clone)]
pub struct GuardSettings {
    pub enabled: bool,
    /// More than this (weighted) in the window trips the guard.
    pub burst_files: i64,
    pub burst_seconds: i64,
    /// Web sessions are watched too.
    pub web_sessions: bool,
    /// Members of these groups are never watched.
    pub exempt_groups: Vec<i64>,
}

impl GuardSettings {
    pub async fn read(state: &AppState) -> Result<Self, DbErr> {
        let s = &state.settings;
        Ok(Self {
            // On unless switched off (a site from before the guard has no row yet).
            enabled: !matches!(s.get("guard_enabled").await?.trim(), "0" | "false"),
            burst_files: s
                .int("guard_burst_files", DEFAULT_BURST_FILES)
                .await?
                .max(1),
            burst_seconds: s
                .int("guard_burst_seconds", DEFAULT_BURST_SECONDS)
                .await?
                .max(1),
            web_sessions: s.bool("guard_web_sessions").await?,
            exempt_groups: group_ids(&s.get("guard_exempt_groups").await?),
        })
    }

    /// Whether changes of a credential of `kind` by a member of `group` are watched.
    pub fn watches(&self, kind: CredentialKind, group: i64) -> bool {
        self.enabled
            && (kind != CredentialKind::Session || self.web_sessions)
            && !self.exempt_groups.contains(&group)
    }
}

/// Group ids listed with any separators (`2,5`, `[2, 5]`, `2 5`).
pub fn group_ids(text: &str) -> Vec<i64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::group_ids;

    #[test]
    fn group_ids_take_any_separator() {
        assert_eq!(group_ids("2,5"), vec![2, 5]);
        assert_eq!(group_ids("[2, 5]"), vec![2, 5]);
        assert!(group_ids("").is_empty());
    }
}
