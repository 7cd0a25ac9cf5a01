//! Accounts: their records (`accounts`), self-registration, activation and password reset
//! (`registration`, with the mails in `account_mail`), and the owner's settings (`settings`,
//! fields checked in `setting_fields`). Handlers in `api/` parse, call these, and present.

mod account_mail;
mod accounts;
mod error;
pub mod external;
pub mod registration;
mod setting_fields;
pub mod settings;

pub use accounts::*;
pub use error::UsersError;
