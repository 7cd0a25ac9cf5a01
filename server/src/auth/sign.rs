//! HMAC signatures of URLs and requests (spec §5.6). The primitives live in
//! [`crate::signature`], below storage, where the remote-node driver signs its requests with
//! them too.

pub use crate::signature::*;
