//! The `oidc_providers` setting: a JSON list (the setting's string value) of the OpenID
//! Connect providers people may sign in with. Each provider's `client_secret` is write-only:
//! the admin read route sees it blank ([`redact`]), and a save that leaves it blank keeps the
//! stored one of the provider with the same id ([`keep_secrets`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::OidcError;
use crate::{net::guard::Guard, state::AppState};

/// The link provider name of a provider: `oidc:<id>` in `external_identities`, beside the
/// directory's `ldap`.
pub fn link_name(id: &str) -> String {
    format!("oidc:{id}")
}

/// One provider as the setting holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Provider {
    /// Short and stable: it is in the callback URL and in every account's link.
    pub id: String,
    /// What the sign-in button says.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The issuer URL; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    /// Scopes asked for; `openid` is always among them.
    #[serde(default = "default_scopes", deserialize_with = "scopes_list")]
    pub scopes: Vec<String>,
    /// Whether a first sign-in may make an account.
    #[serde(default)]
    pub allow_signup: bool,
    /// Whether a first sign-in whose verified e-mail is a local account's links to it.
    #[serde(default)]
    pub link_by_verified_email: bool,
    /// The claim holding the user's groups (a list of strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_claim: Option<String>,
    /// Provider group → Stratus group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_map: Option<BTreeMap<String, i64>>,
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

/// Scopes as a list or as one space-separated string.
fn scopes_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scopes {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Scopes::deserialize(d)? {
        Scopes::List(l) => l,
        Scopes::Text(t) => t.split_whitespace().map(String::from).collect(),
    })
}

impl Provider {
    /// The Stratus group the user's provider groups map to (the lowest id of those that
    /// match), `None` without a map or a match.
    pub fn group_of(&self, groups: &[String]) -> Option<i64> {
        let map = self.group_map.as_ref()?;
        groups.iter().filter_map(|g| map.get(g)).copied().min()
    }
}

/// Parses and checks the setting's value; the error names the provider and the field.
pub fn parse(text: &str) -> Result<Vec<Provider>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Provider> =
        serde_json::from_str(text).map_err(|e| format!("not a list of providers: {e}"))?;
    let mut seen = std::collections::HashSet::new();
    for p in &list {
        let valid_id = !p.id.is_empty()
            && p.id.len() <= 32
            && p.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid_id {
            return Err(format!(
                "{:?}: id must be 1 to 32 of a-z, 0-9, - and _",
                p.id
            ));
        }
        if !seen.insert(p.id.as_str()) {
            return Err(format!("{}: two providers have this id", p.id));
        }
        if p.name.trim().is_empty() {
            return Err(format!("{}: name is empty", p.id));
        }
        let issuer = Url::parse(p.issuer.trim()).ok();
        if !issuer.is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
            return Err(format!("{}: issuer must be an http(s) URL", p.id));
        }
        if p.client_id.trim().is_empty() {
            return Err(format!("{}: client_id is empty", p.id));
        }
        if !p.scopes.iter().any(|s| s == "openid") {
            return Err(format!("{}: scopes must include openid", p.id));
        }
    }
    Ok(list)
}

/// The setting's value with every `client_secret` blank, for the admin read route and the
/// audit log.
pub fn redact(text: &str) -> String {
    let Ok(mut list) = serde_json::from_str::<Vec<Value>>(text) else {
        return text.to_owned();
    };
    for p in &mut list {
        if let Some(obj) = p.as_object_mut() {
            obj.insert("client_secret".into(), Value::String(String::new()));
        }
    }
    serde_json::to_string(&list).unwrap_or_default()
}

/// `new` with each blank `client_secret` filled from the provider of the same id in `old`.
pub fn keep_secrets(new: &str, old: &str) -> String {
    let Ok(mut list) = serde_json::from_str::<Vec<Value>>(new) else {
        return new.to_owned();
    };
    let old: Vec<Provider> = serde_json::from_str(old).unwrap_or_default();
    for p in &mut list {
        let Some(obj) = p.as_object_mut() else {
            continue;
        };
        let blank = obj
            .get("client_secret")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        let id = obj.get("id").and_then(Value::as_str).unwrap_or_default();
        if let (true, Some(before)) = (blank, old.iter().find(|o| o.id == id)) {
            obj.insert(
                "client_secret".into(),
                Value::String(before.client_secret.clone()),
            );
        }
    }
    serde_json::to_string(&list).unwrap_or_default()
}

/// Every provider of the saved setting.
pub async fn all(state: &AppState) -> Result<Vec<Provider>, OidcError> {
    let text = state.settings.get("oidc_providers").await?;
    parse(&text).map_err(OidcError::Settings)
}

/// The provider `id`.
pub async fn find(state: &AppState, id: &str) -> Result<Provider, OidcError> {
    all(state)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(OidcError::UnknownProvider)
}

/// The outbound guard with the ranges of `oidc_allowed_cidrs` let through.
pub async fn guard(state: &AppState) -> Result<Guard, OidcError> {
    let text = state.settings.get("oidc_allowed_cidrs").await?;
    let ranges = Guard::parse_ranges(&text)
        .map_err(|e| OidcError::Settings(format!("oidc_allowed_cidrs: {e}")))?;
    Ok(Guard::new(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"[{"id":"kc","name":"Keycloak","issuer":"https://id.example/realms/a",
        "client_id":"stratus","client_secret":"s3cret","scopes":"openid email"}]"#;

    #[test]
    fn secrets_are_blank_on_read_and_kept_on_a_blank_save() {
        assert!(!redact(ONE).contains("s3cret"));
        let kept = keep_secrets(&redact(ONE), ONE);
        assert_eq!(parse(&kept).unwrap()[0].client_secret, "s3cret");
        let changed = ONE.replace("s3cret", "n3w");
        assert_eq!(
            parse(&keep_secrets(&changed, ONE)).unwrap()[0].client_secret,
            "n3w"
        );
    }

    #[test]
    fn malformed_providers_are_refused_with_the_field() {
        assert!(parse("[]").unwrap().is_empty());
        assert_eq!(parse(ONE).unwrap()[0].scopes, ["openid", "email"]);
        for (bad, field) in [
            (ONE.replace("\"kc\"", "\"K C\""), "id"),
            (
                ONE.replace("https://id.example/realms/a", "ftp://x"),
                "issuer",
            ),
            (ONE.replace("openid email", "email"), "openid"),
            (ONE.replace("\"stratus\"", "\"\""), "client_id"),
        ] {
            assert!(parse(&bad).unwrap_err().contains(field), "{bad}");
        }
    }
}
