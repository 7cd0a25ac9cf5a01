//! `/devices`: the credentials of the caller's other clients: WebDAV accounts, app passwords
//! of sync clients (with the Nextcloud login flow's approval) and S3 keys.

pub mod app_password;
pub mod credentials;
pub mod dav_account;
pub mod s3_key;
