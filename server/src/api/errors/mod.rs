//! Where each service's error becomes a Cloudreve code, an HTTP status and a message: one
//! file per service error, each holding its `From<…> for ApiError`.

mod auth;
mod dav_account;
mod fs;
mod share;
mod users;
