//! Where blobs live: storage policies, nodes and the nodes' health.

pub mod node;
pub mod node_health;
pub mod storage_policy;
