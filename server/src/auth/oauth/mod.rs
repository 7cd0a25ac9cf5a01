//! The OAuth 2 provider (spec 4.18 §2) and its OpenID Connect layer: applications (`clients`),
//! users' consents (`grants`), single-use authorization codes (`codes`), the code flow and the
//! refresh re-check (`flow`), and the RS256 key and `id_token` (`oidc`). Tokens themselves are
//! the session tokens of `auth::session`, carrying the client and its scopes.

pub mod clients;
pub mod codes;
pub mod error;
pub mod flow;
pub mod grants;
pub mod oidc;
pub mod scopes;

pub use error::OAuthError;
