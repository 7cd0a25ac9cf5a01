//! Turning what the services return into the wire shapes of `api::dto`.

pub mod file;
pub mod share;
pub mod task;
pub mod user;
