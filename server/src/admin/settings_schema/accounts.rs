//! Settings of accounts and signing in: registration, tokens, avatars, directory (LDAP) and
//! OpenID Connect sign-in.

use super::{Kind, SECONDS, TEN_YEARS};

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Accounts
    ("register_enabled", Kind::Bool),
    (
        "default_group",
        Kind::Int {
            min: 1,
            max: i64::MAX,
        },
    ),
    ("email_active", Kind::Bool),
    ("authn_enabled", Kind::Bool),
    ("ban_time", SECONDS),
    (
        "access_token_ttl",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    (
        "refresh_token_ttl",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    ("secret_key", Kind::Secret { min_len: 32 }),
    ("hash_id_salt", Kind::Fixed),
    ("gravatar_server", Kind::Url),
    ("avatar_path", Kind::Text),
    (
        "avatar_size",
        Kind::Int {
            min: 1024,
            max: 1 << 30,
        },
    ),
    ("avatar_size_l", Kind::Int { min: 16, max: 4096 }),
    ("avatar_size_s", Kind::Int { min: 16, max: 4096 }),
    ("logto_enabled", Kind::Bool),
    ("logto_config", Kind::Secret { min_len: 0 }),
    ("qq_login", Kind::Bool),
    ("qq_login_config", Kind::Secret { min_len: 0 }),
    ("phone_required", Kind::Bool),
    ("phone_enabled", Kind::Bool),
    // Directory sign-in (`auth::sign_in::directory`)
    ("ldap_enabled", Kind::Bool),
    ("ldap_url", Kind::Text),
    ("ldap_starttls", Kind::Bool),
    ("ldap_tls_ca", Kind::Text),
    ("ldap_bind_dn", Kind::Text),
    ("ldap_bind_password", Kind::Secret { min_len: 0 }),
    ("ldap_base_dn", Kind::Text),
    ("ldap_user_filter", Kind::Text),
    ("ldap_email_attribute", Kind::Text),
    ("ldap_name_attribute", Kind::Text),
    ("ldap_group_map", Kind::JsonObject),
    (
        "ldap_default_group",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
    ),
    ("ldap_allowed_cidrs", Kind::Cidrs),
    // OpenID Connect sign-in (`auth::sign_in::oidc`)
    ("oidc_providers", Kind::OidcProviders),
    ("oidc_allowed_cidrs", Kind::Cidrs),
];
