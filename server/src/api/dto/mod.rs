//! Request and response shapes of the API. Database models never leave the server directly:
//! they are turned into these, which decide what a caller may see.

pub mod file;
pub mod share;
pub mod site;
pub mod snapshot;
pub mod task;
pub mod user;
