//! Helpers shared by the integration tests.

pub mod pg;
pub mod server;

pub use server::{Session, TestServer, envelope};
