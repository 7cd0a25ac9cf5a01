//! Torrents and magnets through aria2, started by the administrator with `--enable-rpc` and
//! `--rpc-secret`: `rpc.rs` (the JSON-RPC client), `status.rs` (aria2's status as the task's
//! `download` props), `task.rs` (a run: add, watch, publish the selected files, clean up).
//!
//! aria2's RPC address is the administrator's own service (usually on loopback), so it is
//! not a user-supplied URL and does not go through the SSRF guard; aria2 itself fetches the
//! torrent's peers and web seeds.

pub mod rpc;
pub mod status;
pub mod task;

pub use rpc::{Aria2Error, Rpc};
