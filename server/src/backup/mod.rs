//! Backups: the portable database dump, and restoring from a backup target.

pub mod dump;
pub mod restore;
