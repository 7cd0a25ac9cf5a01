//! A body written with a checksum the client sent (WebDAV's and Nextcloud's `OC-Checksum`):
//! what passes is hashed, and at the end of the body a mismatch fails the stream, so the write
//! that reads it discards what it stored and publishes nothing.

use futures_util::StreamExt;

use crate::storage::ByteStream;

/// The error a mismatching body ends with.
pub const MISMATCH: &str = "checksum mismatch";

/// A running checksum and the value it must reach.
pub trait Check: Send + 'static {
    fn update(&mut self, bytes: &[u8]);
    /// Whether what went through matches.
    fn matches(self) -> bool;
}

/// `body`, checked against `check` at its end: a mismatch calls `on_mismatch` (the door
/// answers its own status for it) and fails the stream with [`MISMATCH`]. An error of `body`
/// itself ends the stream unchecked.
pub fn verified<C: Check>(
    body: ByteStream,
    check: C,
    on_mismatch: impl Fn() + Send + Sync + 'static,
) -> ByteStream {
    let on_mismatch = std::sync::Arc::new(on_mismatch);
    Box::pin(futures_util::stream::unfold(
        Some((body, check)),
        move |state| {
            let on_mismatch = on_mismatch.clone();
            async move {
                let (mut body, mut check) = state?;
                match body.next().await {
                    Some(Ok(bytes)) => {
                        check.update(&bytes);
                        Some((Ok(bytes), Some((body, check))))
                    }
                    Some(Err(e)) => Some((Err(e), None)),
                    None if check.matches() => None,
                    None => {
                        on_mismatch();
                        Some((Err(std::io::Error::other(MISMATCH)), None))
                    }
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    use bytes::Bytes;

    use super::*;

    /// The sum of the bytes, as a checksum.
    struct Sum(u64, u64);

    impl Check for Sum {
        fn update(&mut self, bytes: &[u8]) {
            self.0 += bytes.iter().map(|b| u64::from(*b)).sum::<u64>();
        }
        fn matches(self) -> bool {
            self.0 == self.1
        }
    }

    async fn read(want: u64) -> (Vec<Result<Bytes, String>>, bool) {
        let parts = [Bytes::from_static(&[1, 2]), Bytes::from_static(&[3])];
        let body: ByteStream = Box::pin(futures_util::stream::iter(parts.map(Ok)));
        let flagged = Arc::new(AtomicBool::new(false));
        let flag = flagged.clone();
        let out = verified(body, Sum(0, want), move || {
            flag.store(true, Ordering::Release)
        });
        let items = out.map(|r| r.map_err(|e| e.to_string())).collect().await;
        (items, flagged.load(Ordering::Acquire))
    }

    #[tokio::test]
    async fn a_matching_body_passes_whole() {
        let (items, flagged) = read(6).await;
        assert_eq!(
            items,
            vec![
                Ok(Bytes::from_static(&[1, 2])),
                Ok(Bytes::from_static(&[3]))
            ]
        );
        assert!(!flagged);
    }

    #[tokio::test]
    async fn a_mismatching_body_fails_at_its_end() {
        let (items, flagged) = read(7).await;
        assert_eq!(items.len(), 3);
        assert_eq!(items[2], Err(MISMATCH.to_owned()));
        assert!(flagged);
    }
}
