//! The caller types under their older path; the caller is resolved by the door (`door`).

pub use crate::caller::{Caller, SignedIn};
