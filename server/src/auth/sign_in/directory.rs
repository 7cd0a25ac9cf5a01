//! Sign-in through an LDAP directory (OpenLDAP, Active Directory): the service account
//! searches `ldap_base_dn` with `ldap_user_filter`, `{login}` escaped per RFC 4515 so a login
//! cannot widen the filter; exactly one entry must answer, and a bind as that entry with the
//! typed password proves the password. The entry's groups (its `memberOf`, and the groups
//! naming it in `member`, `uniqueMember` or `memberUid`) pick the Stratus group through
//! `ldap_group_map`.
//!
//! The directory's address passes the outbound guard (`ldap_allowed_cidrs` lets a private
//! one through) and the connection goes to the address that was checked. Everything one
//! sign-in asks of the directory shares [`TIMEOUT`], so a hung directory fails the sign-in
//! with a clear message instead of holding it.

use std::{sync::Arc, time::Duration};

use ldap3::{
    Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchOptions, SearchResult,
    StdStream, ldap_escape,
};
use serde_json::Value;
use url::Url;

use crate::{net::guard::Guard, state::AppState};

/// The most a sign-in waits for the directory, connection and every question together.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The directory answers at most this many entries to the user search.
const SEARCH_LIMIT: i32 = 2;
const GROUPS_LIMIT: i32 = 200;
const SIZE_LIMIT_EXCEEDED: u32 = 4;
const NO_SUCH_OBJECT: u32 = 32;
/// Active Directory's `userAccountControl` flag of a disabled account.
const ACCOUNT_DISABLED: u32 = 0x2;

/// Why the directory could not say whether a login and password are right.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// A setting is missing or malformed; the message names it.
    #[error("The directory is not set up: {0}")]
    Settings(String),
    /// The guard refused the directory's address.
    #[error("The directory's address is refused: {0} (list it in ldap_allowed_cidrs)")]
    Refused(String),
    /// No answer within [`TIMEOUT`].
    #[error("The directory did not answer within {} seconds", TIMEOUT.as_secs())]
    TimedOut,
    /// Connecting, TLS, the service account's bind or the search failed.
    #[error("The directory cannot be reached: {0}")]
    Unreachable(String),
}

/// The directory settings, read at each sign-in.
#[derive(Debug, Clone)]
pub struct Config {
    url: Url,
    starttls: bool,
    tls_ca: String,
    bind_dn: String,
    bind_password: String,
    base_dn: String,
    user_filter: String,
    email_attribute: String,
    name_attribute: String,
    /// Directory group (DN or cn, lower case) → Stratus group id.
    group_map: Vec<(String, i64)>,
    /// 0: the site's `default_group`.
    pub default_group: i64,
    guard: Guard,
}

/// What the directory says about a login.
#[derive(Debug, Clone)]
pub struct Entry {
    pub dn: String,
    /// `entryUUID` (`objectGUID` on Active Directory), the DN without either: what the link
    /// to the account is kept by, so a renamed entry stays the same account.
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The DNs of the entry's groups.
    pub groups: Vec<String>,
    /// The Stratus group the map gives (the lowest id when several groups match).
    pub group_id: Option<i64>,
}

