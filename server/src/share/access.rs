//! Opening a share: is it still valid, is it unlocked for this caller, and which row a path
//! below it names.

use std::collections::HashMap;

use chrono::Utc;
use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use stratus_entity::{file, group, share, user};
use subtle::ConstantTimeEq;

use super::batch::Batch;
use crate::{
    auth::{caller::Caller, share_throttle},
    boolset::{Boolset, group_perm},
    events::Client,
    fs::{
        error::FsError,
        nav::{FsCtx, Node},
        path,
        share_tree::{Opened, ShareTrees, SharedTree},
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
    request_ctx,
    state::AppState,
    users,
};

/// Deepest ancestor walk when checking that a shared file is still in its owner's tree.
pub(super) const MAX_TREE_DEPTH: usize = 4096;

/// A share that is valid right now, with its file and owner as they are now.
#[derive(Debug, Clone)]
pub struct Live {
    pub share: share::Model,
    pub file: file::Model,
    pub owner: user::Model,
}

impl Live {
    /// Whether the share was made for a single file (its root is then the file's folder).
    pub fn is_single_file(&self) -> bool {
        self.file.r#type != file::kind::FOLDER
    }
}

/// Expired by time or by exhausted downloads.
pub fn is_expired(share: &share::Model) -> bool {
    share.expires.is_some_and(|t| t <= Utc::now()) || share.remain_downloads.is_some_and(|n| n <= 0)
}

/// The share row, unless deleted.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<share::Model>, FsError> {
    Ok(share::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| s.deleted_at.is_none()))
}

/// Counts a visit of share `id` (its page was opened, unlocked, by someone not its owner).
pub async fn count_view(db: &impl ConnectionTrait, id: i64) -> Result<(), FsError> {
    use sea_orm::{
        ColumnTrait, QueryFilter,
        sea_query::{Expr, ExprTrait},
    };
    share::Entity::update_many()
        .col_expr(share::Column::Views, Expr::col(share::Column::Views).add(1))
        .filter(share::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Loads share `id` and checks that it is usable: not expired, not exhausted, its owner
/// active, its file neither deleted nor trashed. Anything else is [`FsError::ShareInvalid`].
pub async fn live(db: &impl ConnectionTrait, id: i64) -> Result<Live, FsError> {
    let share = find(db, id).await?.ok_or(FsError::ShareInvalid)?;
    check(db, share).await
}

/// [`live`] for a row already read.
pub async fn check(db: &impl ConnectionTrait, share: share::Model) -> Result<Live, FsError> {
    if is_expired(&share) {
        return Err(FsError::ShareInvalid);
    }
    check_serving(db, share).await
}

/// [`check`] without the remaining downloads: for a download counted already, when its URL
/// was handed out (the last one must still be served).
async fn check_serving(db: &impl ConnectionTrait, share: share::Model) -> Result<Live, FsError> {
    if is_expired_by_time(&share) {
        return Err(FsError::ShareInvalid);
    }
    let owner = user::Entity::find_by_id(share.user_id)
        .one(db)
        .await?
        .filter(owner_serves)
        .ok_or(FsError::ShareInvalid)?;
    let file = file::Entity::find_by_id(share.file_id)
        .one(db)
        .await?
        .filter(|f| file_serves(f, &owner))
        .ok_or(FsError::ShareInvalid)?;
    if !path::in_tree(db, &file, MAX_TREE_DEPTH).await? {
        return Err(FsError::ShareInvalid);
    }
    Ok(Live { share, file, owner })
}

/// Expired by time (downloads aside).
pub(super) fn is_expired_by_time(share: &share::Model) -> bool {
    share.expires.is_some_and(|t| t <= Utc::now())
}

/// The owner of a working share: not deleted, active.
pub(super) fn owner_serves(owner: &user::Model) -> bool {
    owner.deleted_at.is_none() && owner.status == user::status::ACTIVE
}

/// The file of a working share: not deleted, still the owner's, not a saved share.
pub(super) fn file_serves(file: &file::Model, owner: &user::Model) -> bool {
    file.deleted_at.is_none() && file.owner_id == owner.id && !file.is_symbolic
}

/// The share hashid a content URL for `node` is bound to: set when the node was reached
/// through a share, so the content route can check the share again.
pub fn bound_share(state: &AppState, node: &Node) -> Option<String> {
    share_of(state, &node.uri)
}

/// The share (hashid, as [`bound_share`] spells it) a share URI names; `None` for other URIs.
pub fn share_of(state: &AppState, uri: &FileUri) -> Option<String> {
    (uri.fs == FsKind::Share)
        .then(|| share_id(state, uri).ok())
        .flatten()
        .map(|id| state.ids.encode(id, IdKind::Share))
}

/// Checked by the content route for URLs handed out through a share: the share still
/// exists, has not expired by time, its owner is active and its file is in the owner's tree.
/// Remaining downloads are not checked here: the URL's download was already counted when
/// it was handed out, and the last one must still be served.
pub async fn still_serving(state: &AppState, hashid: &str) -> Result<(), FsError> {
    let id = state
        .ids
        .decode(hashid, IdKind::Share)
        .map_err(|_| FsError::ShareInvalid)?;
    let share = find(&state.db, id).await?.ok_or(FsError::ShareInvalid)?;
    check_serving(&state.db, share).await.map(|_| ())
}

/// Compares passwords in constant time, also independent of their lengths.
pub fn password_matches(stored: &str, given: &str) -> bool {
    let a = Sha256::digest(stored.as_bytes());
    let b = Sha256::digest(given.as_bytes());
    a.ct_eq(&b).into()
}

/// Whether `caller` may see the share's contents: there is no password, the caller owns
/// the share, or `given` is right. Wrong passwords are recorded and throttled per share and
/// per address; a missing one is simply locked (no attempt was made).
pub async fn unlock(
    db: &impl ConnectionTrait,
    share: &share::Model,
    given: Option<&str>,
    caller: &Caller,
) -> Result<(), FsError> {
    let Some(stored) = password_asked(share, caller) else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(FsError::SharePassword);
    };
    let client = request_ctx::current().map(|c| c.client).unwrap_or_default();
    if share_throttle::share_exceeded(db, share.id, &client).await? {
        return Err(FsError::ShareThrottled);
    }
    try_password(db, share, stored, given, caller, &client).await
}

/// The password `caller` must give to see the share's contents: none without one, or for
/// the share's owner.
fn password_asked<'s>(share: &'s share::Model, caller: &Caller) -> Option<&'s str> {
    share
        .password
        .as_deref()
        .filter(|p| !p.is_empty() && caller.user_id() != Some(share.user_id))
}

