//! "Shared with me" at the root of a WebDAV session (the `/dav` account's root, and the files
//! root of the Nextcloud clients): a folder of no tree holding what other users granted the
//! caller (`fs::grant`), each granted folder or file under its name. Below an entry a path
//! maps onto the owner's tree as the API addresses it, `cloudreve://<owner>@my/<path>`, so
//! every call goes through `crate::fs` with the grant's checks, and what is written lands in
//! the owner's tree, charged to the owner, with versions, trash and locks as in the API.
//!
//! The folder and its entries are read only: nothing is created in the folder itself, and an
//! entry (the granted item) is renamed, moved or deleted by its owner only. The folder is
//! there while the caller holds a grant. When the account's root holds a real item named
//! `Shared with me`, that one keeps its name and the folder is `Shared with me (received)`.
//! Two entries of one name get their owner's nickname (`Team (Alice)`, before a file's
//! extension), and ` 2`, ` 3`… in the order of their ids should that still clash, so an
//! entry keeps its name from one request to the next.
//!
//! What is received is read at most once per request, and only by a request whose path (or
//! destination) starts with the folder's name or that lists the account's root.

use std::{
    collections::{HashMap, HashSet},
    hash::{DefaultHasher, Hash, Hasher},
    sync::Arc,
};

use dav_server::davpath::DavPath;
use stratus_entity::file;

use super::{meta::Meta, path};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::{Boolset, fs_cap},
    fs::{
        error::FsError,
        grant::{self, Access, Granted},
        nav::{FsCtx, Node},
        path as fs_path,
        uri::{FileUri, FsKind},
    },
    state::AppState,
};

/// The folder's name.
pub const FOLDER: &str = "Shared with me";

/// The folder's name when the account's root holds a real item named [`FOLDER`].
const ASIDE: &str = "Shared with me (received)";

/// Base of the folder's id (`oc:fileid`, per user): above any row's, below 2^53 so that
/// JavaScript clients read it exactly.
const ID_BASE: i64 = 1 << 50;

/// Where an entry is: its owner's hash id and its path in the owner's tree.
type Place<'a> = (Option<&'a str>, &'a [String]);

/// What the caller received, as the session shows it.
pub struct Grants {
    /// The folder's name at the account's root.
    pub name: String,
    /// The folder, as a row of no table.
    pub folder: file::Model,
    /// The entries, by name.
    pub items: Vec<Item>,
}

/// One granted item.
pub struct Item {
    /// Its name in the folder.
    pub name: String,
    pub file: file::Model,
    /// Where it is in its owner's tree, as the caller addresses it.
    pub uri: FileUri,
    /// The strongest grant on it.
    pub access: Access,
}

/// The URI standing for the folder itself.
pub fn folder_uri() -> FileUri {
    FileUri::root(FsKind::SharedWithMe, None)
}

/// A folder reached through a grant shows an ETag that changes with what the grant allows
/// (`here`): raised or lowered, sync clients list it again and so learn the new permissions
/// of what is in it (they take an unchanged ETag for an unchanged listing).
pub fn show_access(file: &mut file::Model, here: Access) {
    if file.r#type == file::kind::FOLDER {
        file.tree_rev = shown_rev(file.tree_rev, here);
    }
}

/// The revision a folder's ETag shows when `here` reaches it through a grant.
pub fn shown_rev(rev: i64, here: Access) -> i64 {
    rev.wrapping_mul(2) + i64::from(here == Access::Write)
}

/// `node`, as shown: with [`show_access`] when a grant reaches it.
pub fn shown(mut node: Node) -> Node {
    if let Some(g) = node.grant {
        show_access(&mut node.file, g.here);
    }
    node
}

/// Whether `uri` is the folder itself or a path below it that names no entry.
pub fn is_folder(uri: &FileUri) -> bool {
    uri.fs == FsKind::SharedWithMe
}

/// Whether a path's first segment below the account's root may be the folder's.
pub fn may_name_folder(path: &DavPath) -> bool {
    path::segments(path)
        .ok()
        .and_then(|s| s.into_iter().next())
        .is_some_and(|first| first.starts_with(FOLDER))
}

/// Whether `uri` (below the account's `root`) may lie in the folder.
pub fn may_lie_in_folder(root: &FileUri, uri: &FileUri) -> bool {
    uri.segments()
        .get(root.depth())
        .is_some_and(|first| first.starts_with(FOLDER))
}

