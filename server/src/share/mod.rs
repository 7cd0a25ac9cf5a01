//! Share links (spec §12): creating and editing them, presenting them, and the share
//! filesystem through which visitors browse and download (`cloudreve://<id>[:<pwd>]@share`).
//!
//! A share's validity (expiry, remaining downloads, owner active, file still in the owner's
//! tree) and its password are checked on every request that goes through it, never cached,
//! so a share stops working the moment its owner trashes the file or is banned.

pub mod access;
pub mod batch;
pub mod details;
pub mod download;
pub mod error;
pub mod manage;
pub mod people;
mod people_mail;
pub mod upload;

/// Length of a generated share password.
pub const GENERATED_PASSWORD_LEN: usize = 8;
/// Longest password an owner may choose.
pub const MAX_PASSWORD_LEN: usize = 32;