/// Compares a password given for a share that is not throttled; a wrong one is recorded.
async fn try_password(
    db: &impl ConnectionTrait,
    share: &share::Model,
    stored: &str,
    given: &str,
    caller: &Caller,
    client: &Client,
) -> Result<(), FsError> {
    if password_matches(stored, given) {
        return Ok(());
    }
    share_throttle::share_fail(db, share.id, caller.user_id(), client).await;
    Err(FsError::SharePassword)
}

/// The caller's group permissions (the anonymous group's for anonymous callers).
pub async fn permissions(state: &AppState, caller: &Caller) -> Result<Boolset, FsError> {
    Ok(match caller {
        Caller::User(u) => u.permissions(),
        Caller::Anonymous => group::Entity::find_by_id(users::ANONYMOUS_GROUP)
            .one(&state.db)
            .await?
            .map(|g| Boolset::from_bytes(g.permissions))
            .unwrap_or_default(),
    })
}

/// Decodes the share id of a share URI.
pub fn share_id(state: &AppState, uri: &FileUri) -> Result<i64, FsError> {
    uri.id
        .as_deref()
        .and_then(|id| state.ids.decode(id, IdKind::Share).ok())
        .ok_or(FsError::ShareInvalid)
}

/// Opens a share for `caller`: the group may open shares, the share is valid and unlocked.
pub async fn open(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Live, FsError> {
    let id = share_id(ctx.state, uri)?;
    if !permissions(ctx.state, ctx.caller)
        .await?
        .enabled(group_perm::SHARE_DOWNLOAD)
    {
        return Err(match ctx.caller {
            Caller::Anonymous => FsError::ShareAnonymousDenied,
            Caller::User(_) => FsError::NoPermission("your group may not open shares"),
        });
    }
    let share = find(&ctx.state.db, id)
        .await?
        .ok_or(FsError::ShareInvalid)?;
    let live = if ctx.download_counted {
        check_serving(&ctx.state.db, share).await?
    } else {
        check(&ctx.state.db, share).await?
    };
    unlock(
        &ctx.state.db,
        &live.share,
        uri.password.as_deref(),
        ctx.caller,
    )
    .await?;
    // Visitors drop files into an upload-only share; nobody browses or downloads through it
    // (its owner has the files in their own tree).
    if live.share.upload_only {
        return Err(FsError::ShareUploadOnly);
    }
    Ok(live)
}

/// [`open`] of many shares at once (the shares a search looks into): one answer per URI, in
/// order, from a fixed number of statements whatever their number: the shares, their owners,
/// files and folder chains ([`Batch`]), and the password throttle once when some share asks
/// for a password. Only a wrong password writes, as [`unlock`] records it.
pub async fn open_many(
    ctx: &FsCtx<'_>,
    uris: &[FileUri],
) -> Result<Vec<Result<Live, FsError>>, FsError> {
    if uris.is_empty() {
        return Ok(Vec::new());
    }
    let db = &ctx.state.db;
    if !permissions(ctx.state, ctx.caller)
        .await?
        .enabled(group_perm::SHARE_DOWNLOAD)
    {
        let denied = || match ctx.caller {
            Caller::Anonymous => FsError::ShareAnonymousDenied,
            Caller::User(_) => FsError::NoPermission("your group may not open shares"),
        };
        // As `open`: a URI that names no share is invalid before the group is asked.
        return Ok(uris
            .iter()
            .map(|u| Err(share_id(ctx.state, u).err().unwrap_or_else(denied)))
            .collect());
    }
    let ids: Vec<Option<i64>> = uris.iter().map(|u| share_id(ctx.state, u).ok()).collect();
    let rows: HashMap<i64, share::Model> = share::Entity::find()
        .filter(share::Column::Id.is_in(ids.iter().flatten().copied()))
        .filter(share::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let shares: Vec<share::Model> = rows.values().cloned().collect();
    let batch = Batch::read(db, &shares).await?;
    let mut opened: Vec<Result<Live, FsError>> = ids
        .iter()
        .map(|id| {
            let share = id
                .and_then(|id| rows.get(&id))
                .ok_or(FsError::ShareInvalid)?;
            if ctx.download_counted {
                batch.check_serving(share)
            } else {
                batch.check(share)
            }
        })
        .collect();
    let client = request_ctx::current().map(|c| c.client).unwrap_or_default();
    let asking: Vec<i64> = opened
        .iter()
        .zip(uris)
        .filter_map(|(live, uri)| {
            let live = live.as_ref().ok()?;
            password_asked(&live.share, ctx.caller)?;
            uri.password.as_ref().map(|_| live.share.id)
        })
        .collect();
    let throttled = share_throttle::shares_exceeded(db, &asking, &client).await?;
    for (slot, uri) in opened.iter_mut().zip(uris) {
        let Ok(live) = slot else { continue };
        if let Some(stored) = password_asked(&live.share, ctx.caller) {
            let unlocked = match uri.password.as_deref() {
                None => Err(FsError::SharePassword),
                Some(_) if throttled.contains(&live.share.id) => Err(FsError::ShareThrottled),
                Some(given) => {
                    try_password(db, &live.share, stored, given, ctx.caller, &client).await
                }
            };
            if let Err(err) = unlocked {
                *slot = Err(err);
                continue;
            }
        }
        if live.share.upload_only {
            *slot = Err(FsError::ShareUploadOnly);
        }
    }
    Ok(opened)
}

/// The share module's side of [`ShareTrees`]: how the file system opens a share.
pub struct Trees;

impl ShareTrees for Trees {
    fn open<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uri: &'a FileUri,
    ) -> BoxFuture<'a, Result<(SharedTree, file::Model), FsError>> {
        Box::pin(async move {
            let live = open(ctx, uri).await?;
            Ok((tree_of(&live.share), live.file))
        })
    }

    fn open_many<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uris: &'a [FileUri],
    ) -> BoxFuture<'a, Result<Vec<Opened>, FsError>> {
        Box::pin(async move {
            Ok(open_many(ctx, uris)
                .await?
                .into_iter()
                .map(|live| live.map(|l| (tree_of(&l.share), l.file)))
                .collect())
        })
    }

    fn peek<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uri: &'a FileUri,
    ) -> BoxFuture<'a, Result<SharedTree, FsError>> {
        Box::pin(async move {
            let id = share_id(ctx.state, uri)?;
            let share = find(&ctx.state.db, id)
                .await?
                .ok_or(FsError::ShareInvalid)?;
            Ok(tree_of(&share))
        })
    }
}