impl Grants {
    /// What `me` received, for a session rooted at `root`; `None` when nothing (no folder
    /// then), or when the account is rooted in a share.
    pub async fn load(
        state: &AppState,
        me: &Arc<SignedIn>,
        root: &FileUri,
    ) -> Result<Option<Grants>, FsError> {
        if root.fs != FsKind::My {
            return Ok(None);
        }
        let caller = Caller::User(me.clone());
        let found = grant::received(&FsCtx::new(state, &caller)).await?;
        if found.is_empty() {
            return Ok(None);
        }
        let db = &state.db;
        // A real item of the folder's name at the root keeps it.
        let mut at = root.segments().to_vec();
        at.push(FOLDER.to_owned());
        let real = fs_path::chain(db, me.user.id, &at).await?.len() == at.len() + 1;
        let name = if real { ASIDE } else { FOLDER }.to_owned();
        let nicks = nicks_of_clashing(state, &found).await?;
        let plain: Vec<(&str, bool, &str)> = found
            .iter()
            .map(|(f, _, _)| {
                let nick = nicks.get(&f.owner_id).map(String::as_str).unwrap_or("");
                (f.name.as_str(), f.r#type == file::kind::FOLDER, nick)
            })
            .collect();
        let names = shown_names(&plain);
        let mut items: Vec<Item> = found
            .into_iter()
            .zip(names)
            .map(|((mut file, uri, access), name)| {
                show_access(&mut file, access);
                Item {
                    name,
                    file,
                    uri,
                    access,
                }
            })
            .collect();
        items.sort_by(|a, b| a.name.cmp(&b.name));
        let folder = folder_row(me.user.id, &name, &items);
        Ok(Some(Grants {
            name,
            folder,
            items,
        }))
    }

    /// The URI `uri` (a path below the account's `root`) stands for when it lies in the
    /// folder: the folder's own ([`folder_uri`]), an entry's object in its owner's tree or
    /// a path below it, or below the folder's URI for a name no entry has (nothing there).
    /// `None` for any other path.
    pub fn map(&self, root: &FileUri, uri: &FileUri) -> Option<FileUri> {
        if root.fs != FsKind::My || !uri.is_same_or_descendant_of(root) {
            return None;
        }
        let (first, rest) = uri.segments()[root.depth()..].split_first()?;
        if *first != self.name {
            return None;
        }
        let Some((entry, below)) = rest.split_first() else {
            return Some(folder_uri());
        };
        let start = match self.items.iter().find(|i| i.name == *entry) {
            Some(item) => item.uri.clone(),
            None => folder_uri().join(entry).unwrap_or_else(|_| folder_uri()),
        };
        Some(below.iter().fold(start, |at, name| {
            at.join(name).unwrap_or_else(|_| folder_uri())
        }))
    }

    /// Whether `uri` is an entry: a granted item itself.
    pub fn is_item(&self, uri: &FileUri) -> bool {
        self.items.iter().any(|i| i.uri == *uri)
    }

    /// The segments below the account's root of a path of another owner's tree (`owner`: a
    /// hash id, `segments`: the path there), through the entry nearest above it.
    pub fn back(&self, owner: &str, segments: &[String]) -> Option<Vec<String>> {
        let item = self
            .items
            .iter()
            .filter(|i| i.uri.id.as_deref() == Some(owner))
            .filter(|i| segments.starts_with(i.uri.segments()))
            .max_by_key(|i| i.uri.depth())?;
        let mut out = vec![self.name.clone(), item.name.clone()];
        out.extend(segments[item.uri.depth()..].iter().cloned());
        Some(out)
    }

    /// The folder as a node: it may be listed, nothing else.
    pub fn folder_node(&self) -> Node {
        Node {
            uri: folder_uri(),
            file: self.folder.clone(),
            capability: Boolset::from_flags(&[
                fs_cap::LIST_CHILDREN,
                fs_cap::ENTER_FOLDER,
                fs_cap::INFO,
            ]),
            owned: false,
            grant: None,
        }
    }

    /// What each entry's grants allow on the item itself, as its own path would say: the
    /// strongest access on it or on an entry of the same owner above it, and the strongest
    /// of those strictly above (which lets the caller change the item). In memory, one
    /// lookup per folder above each entry.
    pub fn granted(&self) -> impl Iterator<Item = (&Item, Granted)> + '_ {
        let by_path: HashMap<Place<'_>, (Access, i64)> = self
            .items
            .iter()
            .map(|i| {
                (
                    (i.uri.id.as_deref(), i.uri.segments()),
                    (i.access, i.file.id),
                )
            })
            .collect();
        self.items.iter().map(move |item| {
            let (owner, segments) = (item.uri.id.as_deref(), item.uri.segments());
            let mut above: Option<Access> = None;
            let mut top_id = item.file.id;
            for depth in (0..segments.len()).rev() {
                if let Some(&(access, id)) = by_path.get(&(owner, &segments[..depth])) {
                    above = above.max(Some(access));
                    top_id = id;
                }
            }
            let here = above.map_or(item.access, |a| a.max(item.access));
            (
                item,
                Granted {
                    here,
                    above,
                    top_id,
                },
            )
        })
    }

    /// The entries as a listing shows them.
    pub fn entries(&self) -> impl Iterator<Item = (String, Meta)> + '_ {
        self.items
            .iter()
            .map(|i| (i.name.clone(), Meta::of(&i.file)))
    }
}

