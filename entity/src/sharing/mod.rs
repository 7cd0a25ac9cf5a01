//! Sharing: share links and grants to people and groups.

pub mod file_grant;
pub mod share;
