//! Sharing: share links (`/share`, `/user/shares/:id`), visitors' uploads into upload-only
//! shares (`/share/upload/:id`) and sharing with people and groups (`/file/permission`).

pub mod link;
pub mod permission;
pub mod upload;