/// The nicknames of the owners of entries whose names clash.
async fn nicks_of_clashing(
    state: &AppState,
    found: &[(file::Model, FileUri, Access)],
) -> Result<HashMap<i64, String>, FsError> {
    let mut seen = HashSet::new();
    let clashing: HashSet<&str> = found
        .iter()
        .map(|(f, _, _)| f.name.as_str())
        .filter(|n| !seen.insert(*n))
        .collect();
    let owners: HashSet<i64> = found
        .iter()
        .filter(|(f, _, _)| clashing.contains(f.name.as_str()))
        .map(|(f, _, _)| f.owner_id)
        .collect();
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(crate::users::nicks_of(&state.db, owners).await?)
}

/// The names of entries (name, folder or not, owner's nickname), in the order given (that
/// of their ids): a clashing name gets the nickname, and what still clashes a number.
fn shown_names(entries: &[(&str, bool, &str)]) -> Vec<String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (name, _, _) in entries {
        *count.entry(name).or_default() += 1;
    }
    let named: Vec<String> = entries
        .iter()
        .map(|&(name, dir, nick)| match count[name] {
            1 => name.to_owned(),
            _ => with_suffix(name, dir, &format!(" ({nick})")),
        })
        .collect();
    let mut taken: HashMap<String, usize> = HashMap::new();
    named
        .into_iter()
        .zip(entries)
        .map(|(name, &(_, dir, _))| {
            let n = taken.entry(name.clone()).or_default();
            *n += 1;
            match *n {
                1 => name,
                n => with_suffix(&name, dir, &format!(" {n}")),
            }
        })
        .collect()
}

/// `name` with `suffix` added: before a file's extension, after a folder's name.
fn with_suffix(name: &str, dir: bool, suffix: &str) -> String {
    match name
        .rsplit_once('.')
        .filter(|(stem, _)| !dir && !stem.is_empty())
    {
        Some((stem, ext)) => format!("{stem}{suffix}.{ext}"),
        None => format!("{name}{suffix}"),
    }
}

/// The folder as a row: an id of its own, and an ETag that changes with the entries (a new
/// grant, one taken back, a change inside one), so sync clients look inside again.
fn folder_row(me: i64, name: &str, items: &[Item]) -> file::Model {
    let mut h = DefaultHasher::new();
    for item in items {
        let access = item.access.as_str();
        (&item.name, item.file.id, Meta::of(&item.file).etag, access).hash(&mut h);
    }
    let updated = items.iter().map(|i| i.file.updated_at).max();
    let created = items.iter().map(|i| i.file.created_at).min();
    let now = chrono::Utc::now();
    file::Model {
        id: ID_BASE + me,
        created_at: created.unwrap_or(now),
        updated_at: updated.unwrap_or(now),
        deleted_at: None,
        r#type: file::kind::FOLDER,
        name: name.to_owned(),
        owner_id: me,
        size: 0,
        primary_entity: None,
        parent_id: None,
        is_symbolic: false,
        props: None,
        storage_policy_id: None,
        tree_rev: (h.finish() >> 2) as i64 | 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_names_get_the_nickname_then_a_number() {
        let names = shown_names(&[
            ("Team", true, "Ann"),
            ("a.txt", false, "Ann"),
            ("Team", true, "Dan"),
            ("a.txt", false, "Dan"),
            ("Solo", true, ""),
            ("Team", true, "Dan"),
        ]);
        assert_eq!(
            names,
            [
                "Team (Ann)",
                "a (Ann).txt",
                "Team (Dan)",
                "a (Dan).txt",
                "Solo",
                "Team (Dan) 2"
            ]
        );
        assert_eq!(with_suffix(".env", false, " (A)"), ".env (A)");
    }

    #[test]
    fn paths_in_the_folder_map_to_the_owners_tree() {
        let root = FileUri::parse("cloudreve://my").unwrap();
        let item_uri = FileUri::parse("cloudreve://ann@my/Work/Team").unwrap();
        let r = Grants {
            name: FOLDER.to_owned(),
            folder: folder_row(1, FOLDER, &[]),
            items: vec![Item {
                name: "Team".into(),
                file: folder_row(2, "Team", &[]),
                uri: item_uri.clone(),
                access: Access::Read,
            }],
        };
        let at = |p: &str| r.map(&root, &FileUri::parse(p).unwrap());
        assert_eq!(at("cloudreve://my/Shared%20with%20me"), Some(folder_uri()));
        assert_eq!(
            at("cloudreve://my/Shared%20with%20me/Team/x").unwrap(),
            item_uri.join("x").unwrap()
        );
        assert!(is_folder(
            &at("cloudreve://my/Shared%20with%20me/Nope").unwrap()
        ));
        assert_eq!(at("cloudreve://my/Other/Team"), None);
        let back = r.back("ann", &["Work".into(), "Team".into(), "x".into()]);
        assert_eq!(back.unwrap(), [FOLDER, "Team", "x"]);
        assert_eq!(r.back("ann", &["Work".into()]), None);
    }
}
