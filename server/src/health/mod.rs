//! The health of what the drive stands on: slave nodes and storage policies.
//!
//! - `nodes.rs`: nodes' liveness. The master checks every active slave node from a periodic
//!   job (`jobs::periodic`, `node_health_check`), keeps what it found in `node_health`, and
//!   after [`nodes::DOWN_AFTER`] failed checks in a row marks the node down once: an event in
//!   the audit log and a `node_down` notification; the first answer afterwards, `node_up`.
//! - `policies.rs`: each storage policy's write probe, cached for a minute.

pub mod nodes;
pub mod policies;
