//! Helpers shared by the integration tests.

pub mod pg;
pub mod server;
pub mod smtp;
pub mod softkey;

pub use server::{Session, TestServer, envelope};
