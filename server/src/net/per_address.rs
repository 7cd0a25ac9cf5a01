//! Connections open at once per client address, so that one address cannot take every
//! connection the acceptor allows and lock every other client out. A reverse proxy in
//! `trusted_proxies` carries many clients on its connections and is not counted.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    sync::{Arc, Mutex},
};

use crate::config::Cidrs;

/// The network one client is counted by: an IPv6 address by its /64, which one host
/// usually holds whole; an IPv4 address (also when written IPv4-mapped) by itself.
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

type Counts = Arc<Mutex<HashMap<IpAddr, usize>>>;

pub(super) struct PerAddress {
    max: usize,
    exempt: Cidrs,
    open: Counts,
}

impl PerAddress {
    pub(super) fn new(max: usize, exempt: Cidrs) -> Self {
        Self {
            max,
            exempt,
            open: Counts::default(),
        }
    }

    /// A place for one more connection from `peer`: `None` when its address holds `max`
    /// already; an unlimited place for a trusted proxy.
    pub(super) fn take(&self, peer: IpAddr) -> Option<AddressSlot> {
        if self.exempt.contains(&peer) {
            return Some(AddressSlot(None));
        }
        let key = client_network(peer);
        let mut open = lock(&self.open);
        let count = open.entry(key).or_default();
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(AddressSlot(Some((key, self.open.clone()))))
    }
}

fn lock(counts: &Counts) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
    counts.lock().unwrap_or_else(|e| e.into_inner())
}

/// One connection's place in its address's count, given back when dropped.
pub(super) struct AddressSlot(Option<(IpAddr, Counts)>);

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let Some((key, counts)) = &self.0 else {
            return;
        };
        let mut open = lock(counts);
        if let Some(count) = open.get_mut(key) {
            *count -= 1;
            if *count == 0 {
                open.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_max_and_gets_its_places_back() {
        let limit = PerAddress::new(2, Cidrs(vec!["10.0.0.0/8".parse().unwrap()]));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let first = limit.take(a).unwrap();
        let _second = limit.take("::ffff:192.0.2.1".parse().unwrap()).unwrap();
        assert!(limit.take(a).is_none());
        assert!(limit.take("192.0.2.2".parse().unwrap()).is_some());
        assert!((0..10).all(|_| limit.take("10.1.2.3".parse().unwrap()).is_some()));
        drop(first);
        assert!(limit.take(a).is_some());
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let net = |s: &str| client_network(s.parse().unwrap());
        assert_eq!(net("2001:db8:1:2:aaaa::1"), net("2001:db8:1:2:bbbb::2"));
        assert_ne!(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"));
        assert_eq!(net("::ffff:192.0.2.1"), net("192.0.2.1"));
    }
}
