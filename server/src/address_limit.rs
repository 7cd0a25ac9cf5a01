//! Rate limits per client address, kept in memory by each instance with `governor` (GCRA)
//! rather than a hand-made counter. They shield this process from one client's flood, so
//! instances need not share them. An IPv6 client is counted by its /64, which one host
//! usually holds whole; a value that is no IP address (an odd proxy header) counts as given.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{
    DefaultKeyedRateLimiter, Quota,
    clock::{Clock, DefaultClock},
};

use crate::net::client_network;

/// How often addresses whose budget is whole again are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

pub struct AddressLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    next_prune: Mutex<Instant>,
}

impl AddressLimiter {
    /// `per_minute` requests a minute from one address, all of them at once at most; `0` is
    /// no limit.
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute)
                .map(|n| DefaultKeyedRateLimiter::hashmap(Quota::per_minute(n))),
            next_prune: Mutex::new(Instant::now() + PRUNE_EVERY),
        }
    }

    /// Counts one request from `ip`: `Ok`, or how long until it may ask again.
    pub fn check(&self, ip: Option<&str>) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        self.prune(limiter);
        limiter
            .check_key(&key(ip))
            .map_err(|refused| refused.wait_time_from(DefaultClock::default().now()))
    }

    /// Keeps the table to the addresses seen lately, whatever number of them come and go.
    fn prune(&self, limiter: &DefaultKeyedRateLimiter<String>) {
        let Ok(mut next) = self.next_prune.try_lock() else {
            return;
        };
        let now = Instant::now();
        if now >= *next {
            *next = now + PRUNE_EVERY;
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The bucket an address counts in.
fn key(ip: Option<&str>) -> String {
    let Some(ip) = ip else {
        return String::new();
    };
    match ip.parse::<IpAddr>().map(client_network) {
        Ok(IpAddr::V6(net)) => format!("{net}/64"),
        Ok(v4) => v4.to_string(),
        Err(_) => ip.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_its_64() {
        assert_eq!(
            key(Some("2001:db8:1:2:aaaa::1")),
            key(Some("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(key(Some("2001:db8:1:2::1")), key(Some("2001:db8:1:3::1")));
        assert_eq!(key(Some("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(key(Some("192.0.2.1")), "192.0.2.1");
        assert_eq!(key(Some("not an address")), "not an address");
    }

    #[test]
    fn each_address_has_its_own_budget() {
        let limiter = AddressLimiter::per_minute(2);
        assert!(limiter.check(Some("192.0.2.1")).is_ok());
        assert!(limiter.check(Some("192.0.2.1")).is_ok());
        let wait = limiter.check(Some("192.0.2.1")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert!(limiter.check(Some("192.0.2.2")).is_ok());
        let open = AddressLimiter::per_minute(0);
        assert!((0..100).all(|_| open.check(None).is_ok()));
    }
}
