//! Scope names (spec 4.18 §2.3) and the parsing of a requested scope string.

/// Every scope a client may be registered with.
pub const ALL: &[&str] = &[
    OPENID,
    PROFILE,
    EMAIL,
    OFFLINE_ACCESS,
    "UserInfo.Read",
    "UserInfo.Write",
    "UserSecurityInfo.Read",
    "UserSecurityInfo.Write",
    "Files.Read",
    "Files.Write",
    "Shares.Read",
    "Shares.Write",
    "Workflow.Read",
    "Workflow.Write",
    "DavAccount.Read",
    "DavAccount.Write",
    "Admin.Read",
    "Admin.Write",
    "Finance.Read",
    "Finance.Write",
];

pub const OPENID: &str = "openid";
pub const PROFILE: &str = "profile";
pub const EMAIL: &str = "email";
pub const OFFLINE_ACCESS: &str = "offline_access";

/// The scopes of a space-separated request, in order, without repeats or empty parts.
pub fn parse(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Whether every scope of `wanted` is in `allowed`.
pub fn subset(wanted: &[String], allowed: &[String]) -> bool {
    wanted.iter().all(|w| allowed.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scope_strings_are_split_on_spaces() {
        assert_eq!(parse("openid  Files.Read openid"), ["openid", "Files.Read"]);
        assert!(parse("").is_empty());
        assert!(subset(&parse("openid"), &parse("openid email")));
        assert!(!subset(&parse("openid Files.Write"), &parse("openid")));
    }

    proptest! {
        #[test]
        fn requested_scopes_are_distinct_nonempty_words(scope in "[ a-zA-Z.]{0,40}|.{0,40}") {
            let parsed = parse(&scope);
            for (i, s) in parsed.iter().enumerate() {
                prop_assert!(!s.is_empty() && !s.contains(' '));
                prop_assert!(!parsed[..i].contains(s));
                prop_assert!(scope.split(' ').any(|w| w == s));
            }
            prop_assert!(subset(&parsed, &parsed));
            let all: Vec<String> = ALL.iter().map(|s| (*s).to_owned()).collect();
            prop_assert_eq!(
                subset(&parsed, &all),
                parsed.iter().all(|s| ALL.contains(&s.as_str()))
            );
        }
    }
}
