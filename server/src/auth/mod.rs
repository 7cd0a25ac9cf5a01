//! Who is calling: passwords, session tokens, request signatures, sign-in throttling, and the
//! caller resolved once per request.

pub mod app_password;
pub mod caller;
pub mod credentials;
pub mod dav_accounts;
pub mod dav_cache;
pub mod devices;
pub mod error;
mod fresh_cache;
pub mod jwt;
pub mod login_flow;
pub mod oauth;
pub mod passkey;
pub mod password;
pub mod recovery;
pub mod s3_key;
pub mod session;
pub mod share_throttle;
pub mod sign;
pub mod sign_in;
pub mod sign_in_throttle;
pub mod totp;
