//! Downloads (spec §7.1–7.2): signed content URLs for files, and the content route that
//! streams an entity's bytes with ranges, conditional requests and speed limits.

pub mod content;
pub mod headers;
pub mod link;
pub mod speed;
