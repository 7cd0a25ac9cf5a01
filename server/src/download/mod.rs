//! Downloads (spec §7.1–7.2, §7.4): signed content URLs for files, the content route that
//! streams an entity's bytes with ranges, conditional requests and speed limits, direct
//! ("source") links, and a policy's download proxy for presigned URLs.

pub mod content;
pub mod direct;
pub mod error;
pub mod headers;
pub mod link;
pub mod proxy;
pub mod speed;

pub use error::DownloadError;
