//! Torrents and magnets through aria2, started by the administrator with `--enable-rpc` and
//! `--rpc-secret`: `rpc.rs` (the JSON-RPC client), `status.rs` (aria2's status as the task's
//! `download` props), `task.rs` (a run: add, watch, publish the selected files, clean up).
//!
//! aria2's RPC address is the administrator's own service (usually on loopback), so it is
//! not a user-supplied URL and does not go through the SSRF guard. aria2 itself contacts the
//! torrent's trackers and web seeds: `endpoints.rs` checks them with the guard before aria2
//! sees a download, and `task.rs` hands aria2 only the checked trackers, with options that
//! keep it from finding more on its own (local peer discovery, peer exchange, following
//! torrents or metalinks). `torrent.rs` reads a torrent file from the drive.

pub mod endpoints;
pub mod rpc;
pub mod status;
pub mod task;
pub mod torrent;

pub use rpc::{Aria2Error, Rpc};