fn tree_of(share: &share::Model) -> SharedTree {
    SharedTree {
        item_id: share.file_id,
        owner_id: share.user_id,
        shows_views: super::details::share_view(share),
        counts_downloads: share.remain_downloads.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(expires: Option<chrono::DateTime<Utc>>, remain: Option<i64>) -> share::Model {
        share::Model {
            id: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
            password: None,
            views: 0,
            downloads: 0,
            expires,
            remain_downloads: remain,
            props: None,
            file_id: 1,
            user_id: 1,
            upload_only: false,
            upload_limit: None,
            uploaded: 0,
        }
    }

    #[test]
    fn expiry_by_time_and_by_downloads() {
        let hour = chrono::Duration::hours(1);
        assert!(!is_expired(&row(None, None)));
        assert!(!is_expired(&row(Some(Utc::now() + hour), Some(1))));
        assert!(is_expired(&row(Some(Utc::now() - hour), None)));
        assert!(is_expired(&row(None, Some(0))));
    }

    #[test]
    fn passwords_compare_exactly() {
        assert!(password_matches("abc12345", "abc12345"));
        assert!(!password_matches("abc12345", "abc1234"));
        assert!(!password_matches("abc12345", "ABC12345"));
        assert!(!password_matches("abc12345", ""));
    }

    proptest::proptest! {
        #[test]
        fn a_password_matches_itself_only(stored in ".{0,20}", given in ".{0,20}") {
            proptest::prop_assert_eq!(password_matches(&stored, &given), stored == given);
            proptest::prop_assert!(password_matches(&stored, &stored));
        }
    }
}
