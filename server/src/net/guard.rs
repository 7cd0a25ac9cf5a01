//! The SSRF guard: every fetch the server makes of a URL a user or an administrator supplied
//! goes through [`Guard::get`]. Only `http`/`https`; the host is resolved and refused when any
//! of its addresses is internal (loopback, RFC 1918, link-local with the cloud metadata
//! address, unique-local, CGNAT, multicast, unspecified, reserved; IPv4-mapped, NAT64 and
//! 6to4 IPv6 judged by the IPv4 address they carry) unless a range the administrator allowed
//! holds it. The connection goes to the addresses that were checked (a name that resolves
//! differently a moment later cannot switch it), and redirects are followed here, at most
//! [`MAX_REDIRECTS`], each hop checked again.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use ipnet::IpNet;
use reqwest::{Client, RequestBuilder, Response, header::LOCATION, redirect::Policy};
use url::{Host, Url};

/// Redirects followed before a fetch gives up.
pub const MAX_REDIRECTS: usize = 10;
/// Waiting for a connection, or for the next bytes of an answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("only http and https URLs can be fetched")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    #[error("not a valid URL: {0}")]
    BadUrl(String),
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("{host} resolves to {addr}, an internal address the server does not fetch from")]
    Internal { host: String, addr: IpAddr },
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("a redirect without a usable Location")]
    BadRedirect,
    #[error("request to {host} failed: {reason}")]
    Request { host: String, reason: String },
}

/// The checks, with the ranges the administrator allowed.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    allowed: Vec<IpNet>,
    /// Host names (lower case) and IP literals let through whatever they resolve to.
    allowed_hosts: Vec<String>,
    /// The administrator turned the checks off for this node (scheme and resolution remain).
    disabled: bool,
}

/// A node's `settings.url_validation` (Cloudreve 4.16.1): exceptions to the guard for that
/// node's remote downloads. Absent: guard on, no exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlValidation {
    pub disabled: bool,
    pub allowed_hosts: Vec<String>,
    pub allowed_cidrs: Vec<IpNet>,
}

impl UrlValidation {
    /// Reads `url_validation` of a node's settings; the error says what is wrong.
    pub fn of_node(settings: &serde_json::Value) -> Result<Self, String> {
        let Some(v) = settings.get("url_validation").filter(|v| !v.is_null()) else {
            return Ok(Self::default());
        };
        let obj = v.as_object().ok_or(
            "url_validation must be an object {disabled?, allowed_hosts?, allowed_cidrs?}",
        )?;
        let strings = |key: &str| -> Result<Vec<String>, String> {
            match obj.get(key) {
                None | Some(serde_json::Value::Null) => Ok(Vec::new()),
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .ok_or_else(|| format!("url_validation.{key}: non-empty strings only"))
                    })
                    .collect(),
                Some(_) => Err(format!("url_validation.{key} must be an array of strings")),
            }
        };
        let disabled = match obj.get("disabled") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => return Err("url_validation.disabled must be true or false".into()),
        };
        let allowed_hosts = strings("allowed_hosts")?
            .into_iter()
            .map(|h| {
                let host = h
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase();
                let plain = host.parse::<IpAddr>().is_ok()
                    || (host.len() <= 253
                        && host.split('.').all(|l| {
                            !l.is_empty()
                                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        }));
                if plain {
                    Ok(host)
                } else {
                    Err(format!(
                        "url_validation.allowed_hosts: {h:?} is not a host name or IP address"
                    ))
                }
            })
            .collect::<Result<_, _>>()?;
        let allowed_cidrs = strings("allowed_cidrs")?
            .iter()
            .map(|c| {
                Guard::parse_ranges(c).map_err(|e| format!("url_validation.allowed_cidrs: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        Ok(Self {
            disabled,
            allowed_hosts,
            allowed_cidrs,
        })
    }
}

/// A URL whose host resolved to addresses that passed the checks.
#[derive(Debug)]
pub struct Checked {
    pub url: Url,
    pub addrs: Vec<SocketAddr>,
}

impl Guard {
    pub fn new(allowed: Vec<IpNet>) -> Self {
        Self {
            allowed,
            ..Self::default()
        }
    }

    /// This guard with a node's exceptions added.
    pub fn with_node(mut self, node: UrlValidation) -> Self {
        self.allowed.extend(node.allowed_cidrs);
        self.allowed_hosts = node.allowed_hosts;
        self.disabled = node.disabled;
        self
    }

