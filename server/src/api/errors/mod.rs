//! Where each service's error becomes a Cloudreve code, an HTTP status and a message: one
//! file per service error, each holding its `From<…> for ApiError`.

mod admin;
pub mod archive;
mod auth;
mod backup;
mod dav_account;
pub mod download;
mod extract;
mod fs;
mod fs_events;
mod import;
mod notify;
pub mod oauth;
mod oidc;
mod queue;
mod relocate;
mod remote_download;
mod restore;
mod s3_key;
mod share;
mod snapshot;
mod stream_places;
pub mod thumb;
pub mod upload;
mod users;
