//! Helpers shared by the integration tests.

pub mod jpeg;
pub mod pg;
pub mod s3;
pub mod server;
pub mod sigv4;
pub mod slapd;
pub mod slave;
pub mod smtp;
pub mod softkey;
pub mod tinyfs;

pub use server::{Session, TestServer, envelope};
pub use tinyfs::TinyFs;

/// Percent-encodes everything but RFC 3986 unreserved characters, for a query value such as
/// a `cloudreve://` URI.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
