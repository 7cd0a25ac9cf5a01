//! Accounts and their credentials: users, groups, sessions, passkeys, 2FA recovery codes, linked
//! sign-in providers, app passwords, WebDAV accounts, S3 keys, OAuth clients and grants.

pub mod app_password;
pub mod dav_account;
pub mod external_identity;
pub mod group;
pub mod oauth_client;
pub mod oauth_grant;
pub mod passkey;
pub mod s3_key;
pub mod two_fa_recovery_code;
pub mod user;
pub mod user_session;
