//! The storage policy an upload goes to (the caller's group's), and its rules on file names
//! and sizes, checked before anything is written: the size limit, the extension list
//! (allowed, or denied when `is_file_type_deny_list`) and the name pattern (`file_regexp`,
//! which must match, or must not when `is_name_regexp_deny_list`). The same rules hold for upload sessions, WebDAV `PUT`, edits
//! and new empty files.

use std::sync::Arc;

use serde_json::Value;
use stratus_entity::storage_policy;

use super::UploadError;
use crate::{auth::caller::SignedIn, state::AppState};

/// The name rules of one policy, read from its settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameRules {
    /// Extensions without the dot, lowercase; empty = no rule.
    pub suffixes: Vec<String>,
    /// `suffixes` lists the extensions that are refused rather than the only ones allowed.
    pub suffix_deny: bool,
    /// File-name pattern; empty = no rule.
    pub pattern: String,
    /// The name must not match `pattern` (rather than must).
    pub pattern_deny: bool,
}

impl NameRules {
    pub fn of(policy: &storage_policy::Model) -> Self {
        let s = &policy.settings;
        let flag = |key: &str| s.get(key).and_then(Value::as_bool).unwrap_or(false);
        NameRules {
            suffixes: s
                .get("file_type")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            suffix_deny: flag("is_file_type_deny_list"),
            pattern: s
                .get("file_regexp")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            pattern_deny: flag("is_name_regexp_deny_list"),
        }
    }

    /// Whether `name` passes; the error says which rule refused it.
    pub fn check(&self, name: &str) -> Result<(), UploadError> {
        if !self.suffixes.is_empty() {
            let ext = name
                .rsplit_once('.')
                .map(|(_, ext)| ext.to_ascii_lowercase())
                .unwrap_or_default();
            let listed = self.suffixes.contains(&ext);
            if listed == self.suffix_deny {
                return Err(UploadError::NameRefused(if self.suffix_deny {
                    format!("files ending in .{ext} are not allowed here")
                } else {
                    "this file type is not allowed here".to_owned()
                }));
            }
        }
        if !self.pattern.is_empty() {
            // A pattern the admin check let through always compiles; one stored otherwise
            // (an older row, a direct database edit) refuses every name rather than none.
            let matched = regex::Regex::new(&self.pattern)
                .map_err(|_| {
                    UploadError::NameRefused("the policy's name pattern is invalid".into())
                })?
                .is_match(name);
            if matched == self.pattern_deny {
                return Err(UploadError::NameRefused(if self.pattern_deny {
                    "this file name is not allowed here".to_owned()
                } else {
                    "this file name does not match the names allowed here".to_owned()
                }));
            }
        }
        Ok(())
    }
}

/// The storage policy of the caller's group.
pub(crate) async fn group_policy(
    state: &AppState,
    me: &SignedIn,
) -> Result<Arc<storage_policy::Model>, UploadError> {
    let id = me
        .group
        .storage_policy_id
        .ok_or(UploadError::GroupCannotUpload)?;
    state
        .storage
        .policy(id)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(UploadError::PolicyMissing)
}

/// The storage policy of `owner_id`'s group: where a file made in that owner's drive by
/// someone else (a recipient of a write grant) is stored, as if the owner had made it.
pub(crate) async fn owner_policy(
    state: &AppState,
    owner_id: i64,
) -> Result<Arc<storage_policy::Model>, UploadError> {
    use sea_orm::EntityTrait;
    let id = stratus_entity::user::Entity::find_by_id(owner_id)
        .find_also_related(stratus_entity::group::Entity)
        .one(&state.db)
        .await
        .map_err(crate::fs::error::FsError::from)?
        .and_then(|(_, group)| group?.storage_policy_id)
        .ok_or(UploadError::GroupCannotUpload)?;
    state
        .storage
        .policy(id)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(UploadError::PolicyMissing)
}

/// The policy's size limit and name rules for a file `name` of `size` bytes.
pub fn check_policy(
    policy: &storage_policy::Model,
    name: &str,
    size: i64,
) -> Result<(), UploadError> {
    if policy.max_size > 0 && size > policy.max_size {
        return Err(UploadError::TooLarge {
            limit: policy.max_size,
        });
    }
    NameRules::of(policy).check(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(suffixes: &[&str], suffix_deny: bool, pattern: &str, pattern_deny: bool) -> NameRules {
        NameRules {
            suffixes: suffixes.iter().map(|s| s.to_string()).collect(),
            suffix_deny,
            pattern: pattern.into(),
            pattern_deny,
        }
    }

    #[test]
    fn lists_and_patterns_allow_or_deny() {
        assert!(rules(&[], false, "", false).check("a.exe").is_ok());
        assert!(rules(&["jpg"], false, "", false).check("a.JPG").is_ok());
        assert!(rules(&["jpg"], false, "", false).check("a.txt").is_err());
        assert!(rules(&["exe"], true, "", false).check("a.EXE").is_err());
        assert!(rules(&["exe"], true, "", false).check("a.txt").is_ok());
        assert!(rules(&["exe"], true, "", false).check("noext").is_ok());
        assert!(
            rules(&[], false, "^report-", false)
                .check("report-1.txt")
                .is_ok()
        );
        assert!(rules(&[], false, "^report-", false).check("x.txt").is_err());
        assert!(
            rules(&[], false, "secret", true)
                .check("my secret.txt")
                .is_err()
        );
        assert!(
            rules(&[], false, "secret", true)
                .check("public.txt")
                .is_ok()
        );
        assert!(rules(&[], false, "(", false).check("a").is_err());
    }
}
