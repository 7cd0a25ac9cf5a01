//! The addresses a torrent or magnet makes aria2 contact besides its peers: trackers
//! (`announce`, `announce-list`, magnet `tr`), web seeds (`url-list`, `httpseeds`, magnet
//! `ws`, `as`, `xs`) and DHT bootstrap nodes (`nodes`). aria2 connects to them itself, out
//! of reach of the guard's pinned client, so each is checked with the SSRF guard before aria2
//! sees the download, and one on an address the guard refuses refuses the whole download.
//!
//! aria2 is then handed only the trackers that passed, as Stratus wrote them out:
//! `bt-exclude-tracker=*` drops the torrent's own list and `bt-tracker` adds the checked ones
//! back ([`Endpoints::check`] answers them). A tracker whose name does not resolve, or whose
//! scheme aria2 does not speak, is left out rather than refusing the download (public
//! torrents carry many dead trackers). Web seeds cannot be dropped through aria2's options,
//! so each must pass.

use bendy::decoding::{Decoder, Object};
use futures_util::{StreamExt, TryStreamExt, stream};
use url::Url;

use crate::{
    net::guard::{Guard, GuardError},
    remote_download::RemoteDownloadError as E,
};

/// Nesting a torrent may have (a multi-file torrent's paths sit at depth 5); the decoder
/// refuses deeper input, so a crafted file cannot exhaust the stack.
const MAX_DEPTH: usize = 32;
/// Addresses one download may name, each resolved before it is accepted.
const MAX_ENDPOINTS: usize = 500;
/// Names resolved at once.
const RESOLVING: usize = 16;

/// What a torrent or magnet names, as written there.
#[derive(Debug, Default, PartialEq)]
pub struct Endpoints {
    pub trackers: Vec<String>,
    pub web_seeds: Vec<String>,
    /// DHT bootstrap nodes as `host:port`.
    pub nodes: Vec<String>,
}

