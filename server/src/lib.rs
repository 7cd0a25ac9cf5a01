//! Stratus server library.
