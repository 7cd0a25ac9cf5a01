//! Remote (offline) downloads (`POST /workflow/download`, spec §2.6, §11): one
//! `remote_download` task per URL on the `remote_download` queue.
//!
//! - `submit.rs`: the checks of a request (permission bit 9, `aria2_batch`, the SSRF guard)
//!   and the tasks it queues.
//! - `task.rs`: the task type; `state.rs` the state it stores; `http.rs` the built-in HTTP/HTTPS
//!   downloader (streamed to a part file, resumed with `Range` after a restart);
//!   `aria2/` torrents and magnets through aria2's JSON-RPC.
//! - `publish.rs`: a finished file written into the owner's drive through the streamed
//!   upload (quota, names, versions, locks).
//! - `control.rs`: cancel (stops the transfer, removes partial data) and file selection.
//! - `name.rs`: the file name from `Content-Disposition` or the URL, sanitized.
//! - `settings.rs`: the guard's allowed ranges, the part-file folder, aria2's settings.

pub mod aria2;
pub mod control;
pub mod error;
pub mod http;
pub mod name;
pub mod publish;
pub mod settings;
pub mod state;
pub mod submit;
pub mod task;

pub use error::RemoteDownloadError;
