//! Download speed limits: a token bucket refilled continuously at `rate` bytes per second,
//! holding at most one tick (100 ms) worth of bytes, and a stream adapter that lets bytes
//! through only as tokens allow.
//!
//! The arithmetic lives in [`TokenBucket`] and takes the current instant as an argument, so it
//! is tested as pure functions without a paused clock.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use tokio::time::Instant;

use crate::storage::ByteStream;

/// How much the bucket holds: this long a stretch of the rate (so bursts stay short).
pub const TICK: Duration = Duration::from_millis(100);

/// A token bucket: one token per byte.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket for `rate` bytes per second (`rate` > 0), as of `now`.
    pub fn new(rate: u64, now: Instant) -> Self {
        let rate = rate.max(1) as f64;
        let capacity = (rate * TICK.as_secs_f64()).max(1.0);
        Self {
            rate,
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    /// Largest number of bytes one grant can cover.
    pub fn capacity(&self) -> u64 {
        self.capacity as u64
    }

    /// Adds the tokens earned since the last call (never beyond the capacity).
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.last = now;
    }

    /// Asks for up to `want` bytes at `now`: `Ok(n)` grants `n` (1..=want) bytes and spends
    /// their tokens; `Err(wait)` says how long to wait before asking again. A grant is made
    /// only once enough tokens for `want` (or a full bucket) have gathered, so a slow stream
    /// is sent in pieces of about one tick rather than byte by byte.
    pub fn take(&mut self, want: u64, now: Instant) -> Result<u64, Duration> {
        if want == 0 {
            return Ok(0);
        }
        self.refill(now);
        let need = (want as f64).min(self.capacity);
        if self.tokens + 1e-9 < need {
            let missing = need - self.tokens;
            return Err(Duration::from_secs_f64(missing / self.rate).max(Duration::from_millis(1)));
        }
        let granted = (self.tokens.floor() as u64).clamp(1, want);
        self.tokens = (self.tokens - granted as f64).max(0.0);
        Ok(granted)
    }
}

/// `inner` slowed to at most `rate` bytes per second; `rate` 0 means unlimited (returned as is).
pub fn throttle(inner: ByteStream, rate: u64) -> ByteStream {
    if rate == 0 {
        return inner;
    }
    let state = (inner, TokenBucket::new(rate, Instant::now()), Bytes::new());
    Box::pin(stream::unfold(
        state,
        |(mut inner, mut bucket, mut pending)| async move {
            if pending.is_empty() {
                match inner.next().await? {
                    Ok(piece) => pending = piece,
                    Err(err) => return Some((Err(err), (inner, bucket, pending))),
                }
            }
            loop {
                match bucket.take(pending.len() as u64, Instant::now()) {
                    Ok(n) => {
                        let out = pending.split_to(n as usize);
                        return Some((Ok(out), (inner, bucket, pending)));
                    }
                    Err(wait) => tokio::time::sleep(wait).await,
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIB: u64 = 1024;

    #[test]
    fn a_full_bucket_grants_one_tick_at_once() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(100 * KIB, t0);
        assert_eq!(b.capacity(), 10 * KIB);
        // A big piece gets one tick's worth; a small one all of it.
        assert_eq!(b.take(64 * KIB, t0), Ok(10 * KIB));
        let mut small = TokenBucket::new(100 * KIB, t0);
        assert_eq!(small.take(1000, t0), Ok(1000));
    }

    #[test]
    fn an_empty_bucket_says_how_long_to_wait() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(100 * KIB, t0);
        b.take(10 * KIB, t0).unwrap();
        // Refilling 10 KiB at 100 KiB/s takes 100 ms.
        let wait = b.take(64 * KIB, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 0.001, "{wait:?}");
        // Half-way there is still not enough for a full tick...
        let wait = b
            .take(64 * KIB, t0 + Duration::from_millis(50))
            .unwrap_err();
        assert!((wait.as_secs_f64() - 0.05).abs() < 0.001, "{wait:?}");
        // ...but a full tick later it is.
        assert_eq!(
            b.take(64 * KIB, t0 + Duration::from_millis(100)),
            Ok(10 * KIB)
        );
    }

    #[test]
    fn tokens_never_exceed_the_capacity() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(100 * KIB, t0);
        b.take(10 * KIB, t0).unwrap();
        let later = t0 + Duration::from_secs(60);
        assert_eq!(b.take(u64::MAX, later), Ok(10 * KIB));
    }

    #[test]
    fn the_long_run_rate_is_the_limit() {
        // Simulate sending 256 KiB at 128 KiB/s, waiting exactly as told.
        let t0 = Instant::now();
        let mut now = t0;
        let mut b = TokenBucket::new(128 * KIB, t0);
        let mut left = 256 * KIB;
        while left > 0 {
            match b.take(left.min(64 * KIB), now) {
                Ok(n) => left -= n,
                Err(wait) => now += wait,
            }
        }
        let took = (now - t0).as_secs_f64();
        // One tick of burst, then 128 KiB/s: (256 - 12.8) / 128 s.
        assert!((took - 1.9).abs() < 0.02, "{took}");
    }

    #[test]
    fn tiny_rates_still_make_progress() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(1, t0);
        assert_eq!(b.capacity(), 1);
        assert_eq!(b.take(5, t0), Ok(1));
        let wait = b.take(5, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 1.0).abs() < 0.001);
        assert_eq!(b.take(5, t0 + Duration::from_secs(1)), Ok(1));
    }

    #[tokio::test]
    async fn throttled_streams_keep_every_byte() {
        let body: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
        let inner = crate::storage::stream_once(body.clone());
        let out = crate::storage::collect(throttle(inner, 10_000_000))
            .await
            .unwrap();
        assert_eq!(out, body);
        let inner = crate::storage::stream_once(body.clone());
        assert_eq!(
            crate::storage::collect(throttle(inner, 0)).await.unwrap(),
            body
        );
    }
}
