//! The administration services behind `/api/v4/admin` (spec §2.9, §14): site settings,
//! groups, users, storage policies, files, entities, shares, audit events and the summary.
//!
//! Each service works on the database and the storage drivers and answers in domain words
//! ([`AdminError`]); the routes in `api::admin` choose codes and response shapes. Every change
//! is recorded in the audit log by [`audit`] with the administrator, the target and what
//! changed, secrets masked.

pub mod audit;
pub mod entities;
pub mod error;
pub mod events;
pub mod files;
pub mod grants;
pub mod groups;
pub mod list;
pub mod nodes;
pub mod oauth_clients;
pub mod policies;
pub mod policy_check;
pub mod s3_setup;
pub mod settings;
pub mod settings_schema;
pub mod shares;
pub mod snapshots;
pub mod summary;
pub mod tasks;
pub mod timeline;
pub mod tools;
pub mod user_delete;
pub mod user_folders;
pub mod users;

use stratus_entity::user;

pub use error::AdminError;

use crate::events::Client;

/// The administrator making a request, and where from: every service that changes something
/// takes one, for the audit log and for the rules about one's own account.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: user::Model,
    pub client: Client,
}

impl Actor {
    /// The administrator's user id.
    pub fn id(&self) -> i64 {
        self.user.id
    }
}
