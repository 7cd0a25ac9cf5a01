//! OAuth clients: the system clients official apps hard-code (seeded exactly, spec 4.18 §2.1), the
//! look-ups of the code flow, and the administrators' create, edit and delete.

use rand::{Rng, TryRngCore, distr::Alphanumeric, rngs::OsRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{oauth_client, oauth_grant};
use url::Url;

use super::OAuthError;
use crate::{auth::session, state::AppState};

/// A system client: what the official apps hard-code.
pub struct SystemClient {
    pub name: &'static str,
    pub guid: &'static str,
    pub secret: &'static str,
    pub redirect_uri: &'static str,
    pub scopes: &'static str,
    pub refresh_token_ttl: i64,
    pub icon: &'static str,
}

const APP_SCOPES: &str =
    "profile email openid offline_access UserInfo.Write Workflow.Write Files.Write Shares.Write";

/// The desktop client, the iOS app and the official CLI (spec 4.18 §2.1).
pub const SYSTEM: &[SystemClient] = &[
    SystemClient {
        name: "application:oauth.desktop",
        guid: "393a1839-f52e-498e-9972-e77cc2241eee",
        secret: "8GaQIu3lOSdqYoDHi9cR8IZ4pvuMH8ya",
        redirect_uri: "/callback/desktop",
        scopes: APP_SCOPES,
        refresh_token_ttl: 7_776_000,
        icon: "/static/img/cloudreve.svg",
    },
    SystemClient {
        name: "application:setting.iOSApp",
        guid: "220db97a-44a3-44f7-99b6-d767262b4daa",
        secret: "1kxOW4IyVOkPlsKCnTwzfHyP8XrbpfaF",
        redirect_uri: "/callback/ios",
        scopes: "profile email openid offline_access UserInfo.Write UserSecurityInfo.Write \
                 Workflow.Write Files.Write Shares.Write Finance.Write DavAccount.Write",
        refresh_token_ttl: 7_776_000,
        icon: "/static/img/cloudreve_ios.svg",
    },
    SystemClient {
        name: "Cloudreve CLI",
        guid: "6326d2af-2fef-4a99-94da-1ee8ef0ca53f",
        secret: "yoFiNgbxvSCzK2Nm92T3TNaREh4qBjq4",
        redirect_uri: "http://127.0.0.1/callback",
        scopes: APP_SCOPES,
        refresh_token_ttl: 0,
        icon: "",
    },
];

/// Whether `guid` names a system client (which cannot be deleted or renamed).
pub fn is_system(guid: &str) -> bool {
    SYSTEM.iter().any(|c| c.guid == guid)
}

/// Creates the system clients that are missing; ones present are left as administrators
/// left them (they may disable one), but their GUIDs never change.
pub async fn ensure_system(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    for c in SYSTEM {
        let exists = oauth_client::Entity::find()
            .filter(oauth_client::Column::Guid.eq(c.guid))
            .count(db)
            .await?
            > 0;
        if exists {
            continue;
        }
        let scopes: Vec<&str> = c.scopes.split_whitespace().collect();
        let mut props = json!({ "refresh_token_ttl": c.refresh_token_ttl });
        if !c.icon.is_empty() {
            props["icon"] = json!(c.icon);
        }
        oauth_client::ActiveModel {
            guid: Set(c.guid.into()),
            secret: Set(c.secret.into()),
            name: Set(c.name.into()),
            homepage_url: Set(None),
            redirect_uris: Set(json!([c.redirect_uri])),
            scopes: Set(json!(scopes)),
            props: Set(props),
            is_enabled: Set(true),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The strings of a JSON list column.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A string property of the client (`description`, `icon`).
pub fn prop(c: &oauth_client::Model, key: &str) -> Option<String> {
    c.props
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The client's own refresh-token lifetime in seconds; 0 takes the site's.
pub fn refresh_ttl(c: &oauth_client::Model) -> i64 {
    c.props
        .get("refresh_token_ttl")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0)
}

/// The enabled client with this GUID; a disabled one counts as missing.
pub async fn find_enabled(
    db: &impl ConnectionTrait,
    guid: &str,
) -> Result<oauth_client::Model, OAuthError> {
    oauth_client::Entity::find()
        .filter(oauth_client::Column::Guid.eq(guid))
        .filter(oauth_client::Column::IsEnabled.eq(true))
        .one(db)
        .await?
        .ok_or(OAuthError::ClientNotFound)
}

/// Whether `uri` is one of the client's redirect URIs: the same string, or, for a registered
/// `http://127.0.0.1/…` or `http://[::1]/…`, the same URI on any port (RFC 8252 §7.3).
pub fn redirect_allowed(c: &oauth_client::Model, uri: &str) -> bool {
    strings(&c.redirect_uris)
        .iter()
        .any(|registered| registered == uri || same_loopback(registered, uri))
}

fn same_loopback(registered: &str, uri: &str) -> bool {
    let (Ok(reg), Ok(got)) = (Url::parse(registered), Url::parse(uri)) else {
        return false;
    };
    let loopback = |u: &Url| {
        u.scheme() == "http"
            && matches!(u.host_str(), Some("127.0.0.1") | Some("[::1]"))
            && u.username().is_empty()
            && u.password().is_none()
    };
    loopback(&reg)
        && loopback(&got)
        && reg.port().is_none()
        && reg.host_str() == got.host_str()
        && reg.path() == got.path()
        && reg.query() == got.query()
        && got.fragment().is_none()
}

/// What an administrator sends to create or edit a client.
#[derive(Debug, Clone)]
pub struct ClientInput {
    pub guid: Option<String>,
    pub secret: Option<String>,
    pub name: String,
    pub homepage_url: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub props: Value,
    pub is_enabled: bool,
}

fn check(input: &ClientInput) -> Result<(), OAuthError> {
    let invalid = |m: &str| Err(OAuthError::InvalidField(m.to_owned()));
    if input.name.trim().is_empty() || input.name.len() > 255 {
        return invalid("client.name: 1 to 255 characters");
    }
    if input.homepage_url.as_ref().is_some_and(|u| u.len() > 2048) {
        return invalid("client.homepage_url: at most 2048 characters");
    }
    if input.redirect_uris.is_empty() || input.redirect_uris.iter().any(|u| u.is_empty()) {
        return invalid("client.redirect_uris: at least one, none empty");
    }
    if let Some(s) = input
        .scopes
        .iter()
        .find(|s| !super::scopes::ALL.contains(&s.as_str()))
    {
        return invalid(&format!("client.scopes: unknown scope {s}"));
    }
    if !input.props.is_object() && !input.props.is_null() {
        return invalid("client.props: must be an object");
    }
    for field in [&input.guid, &input.secret].into_iter().flatten() {
        if field.len() > 255 {
            return invalid("client.guid and client.secret: at most 255 characters");
        }
    }
    Ok(())
}

fn random_secret() -> String {
    OsRng
        .unwrap_err()
        .sample_iter(Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

fn props_of(v: Value) -> Value {
    if v.is_object() { v } else { json!({}) }
}

/// Creates a client; an empty GUID becomes a random UUID, an empty secret 32 random characters.
pub async fn create(
    state: &AppState,
    input: ClientInput,
) -> Result<oauth_client::Model, OAuthError> {
    check(&input)?;
    let guid = input
        .guid
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let taken = oauth_client::Entity::find()
        .filter(oauth_client::Column::Guid.eq(&guid))
        .count(&state.db)
        .await?
        > 0;
    if taken {
        return Err(OAuthError::InvalidField(
            "client.guid: already used by another client".into(),
        ));
    }
    Ok(oauth_client::ActiveModel {
        guid: Set(guid),
        secret: Set(input
            .secret
            .filter(|s| !s.is_empty())
            .unwrap_or_else(random_secret)),
        name: Set(input.name),
        homepage_url: Set(input.homepage_url.filter(|u| !u.is_empty())),
        redirect_uris: Set(json!(input.redirect_uris)),
        scopes: Set(json!(input.scopes)),
        props: Set(props_of(input.props)),
        is_enabled: Set(input.is_enabled),
        ..Default::default()
    }
    .insert(&state.db)
    .await?)
}

/// Client `id`, for administrators (disabled ones too).
pub async fn find(state: &AppState, id: i64) -> Result<oauth_client::Model, OAuthError> {
    oauth_client::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(OAuthError::AdminClientNotFound)
}

/// How many users granted client `id` access.
pub async fn total_grants(state: &AppState, id: i64) -> Result<u64, OAuthError> {
    Ok(oauth_grant::Entity::find()
        .filter(oauth_grant::Column::ClientId.eq(id))
        .count(&state.db)
        .await?)
}

/// Replaces a client's fields; the GUID never changes, the secret only when one is given.
/// Disabling a client ends its live tokens. Answers the row before and after.
pub async fn update(
    state: &AppState,
    id: i64,
    input: ClientInput,
) -> Result<(oauth_client::Model, oauth_client::Model), OAuthError> {
    check(&input)?;
    let before = find(state, id).await?;
    let mut row = before.clone().into_active_model();
    if let Some(secret) = input.secret.filter(|s| !s.is_empty()) {
        row.secret = Set(secret);
    }
    row.name = Set(input.name);
    row.homepage_url = Set(input.homepage_url.filter(|u| !u.is_empty()));
    row.redirect_uris = Set(json!(input.redirect_uris));
    row.scopes = Set(json!(input.scopes));
    row.props = Set(props_of(input.props));
    row.is_enabled = Set(input.is_enabled);
    let after = row.update(&state.db).await?;
    if before.is_enabled && !after.is_enabled {
        session::end_oauth(state, id, None).await?;
    }
    Ok((before, after))
}

/// Deletes a client with its grants and live tokens; system clients cannot be deleted.
pub async fn delete(state: &AppState, id: i64) -> Result<oauth_client::Model, OAuthError> {
    let row = find(state, id).await?;
    if is_system(&row.guid) {
        return Err(OAuthError::SystemClient);
    }
    oauth_grant::Entity::delete_many()
        .filter(oauth_grant::Column::ClientId.eq(id))
        .exec(&state.db)
        .await?;
    oauth_client::Entity::delete_by_id(id)
        .exec(&state.db)
        .await?;
    session::end_oauth(state, id, None).await?;
    Ok(row)
}

/// Deletes several clients, skipping missing and system ones; answers those deleted.
pub async fn delete_many(
    state: &AppState,
    ids: &[i64],
) -> Result<Vec<oauth_client::Model>, OAuthError> {
    let mut deleted = Vec::new();
    for id in ids {
        match delete(state, *id).await {
            Ok(row) => deleted.push(row),
            Err(OAuthError::SystemClient | OAuthError::AdminClientNotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn client(uris: &[&str]) -> oauth_client::Model {
        oauth_client::Model {
            id: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            guid: "g".into(),
            secret: "s".into(),
            name: "n".into(),
            homepage_url: None,
            redirect_uris: json!(uris),
            scopes: json!([]),
            props: json!({}),
            is_enabled: true,
        }
    }

    #[test]
    fn redirect_uris_match_exactly_but_loopback_takes_any_port() {
        let c = client(&["/callback/desktop", "http://127.0.0.1/callback"]);
        assert!(redirect_allowed(&c, "/callback/desktop"));
        assert!(!redirect_allowed(&c, "/callback/desktop/"));
        assert!(redirect_allowed(&c, "http://127.0.0.1:53682/callback"));
        assert!(redirect_allowed(&c, "http://127.0.0.1/callback"));
        assert!(!redirect_allowed(&c, "http://127.0.0.1:53682/other"));
        assert!(!redirect_allowed(&c, "http://localhost:53682/callback"));
        assert!(!redirect_allowed(&c, "https://127.0.0.1:53682/callback"));
        assert!(!redirect_allowed(&c, "http://evil@127.0.0.1:1/callback"));
        let fixed = client(&["https://app.example/cb"]);
        assert!(!redirect_allowed(&fixed, "https://app.example:8443/cb"));
    }

    /// Redirect URIs near a registered one: other schemes, hosts, ports, user info, paths,
    /// queries and fragments, and encodings of each.
    fn near_uri() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            Just("http://"),
            Just("https://"),
            Just("HTTP://"),
            Just("//"),
            Just("")
        ];
        let user = prop_oneof![Just(""), Just("evil@"), Just("127.0.0.1@"), Just("a:b@")];
        let host = prop_oneof![
            Just("127.0.0.1"),
            Just("[::1]"),
            Just("localhost"),
            Just("127.0.0.2"),
            Just("0x7f.1"),
            Just("127.0.0.1.evil.example"),
            Just("app.example"),
        ];
        let port = prop_oneof![
            Just(String::new()),
            (0u32..70000).prop_map(|p| format!(":{p}")),
            Just(":".to_owned())
        ];
        let path = prop_oneof![
            Just("/callback"),
            Just("/callback/"),
            Just("/cb"),
            Just("/callback/../cb"),
            Just("/%63allback"),
            Just(""),
        ];
        let tail = prop_oneof![
            Just(""),
            Just("?a=1"),
            Just("#f"),
            Just("?"),
            Just("\\@evil.example")
        ];
        (scheme, user, host, port, path, tail)
            .prop_map(|(s, u, h, p, path, t)| format!("{s}{u}{h}{p}{path}{t}"))
    }

    proptest! {
        #[test]
        fn a_redirect_is_allowed_only_as_registered_or_on_another_loopback_port(
            registered in near_uri(),
            uri in prop_oneof![near_uri(), ".{0,40}"],
        ) {
            let c = client(&[&registered]);
            if !redirect_allowed(&c, &uri) || uri == registered {
                return Ok(());
            }
            // Anything else allowed is the registered loopback URI with a port added: the same
            // URI once the port is dropped, sent to the same loopback address, with no user.
            let (reg, mut got) = (Url::parse(&registered).unwrap(), Url::parse(&uri).unwrap());
            prop_assert!(reg.port().is_none() && reg.scheme() == "http");
            prop_assert!(matches!(got.host_str(), Some("127.0.0.1") | Some("[::1]")));
            prop_assert!(got.username().is_empty() && got.password().is_none());
            got.set_port(None).unwrap();
            prop_assert_eq!(got.as_str(), reg.as_str());
        }

    }
}