impl Config {
    /// The settings when `ldap_enabled` is on.
    pub async fn load(state: &AppState) -> Result<Option<Self>, DirectoryError> {
        let s = &state.settings;
        let db_err = |e: sea_orm::DbErr| DirectoryError::Settings(e.to_string());
        if !s.bool("ldap_enabled").await.map_err(db_err)? {
            return Ok(None);
        }
        let get = async |key: &str| s.get(key).await.map_err(db_err);
        let url_text = get("ldap_url").await?;
        let url = Url::parse(url_text.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "ldap" | "ldaps") && u.host_str().is_some())
            .ok_or_else(|| {
                DirectoryError::Settings("ldap_url must be ldap://host[:port] or ldaps://…".into())
            })?;
        let group_map = parse_group_map(&get("ldap_group_map").await?)?;
        let ranges = Guard::parse_ranges(&get("ldap_allowed_cidrs").await?)
            .map_err(|e| DirectoryError::Settings(format!("ldap_allowed_cidrs: {e}")))?;
        let base_dn = get("ldap_base_dn").await?;
        let user_filter = get("ldap_user_filter").await?;
        if base_dn.trim().is_empty() || !user_filter.contains("{login}") {
            return Err(DirectoryError::Settings(
                "ldap_base_dn is empty or ldap_user_filter has no {login}".into(),
            ));
        }
        Ok(Some(Self {
            url,
            starttls: s.bool("ldap_starttls").await.map_err(db_err)?,
            tls_ca: get("ldap_tls_ca").await?,
            bind_dn: get("ldap_bind_dn").await?,
            bind_password: get("ldap_bind_password").await?,
            base_dn,
            user_filter,
            email_attribute: get("ldap_email_attribute").await?,
            name_attribute: get("ldap_name_attribute").await?,
            group_map,
            default_group: get("ldap_default_group").await?.trim().parse().unwrap_or(0),
            guard: Guard::new(ranges),
        }))
    }

    /// The entry `login` names, found by the service account; `None` when none or several
    /// answer.
    pub async fn lookup(&self, login: &str) -> Result<Option<Entry>, DirectoryError> {
        within_timeout(async {
            let mut ldap = self.connect().await?;
            let found = self.find(&mut ldap, login).await;
            let _ = ldap.unbind().await;
            found
        })
        .await
    }

    /// The entry `login` names when `password` is its password.
    pub async fn authenticate(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Option<Entry>, DirectoryError> {
        // An empty password would make an unauthenticated bind, which succeeds.
        if password.is_empty() {
            return Ok(None);
        }
        within_timeout(async {
            let mut ldap = self.connect().await?;
            let found = self.find(&mut ldap, login).await?;
            let Some(entry) = found else {
                let _ = ldap.unbind().await;
                return Ok(None);
            };
            let bound = ldap
                .simple_bind(&entry.dn, password)
                .await
                .map_err(unreachable)?;
            let _ = ldap.unbind().await;
            Ok((bound.rc == 0).then_some(entry))
        })
        .await
    }

    /// Whether the entry a directory account is linked to (its `subject`) still answers the
    /// sign-in filter (any login) and is not disabled: Active Directory's ACCOUNTDISABLE flag,
    /// a password policy's lock (`pwdAccountLockedTime`). An error says nothing either way.
    pub async fn still_there(&self, subject: &str) -> Result<bool, DirectoryError> {
        let any_login = self.user_filter.replace("{login}", "*");
        let (base, scope, filter) = match subject_filter(subject) {
            Some(f) => (
                self.base_dn.as_str(),
                Scope::Subtree,
                format!("(&{f}{any_login})"),
            ),
            // Neither entryUUID nor objectGUID: the subject is the entry's DN.
            None => (subject, Scope::Base, any_login),
        };
        let attrs = ["userAccountControl", "pwdAccountLockedTime"];
        let SearchResult(entries, done) = within_timeout(async {
            let mut ldap = self.connect().await?;
            let found = ldap.search(base, scope, &filter, attrs).await;
            let _ = ldap.unbind().await;
            found.map_err(unreachable)
        })
        .await?;
        if done.rc == NO_SUCH_OBJECT {
            return Ok(false);
        }
        if done.rc != 0 {
            return Err(unreachable(done));
        }
        let [entry] = &entries[..] else {
            return Ok(false);
        };
        let entry = SearchEntry::construct(entry.clone());
        let disabled = attribute(&entry, "userAccountControl")
            .first()
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|flags| flags & ACCOUNT_DISABLED != 0)
            || !attribute(&entry, "pwdAccountLockedTime").is_empty();
        Ok(!disabled)
    }

    /// A connection to the checked address, TLS as the settings say, bound as the service
    /// account (anonymous without one).
    async fn connect(&self) -> Result<Ldap, DirectoryError> {
        let checked = self
            .guard
            .check_host(&self.url)
            .await
            .map_err(|e| DirectoryError::Refused(e.to_string()))?;
        let port = self.url.port().unwrap_or(if self.url.scheme() == "ldaps" {
            636
        } else {
            389
        });
        let addrs: Vec<_> = checked
            .addrs
            .iter()
            .map(|a| std::net::SocketAddr::new(a.ip(), port))
            .collect();
        let tcp = tokio::net::TcpStream::connect(&addrs[..])
            .await
            .map_err(unreachable)?;
        let mut settings = LdapConnSettings::new()
            .set_starttls(self.starttls && self.url.scheme() == "ldap")
            .set_std_stream(StdStream::Tcp(tcp.into_std().map_err(unreachable)?));
        if !self.tls_ca.trim().is_empty() {
            settings = settings.set_config(self.tls_config()?);
        }
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, self.url.as_str())
            .await
            .map_err(unreachable)?;
        ldap3::drive!(conn);
        let bound = ldap
            .simple_bind(&self.bind_dn, &self.bind_password)
            .await
            .map_err(unreachable)?;
        if bound.rc != 0 {
            return Err(DirectoryError::Unreachable(format!(
                "the service account's bind was refused ({})",
                bound.text
            )));
        }
        Ok(ldap)
    }

    /// A TLS configuration trusting only the CA of `ldap_tls_ca`.
    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>, DirectoryError> {
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(self.tls_ca.as_bytes()) {
            let cert = cert.map_err(|e| DirectoryError::Settings(format!("ldap_tls_ca: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| DirectoryError::Settings(format!("ldap_tls_ca: {e}")))?;
        }
        if roots.is_empty() {
            return Err(DirectoryError::Settings(
                "ldap_tls_ca holds no PEM certificate".into(),
            ));
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    async fn find(&self, ldap: &mut Ldap, login: &str) -> Result<Option<Entry>, DirectoryError> {
        let login = login.trim();
        if login.is_empty() {
            return Ok(None);
        }
        let filter = self.user_filter.replace("{login}", &ldap_escape(login));
        let attrs = [
            self.email_attribute.as_str(),
            self.name_attribute.as_str(),
            "entryUUID",
            "objectGUID",
            "memberOf",
            "uid",
        ];
        let SearchResult(entries, done) = ldap
            .with_search_options(SearchOptions::new().sizelimit(SEARCH_LIMIT))
            .search(&self.base_dn, Scope::Subtree, &filter, attrs)
            .await
            .map_err(unreachable)?;
        // Size limit exceeded (4) means several entries answer: nobody signs in with it.
        if done.rc != 0 && done.rc != SIZE_LIMIT_EXCEEDED {
            return Err(unreachable(done));
        }
        let [entry] = &entries[..] else {
            return Ok(None);
        };
        let entry = SearchEntry::construct(entry.clone());
        let first = |name: &str| attribute(&entry, name).into_iter().next();
        let subject = first("entryUUID")
            .or_else(|| {
                entry
                    .bin_attrs
                    .get("objectGUID")
                    .and_then(|v| v.first())
                    .map(hex::encode)
            })
            .unwrap_or_else(|| entry.dn.to_lowercase());
        let mut groups = attribute(&entry, "memberOf");
        groups.extend(self.groups_naming(ldap, &entry.dn, first("uid")).await?);
        groups.sort_by_key(|g| g.to_lowercase());
        groups.dedup_by_key(|g| g.to_lowercase());
        Ok(Some(Entry {
            email: first(&self.email_attribute),
            name: first(&self.name_attribute),
            group_id: self.map_groups(&groups),
            groups,
            subject,
            dn: entry.dn,
        }))
    }

    /// The DNs of the groups whose members include `dn` (or `uid`, for posixGroup).
    async fn groups_naming(
        &self,
        ldap: &mut Ldap,
        dn: &str,
        uid: Option<String>,
    ) -> Result<Vec<String>, DirectoryError> {
        let dn = ldap_escape(dn);
        let mut filter = format!("(|(member={dn})(uniqueMember={dn})");
        if let Some(uid) = uid {
            filter.push_str(&format!("(memberUid={})", ldap_escape(uid)));
        }
        filter.push(')');
        let SearchResult(entries, done) = ldap
            .with_search_options(SearchOptions::new().sizelimit(GROUPS_LIMIT))
            .search(&self.base_dn, Scope::Subtree, &filter, ["cn"])
            .await
            .map_err(unreachable)?;
        if done.rc != 0 && done.rc != SIZE_LIMIT_EXCEEDED {
            return Err(unreachable(done));
        }
        Ok(entries
            .into_iter()
            .map(|e| SearchEntry::construct(e).dn)
            .collect())
    }

    /// The lowest Stratus group id `ldap_group_map` gives any of `groups` (by DN or by the
    /// value of its first RDN, its cn).
    fn map_groups(&self, groups: &[String]) -> Option<i64> {
        groups
            .iter()
            .flat_map(|dn| {
                let dn = dn.to_lowercase();
                let cn = dn
                    .split(',')
                    .next()
                    .and_then(|rdn| rdn.split_once('='))
                    .map(|(_, v)| v.trim().to_owned());
                self.group_map
                    .iter()
                    .filter(move |(key, _)| *key == dn || Some(key) == cn.as_ref())
                    .map(|(_, id)| *id)
            })
            .min()
    }
}

/// The values of attribute `name` (directories answer names in their own case).
fn attribute(entry: &SearchEntry, name: &str) -> Vec<String> {
    entry
        .attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `ldap_group_map`: `{"<group DN or cn>": <group id>}`.
fn parse_group_map(text: &str) -> Result<Vec<(String, i64)>, DirectoryError> {
    let bad = || {
        DirectoryError::Settings("ldap_group_map must be {\"<group DN or cn>\": <group id>}".into())
    };
    let text = if text.trim().is_empty() { "{}" } else { text };
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Err(bad());
    };
    map.into_iter()
        .map(|(k, v)| {
            let id = v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(bad)?;
            Ok((k.trim().to_lowercase(), id))
        })
        .collect()
}

/// The filter finding the entry of `subject` by the attribute it was read from: an
/// `entryUUID`, or the hex of an `objectGUID`; `None` for a DN.
fn subject_filter(subject: &str) -> Option<String> {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if subject.len() == 36 && hex(&subject.replace('-', "")) {
        return Some(format!("(entryUUID={})", ldap_escape(subject)));
    }
    if subject.len() == 32 && hex(subject) {
        let bytes: String = subject
            .as_bytes()
            .chunks(2)
            .map(|pair| format!("\\{}", String::from_utf8_lossy(pair)))
            .collect();
        return Some(format!("(objectGUID={bytes})"));
    }
    None
}

async fn within_timeout<T>(
    work: impl Future<Output = Result<T, DirectoryError>>,
) -> Result<T, DirectoryError> {
    tokio::time::timeout(TIMEOUT, work)
        .await
        .map_err(|_| DirectoryError::TimedOut)?
}

fn unreachable(e: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::Unreachable(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_cannot_widen_the_filter() {
        assert_eq!(ldap_escape("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
    }

    #[test]
    fn a_subject_is_found_by_the_attribute_it_came_from() {
        assert_eq!(
            subject_filter("6b1e2c3a-0f4d-4e1b-9c2a-1d2e3f4a5b6c").as_deref(),
            Some("(entryUUID=6b1e2c3a-0f4d-4e1b-9c2a-1d2e3f4a5b6c)")
        );
        assert_eq!(
            subject_filter("00112233445566778899aabbccddeeff").as_deref(),
            Some("(objectGUID=\\00\\11\\22\\33\\44\\55\\66\\77\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff)")
        );
        assert_eq!(subject_filter("uid=bob,ou=people,dc=example,dc=org"), None);
    }

    #[test]
    fn the_group_map_takes_dns_and_cns() {
        let map = parse_group_map(r#"{"cn=Staff,ou=groups,dc=x": 3, "admins": "1"}"#).unwrap();
        assert!(map.contains(&("cn=staff,ou=groups,dc=x".into(), 3)));
        assert!(map.contains(&("admins".into(), 1)));
        assert!(parse_group_map(r#"{"a": "x"}"#).is_err());
        assert!(parse_group_map("[]").is_err());
    }
}
