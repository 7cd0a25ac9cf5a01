//! WebDAV (spec §10): accounts and the `/dav` mount over the virtual file system.

pub mod account;
