//! How far a caller reaches into its own drive: the folder its credential is confined to (a
//! WebDAV account's root, an S3 key's folder) and whether it may write (`caller::Reach`).
//! A path below the account's root cannot leave it; what finds a file otherwise (by id, by
//! a share row, through the trash) asks here, so that outside the folder is "not found" and
//! a write through a read-only credential is refused, alike on every route.

use super::{
    error::FsError,
    nav::{self, FsCtx, Node},
    uri::{FileUri, FsKind},
};
use crate::{
    caller::{Caller, SignedIn},
    ids::IdKind,
};

/// The root an account stores as `uri`: the owner's tree at a `my` URI (its user part was
/// checked to be the owner when the account was saved, and is dropped), or a share's URI as
/// saved (with its password); `None` for anything else.
pub fn account_root(uri: &str) -> Option<FileUri> {
    let parsed = FileUri::parse(uri).ok()?;
    match parsed.fs {
        FsKind::My => {
            let mut root = FileUri::root(FsKind::My, None);
            for segment in parsed.segments() {
                root = root.join(segment).ok()?;
            }
            Some(root)
        }
        FsKind::Share => Some(parsed.without_query()),
        _ => None,
    }
}

/// The folder of its own drive the caller reaches: the drive's root when it is not confined;
/// `None` when it reaches none of it (an anonymous caller, an account rooted at a share).
pub fn folder(caller: &Caller) -> Option<FileUri> {
    let Caller::User(me) = caller else {
        return None;
    };
    match &me.reach().root {
        None => Some(FileUri::root(FsKind::My, None)),
        Some(root) => account_root(root).filter(|r| r.fs == FsKind::My),
    }
}

/// Whether the caller reaches its whole drive, and so its trash (which holds what was deleted
/// anywhere in it).
pub fn whole_drive(caller: &Caller) -> bool {
    folder(caller).is_some_and(|f| f.is_root())
}

/// `uri`, a URI of the caller's own tree as resolved, is within the caller's reach; anything
/// else is [`FsError::NotFound`], as a file the caller cannot see.
pub fn check(caller: &Caller, uri: &FileUri) -> Result<(), FsError> {
    // Not confined: everything of its own, the trash included (the file system's own rules
    // still apply, as to an anonymous caller).
    if matches!(caller, Caller::Anonymous) || whole_drive(caller) {
        return Ok(());
    }
    match folder(caller) {
        Some(root) if uri.fs == FsKind::My && uri.is_same_or_descendant_of(&root) => Ok(()),
        _ => Err(FsError::NotFound),
    }
}

/// The caller may write: its credential is not read-only and the guard against mass
/// deletion has not stopped it. Every write of the file system asks here (through
/// [`may_write`] where only the signed-in caller is at hand), so no edge has to.
pub fn writable(caller: &Caller) -> Result<(), FsError> {
    match caller {
        Caller::User(me) => may_write(me),
        Caller::Anonymous => Ok(()),
    }
}

/// [`writable`] for a signed-in caller.
pub fn may_write(me: &SignedIn) -> Result<(), FsError> {
    if me.reach().read_only {
        return Err(FsError::NoPermission("this credential is read-only"));
    }
    match &me.stopped {
        Some(why) => Err(FsError::Guarded(why.clone())),
        None => Ok(()),
    }
}

/// A write at `uri` of the caller's own tree: within its reach and [`writable`].
pub fn write_at(caller: &Caller, uri: &FileUri) -> Result<(), FsError> {
    check(caller, uri)?;
    writable(caller)
}

/// The caller's own file or folder of row id `id`, not trashed and within its reach.
pub async fn by_id(ctx: &FsCtx<'_>, id: i64) -> Result<Node, FsError> {
    nav::resolve_id(ctx, &ctx.state.ids.encode(id, IdKind::File)).await
}

/// A path as the caller's clients name it, relative to its folder (`/Docs/a.txt`), as a URI
/// of its drive; `None` when a segment is not a valid name or the caller reaches no folder.
pub fn below(caller: &Caller, path: &str) -> Option<FileUri> {
    let mut uri = folder(caller)?;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        uri = uri.join(segment).ok()?;
    }
    Some(uri)
}

/// `uri` of the caller's drive as its clients name it, relative to its folder (`/` for the
/// folder itself); `None` when it lies outside.
pub fn relative(caller: &Caller, uri: &FileUri) -> Option<String> {
    let root = folder(caller)?;
    if uri.fs != FsKind::My || !uri.is_same_or_descendant_of(&root) {
        return None;
    }
    let rest = &uri.segments()[root.segments().len()..];
    Some(format!("/{}", rest.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_root_drops_its_user_and_keeps_a_share() {
        let mine = account_root("cloudreve://abc@my/Docs/x").unwrap();
        assert_eq!(mine.to_string(), "cloudreve://my/Docs/x");
        assert_eq!(
            account_root("cloudreve://AbC@share").unwrap().fs,
            FsKind::Share
        );
        assert!(account_root("cloudreve://trash").is_none());
    }
}
