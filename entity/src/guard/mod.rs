//! The guard against mass deletion: counted changes and incidents.

pub mod guard_change;
pub mod guard_incident;