impl Endpoints {
    /// The endpoints of a `.torrent` file's bytes.
    pub fn of_torrent(bytes: &[u8]) -> Result<Self, E> {
        let bad = |e: bendy::decoding::Error| E::NotTorrent(e.to_string());
        let mut decoder = Decoder::new(bytes).with_max_depth(MAX_DEPTH);
        let Some(Object::Dict(mut root)) = decoder.next_object().map_err(bad)? else {
            return Err(E::NotTorrent("it is not a bencoded dictionary".into()));
        };
        let mut out = Self::default();
        while let Some((key, value)) = root.next_pair().map_err(bad)? {
            match key {
                b"announce" => out.trackers.extend(text(value)),
                b"announce-list" => {
                    // A list of tiers, each a list of URLs.
                    if let Object::List(mut tiers) = value {
                        while let Some(tier) = tiers.next_object().map_err(bad)? {
                            out.trackers.extend(texts(tier).map_err(bad)?);
                        }
                    }
                }
                // One URL or a list of them.
                b"url-list" | b"httpseeds" => out.web_seeds.extend(texts(value).map_err(bad)?),
                b"nodes" => {
                    // A list of [host, port] pairs.
                    if let Object::List(mut nodes) = value {
                        while let Some(node) = nodes.next_object().map_err(bad)? {
                            if let Some(n) = node_of(node).map_err(bad)? {
                                out.nodes.push(n);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.limit()
    }

    /// The endpoints of a `magnet:` link (`tr`, `ws`, `as`, `xs`, also numbered as `tr.1`).
    pub fn of_magnet(link: &str) -> Result<Self, E> {
        let url = Url::parse(link).map_err(|e| E::BadUrl(format!("{link}: not a URL ({e})")))?;
        let mut out = Self::default();
        for (key, value) in url.query_pairs() {
            let base = key.split_once('.').map_or(key.as_ref(), |(b, _)| b);
            match base {
                "tr" => out.trackers.push(value.into_owned()),
                "ws" | "as" | "xs" => out.web_seeds.push(value.into_owned()),
                _ => {}
            }
        }
        out.limit()
    }

    fn limit(self) -> Result<Self, E> {
        let n = self.trackers.len() + self.web_seeds.len() + self.nodes.len();
        if n > MAX_ENDPOINTS {
            return Err(E::NotTorrent(format!(
                "it names {n} trackers, web seeds and nodes; at most {MAX_ENDPOINTS} are checked"
            )));
        }
        Ok(self)
    }

    /// Checks every endpoint with `guard`; answers the trackers to hand to aria2.
    pub async fn check(&self, guard: &Guard) -> Result<Vec<String>, E> {
        // Owned values in the futures: borrowed ones make the stream's future not `Send`.
        let each = |list: &[String], f: fn(Guard, String) -> Checking| {
            let guard = guard.clone();
            stream::iter(list.to_vec()).map(move |raw| f(guard.clone(), raw))
        };
        let trackers: Vec<Option<String>> = each(&self.trackers, |g, raw| {
            Box::pin(async move { tracker(&g, &raw).await })
        })
        .buffered(RESOLVING)
        .try_collect()
        .await?;
        each(&self.web_seeds, |g, raw| {
            Box::pin(async move { web_seed(&g, &raw).await.map(|()| None) })
        })
        .buffer_unordered(RESOLVING)
        .try_collect::<Vec<_>>()
        .await?;
        each(&self.nodes, |g, raw| {
            Box::pin(async move { node(&g, &raw).await.map(|()| None) })
        })
        .buffer_unordered(RESOLVING)
        .try_collect::<Vec<_>>()
        .await?;
        let mut kept: Vec<String> = Vec::new();
        for t in trackers.into_iter().flatten() {
            if !kept.contains(&t) {
                kept.push(t);
            }
        }
        Ok(kept)
    }
}

/// One endpoint's check: a tracker to keep, or nothing.
type Checking = futures_util::future::BoxFuture<'static, Result<Option<String>, E>>;

/// A tracker as aria2 gets it, or `None` when it is left out.
async fn tracker(guard: &Guard, raw: &str) -> Result<Option<String>, E> {
    let Ok(url) = Url::parse(raw.trim()) else {
        return Ok(None);
    };
    if !matches!(url.scheme(), "http" | "https" | "udp") {
        return Ok(None);
    }
    match guard.check_host(&url).await {
        // `bt-tracker` separates URLs with commas.
        Ok(_) => Ok(Some(url.as_str().replace(',', "%2C"))),
        Err(GuardError::Resolve { .. }) => Ok(None),
        Err(source) => Err(refused("tracker", raw, source)),
    }
}

async fn web_seed(guard: &Guard, raw: &str) -> Result<(), E> {
    let url = Url::parse(raw.trim())
        .map_err(|e| refused("web seed", raw, GuardError::BadUrl(e.to_string())))?;
    guard
        .check(&url)
        .await
        .map(drop)
        .map_err(|source| refused("web seed", raw, source))
}

async fn node(guard: &Guard, raw: &str) -> Result<(), E> {
    let url = Url::parse(&format!("udp://{raw}"))
        .map_err(|e| refused("DHT node", raw, GuardError::BadUrl(e.to_string())))?;
    match guard.check_host(&url).await {
        Ok(_) | Err(GuardError::Resolve { .. }) => Ok(()),
        Err(source) => Err(refused("DHT node", raw, source)),
    }
}

fn refused(what: &'static str, url: &str, source: GuardError) -> E {
    E::Endpoint {
        what,
        url: url.to_owned(),
        source,
    }
}

/// A string value; `None` for anything else (aria2 skips those too).
fn text(value: Object<'_, '_>) -> Option<String> {
    match value {
        Object::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// A string or a list of strings.
fn texts(value: Object<'_, '_>) -> Result<Vec<String>, bendy::decoding::Error> {
    let mut out = Vec::new();
    match value {
        Object::List(mut list) => {
            while let Some(item) = list.next_object()? {
                out.extend(text(item));
            }
        }
        other => out.extend(text(other)),
    }
    Ok(out)
}

/// A `[host, port]` pair as `host:port`.
fn node_of(value: Object<'_, '_>) -> Result<Option<String>, bendy::decoding::Error> {
    let Object::List(mut pair) = value else {
        return Ok(None);
    };
    let host = pair.next_object()?.and_then(text);
    let port = match pair.next_object()? {
        Some(Object::Integer(p)) => p.parse::<u16>().ok(),
        _ => None,
    };
    Ok(host.zip(port).map(|(h, p)| {
        if h.contains(':') && !h.starts_with('[') {
            format!("[{h}]:{p}")
        } else {
            format!("{h}:{p}")
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torrent_lists_its_trackers_web_seeds_and_nodes() {
        let t = b"d8:announce14:http://a/annou13:announce-listll9:udp://b:1el8:http://cee\
4:infod4:name1:xe5:nodesll7:1.2.3.4i6881eel3:::1i1eee8:url-list9:http://w/e";
        let e = Endpoints::of_torrent(t).unwrap();
        assert_eq!(
            e.trackers,
            ["http://a/annou", "udp://b:1", "http://c"].map(String::from)
        );
        assert_eq!(e.web_seeds, ["http://w/"]);
        assert_eq!(e.nodes, ["1.2.3.4:6881", "[::1]:1"]);
    }

    #[test]
    fn deep_or_broken_torrents_are_refused() {
        let deep = format!("d4:info{}{}e", "l".repeat(100_000), "e".repeat(100_000));
        assert!(matches!(
            Endpoints::of_torrent(deep.as_bytes()),
            Err(E::NotTorrent(_))
        ));
        assert!(Endpoints::of_torrent(b"li1ee").is_err());
        assert!(Endpoints::of_torrent(b"d8:announce").is_err());
    }

    #[test]
    fn a_magnet_lists_its_trackers_and_sources() {
        let e = Endpoints::of_magnet(
            "magnet:?xt=urn:btih:00&tr=http%3A%2F%2F127.0.0.1%3A1%2Fa&tr.1=udp://x:2&ws=http://w/&as=http://a/&xs=http://x/t&dn=n",
        )
        .unwrap();
        assert_eq!(e.trackers, ["http://127.0.0.1:1/a", "udp://x:2"]);
        assert_eq!(e.web_seeds, ["http://w/", "http://a/", "http://x/t"]);
    }
}
