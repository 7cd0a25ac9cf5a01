//! `/session`: signing in and out (password and 2FA, passkeys, an OpenID Connect provider) and
//! Stratus's own OAuth 2 provider (`/session/oauth/*`, with the OpenID Connect discovery
//! documents under `/.well-known`).

pub mod oauth;
pub mod oauth_discovery;
pub mod oauth_token;
pub mod oidc;
pub mod passkey;
pub mod sign_in;
