//! passkey
