//! `/user`: the signed-in account (`me.rs`), its settings and sessions, linked sign-in
//! providers, public profiles and avatars, and the signed-out flows of registration,
//! activation and password reset.

pub mod linked_accounts;
pub mod me;
pub mod profile;
pub mod registration;
pub mod sessions;
pub mod setting;