    /// Whether the administrator let `host` (as written in the URL) through.
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.disabled
            || self
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Ranges written as CIDRs (or single addresses), separated by commas or white space.
    pub fn parse_ranges(text: &str) -> Result<Vec<IpNet>, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not an address range"))
            })
            .collect()
    }

    /// Whether the server may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let listed = |a: IpAddr| self.allowed.iter().any(|n| n.contains(&a));
        if listed(ip) {
            return true;
        }
        let inner = embedded_v4(ip);
        if !inner.is_empty() {
            // Every address it may carry must be public or allowed.
            return inner
                .into_iter()
                .all(|v4| !is_internal_v4(v4) || listed(IpAddr::V4(v4)));
        }
        !is_internal(ip)
    }

    /// Checks `url` and resolves its host.
    pub async fn check(&self, url: &Url) -> Result<Checked, GuardError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(GuardError::Scheme);
        }
        self.check_host(url).await
    }

    /// Resolves and checks the host of `url` whatever its scheme: for addresses another
    /// program connects to (aria2's UDP trackers), where only the host can be judged.
    pub async fn check_host(&self, url: &Url) -> Result<Checked, GuardError> {
        let port = url.port_or_known_default().unwrap_or(0);
        let host = url.host().ok_or(GuardError::NoHost)?;
        let addrs: Vec<SocketAddr> = match host {
            Host::Ipv4(ip) => vec![SocketAddr::new(ip.into(), port)],
            Host::Ipv6(ip) => vec![SocketAddr::new(ip.into(), port)],
            Host::Domain(name) => tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| GuardError::Resolve {
                    host: name.to_owned(),
                    reason: e.to_string(),
                })?
                .collect(),
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        if addrs.is_empty() {
            return Err(GuardError::Resolve {
                host,
                reason: "no address".into(),
            });
        }
        let exempt = self.host_allowed(&host);
        if let Some(bad) = addrs.iter().find(|a| !exempt && !self.permits(a.ip())) {
            return Err(GuardError::Internal {
                host,
                addr: bad.ip(),
            });
        }
        Ok(Checked {
            url: url.clone(),
            addrs,
        })
    }

    /// GETs `url`, `prepare` adding headers to each request, following redirects itself with
    /// every hop checked. Answers the final URL and its response.
    pub async fn get(
        &self,
        url: &Url,
        prepare: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<(Url, Response), GuardError> {
        let mut url = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let checked = self.check(&url).await?;
            let host = url.host_str().unwrap_or_default().to_owned();
            let failed = |e: reqwest::Error| GuardError::Request {
                host: host.clone(),
                reason: error_chain(&e),
            };
            let client = checked.client().map_err(failed)?;
            let resp = prepare(client.get(url.clone()))
                .send()
                .await
                .map_err(failed)?;
            if !resp.status().is_redirection() {
                return Ok((url, resp));
            }
            let Some(next) = resp.headers().get(LOCATION) else {
                return Ok((url, resp));
            };
            let next = next.to_str().map_err(|_| GuardError::BadRedirect)?;
            url = url.join(next).map_err(|_| GuardError::BadRedirect)?;
        }
        Err(GuardError::TooManyRedirects)
    }
}

impl Checked {
    /// A client that connects only to the checked addresses and follows no redirect.
    pub fn client(&self) -> Result<Client, reqwest::Error> {
        let mut builder = Client::builder()
            .redirect(Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT);
        if let Some(Host::Domain(name)) = self.url.host() {
            builder = builder.resolve_to_addrs(name, &self.addrs);
        }
        builder.build()
    }
}

