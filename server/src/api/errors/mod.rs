//! The envelope code, HTTP status and message of each service's error: one file per service,
//! each holding the `From` impl that turns that service's error into an [`ApiError`].
//!
//! [`ApiError`]: super::envelope::ApiError

pub mod archive;
pub mod download;
pub mod thumb;
pub mod upload;