/// A reqwest error with its causes, which hold the useful part ("connection refused").
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The IPv4 addresses an IPv6 address carries: IPv4-mapped, IPv4-compatible, NAT64 (the
/// well-known 64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo
/// (2001::/32). A local-use NAT64 prefix may be /48, /56, /64 or /96 long (RFC 6052), and which
/// one a network uses is not known here: an address in the /96 form (zeros between the prefix
/// and the last 32 bits) carries its last 32 bits; any other is read at every length and judged
/// by all of them, so a translator on a shorter prefix cannot be pointed inside.
fn embedded_v4(ip: IpAddr) -> Vec<Ipv4Addr> {
    let IpAddr::V6(v6) = ip else {
        return Vec::new();
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return vec![v4];
    }
    let s = v6.segments();
    let o = v6.octets();
    let at = |i: [usize; 4]| Ipv4Addr::new(o[i[0]], o[i[1]], o[i[2]], o[i[3]]);
    let low = at([12, 13, 14, 15]);
    match s {
        [0, 0, 0, 0, 0, 0, _, _] if v6 != Ipv6Addr::UNSPECIFIED && v6 != Ipv6Addr::LOCALHOST => {
            vec![low]
        }
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => vec![low],
        [0x64, 0xff9b, 1, ..] if o[6..12].iter().all(|b| *b == 0) => vec![low],
        // Local-use NAT64 on a shorter prefix: octet 8 (bits 64..71) is never part of it.
        [0x64, 0xff9b, 1, ..] => vec![
            at([6, 7, 9, 10]),
            at([7, 9, 10, 11]),
            at([9, 10, 11, 12]),
            low,
        ],
        [0x2002, ..] => vec![at([2, 3, 4, 5])],
        // Teredo: the server's address, then the client's, stored inverted.
        [0x2001, 0, ..] => vec![at([4, 5, 6, 7]), Ipv4Addr::from(!u32::from(low))],
        _ => Vec::new(),
    }
}

/// Addresses no user-supplied URL may reach.
fn is_internal(ip: IpAddr) -> bool {
    let inner = embedded_v4(ip);
    if !inner.is_empty() {
        return inner.into_iter().any(is_internal_v4);
    }
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7 (fd00:ec2::254 too)
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // old site-local
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, with the metadata address 169.254.169.254
        || (a == 100 && (b & 0xc0) == 64) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // benchmarking
        || ip.is_multicast()
        || a >= 240 // reserved and broadcast
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        let g = Guard::default();
        for bad in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "2002:7f00:1::",
            // Teredo, client 127.0.0.1 and 10.0.0.1 (inverted), a public server.
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",
            // Teredo with a loopback server.
            "2001:0:7f00:1:8000:63bf:f7f7:f7f7",
            // Local-use NAT64 at every prefix length: /96, /64, /56, /48.
            "64:ff9b:1::7f00:1",
            "64:ff9b:1:0:7f:0:100::",
            "64:ff9b:1:7f:0:1::",
            "64:ff9b:1:7f00:0:100::",
            "64:ff9b:1::a9fe:a9fe",
        ] {
            assert!(!g.permits(ip(bad)), "{bad} must be refused");
        }
        for good in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "64:ff9b:1::808:808",
            "2002:808:808::1",
            // Teredo: server 65.54.227.120, client 8.8.8.8.
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
        ] {
            assert!(g.permits(ip(good)), "{good} must be allowed");
        }
    }

    #[test]
    fn an_allowed_range_opens_only_itself() {
        let g = Guard::new(Guard::parse_ranges("127.0.0.2/32, 10.1.0.0/16").unwrap());
        assert!(g.permits(ip("127.0.0.2")));
        assert!(g.permits(ip("::ffff:127.0.0.2")));
        assert!(g.permits(ip("10.1.200.3")));
        assert!(!g.permits(ip("127.0.0.1")));
        assert!(!g.permits(ip("10.2.0.1")));
        assert!(Guard::parse_ranges("nonsense").is_err());
        assert_eq!(Guard::parse_ranges("::1").unwrap().len(), 1);
    }

    #[tokio::test]
    async fn the_connection_goes_to_the_checked_address_not_to_a_new_lookup() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = sock.read(&mut buf).await.unwrap();
            sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .await
                .unwrap();
        });
        // A name no resolver knows: only the pinned address can serve it.
        let url = Url::parse(&format!("http://pinned.invalid:{}/", addr.port())).unwrap();
        let checked = Checked {
            url: url.clone(),
            addrs: vec![addr],
        };
        let resp = checked.client().unwrap().get(url).send().await.unwrap();
        assert_eq!(resp.text().await.unwrap(), "ok");
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_node_can_let_hosts_and_ranges_through_or_turn_the_guard_off() {
        let node = |v: serde_json::Value| {
            UrlValidation::of_node(&serde_json::json!({ "url_validation": v })).unwrap()
        };
        let local = Url::parse("http://localhost:9/x").unwrap();
        let literal = Url::parse("http://127.0.0.3:9/x").unwrap();
        assert!(Guard::default().check(&local).await.is_err());
        let hosts = Guard::default().with_node(node(serde_json::json!({
            "allowed_hosts": ["LOCALHOST"], "allowed_cidrs": ["127.0.0.3/32"]
        })));
        assert!(hosts.check(&local).await.is_ok());
        assert!(hosts.check(&literal).await.is_ok());
        assert!(
            hosts
                .check(&Url::parse("http://127.0.0.4:9/").unwrap())
                .await
                .is_err()
        );
        let off = Guard::default().with_node(node(serde_json::json!({"disabled": true})));
        assert!(off.check(&literal).await.is_ok());
        assert!(
            off.check(&Url::parse("ftp://127.0.0.3/").unwrap())
                .await
                .is_err()
        );
        assert_eq!(
            UrlValidation::of_node(&serde_json::json!({})).unwrap(),
            UrlValidation::default()
        );
        assert!(UrlValidation::of_node(&serde_json::json!({"url_validation": []})).is_err());
    }

    #[tokio::test]
    async fn names_are_judged_by_what_they_resolve_to() {
        let g = Guard::default();
        let url = Url::parse("http://localhost:9/x").unwrap();
        assert!(matches!(
            g.check(&url).await,
            Err(GuardError::Internal { .. })
        ));
        let ftp = Url::parse("ftp://example.com/x").unwrap();
        assert!(matches!(g.check(&ftp).await, Err(GuardError::Scheme)));
    }
}
