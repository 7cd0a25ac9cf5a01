//! Whether the subscriber of an open stream may still see its folder. A stream outlives the
//! request that opened it, so what that request checked is checked again at each flush and
//! keep-alive, and at once when `crate::access_watch` says access narrowed here: the session
//! the stream was opened with still goes on, the account may still act (not banned or
//! deleted), and for a folder reached through a share, the share still opens with the
//! password the stream was opened with and the folder still lies inside it.

use sea_orm::DbErr;
use uuid::Uuid;

use crate::{
    auth::{error::AuthError, session::Chains},
    boolset::fs_cap,
    caller::Caller,
    door::session::remembered,
    fs::{
        chain,
        error::FsError,
        grant,
        nav::{self, FsCtx},
        uri::FileUri,
    },
    state::AppState,
};

/// What a stream was opened with.
#[derive(Debug)]
pub struct Access {
    pub user_id: i64,
    /// The session chain of the access token (`None`: a caller without one).
    pub session: Option<Uuid>,
    /// The root of the share the folder was reached through, with the password given.
    pub share_root: Option<FileUri>,
    /// The owner of the folder, when it was reached through a grant of theirs.
    pub granted_by: Option<i64>,
}

impl Access {
    /// Whether the subscriber may still see the folder `folder_id`.
    pub async fn holds(&self, state: &AppState, folder_id: i64) -> Result<bool, DbErr> {
        if let Some(root) = self.session
            && !Chains::of(state)
                .is_live(&state.db, self.user_id, root)
                .await?
        {
            return Ok(false);
        }
        let caller = match remembered(state, Some(self.user_id)).await {
            Ok((caller, _)) => caller,
            Err(AuthError::Db(e)) => return Err(e),
            // Banned, not activated, deleted.
            Err(_) => return Ok(false),
        };
        if let (Some(owner), Caller::User(me)) = (self.granted_by, &caller) {
            // A grant on the folder or above it still reaches the subscriber, and the folder
            // still hangs in its owner's tree (not trashed, not deleted).
            let up = chain::chain(&state.db, folder_id).await?;
            if up.iter().any(|link| link.gone) || !chain::reaches_root(&up) {
                return Ok(false);
            }
            let ids: Vec<i64> = up.iter().map(|link| link.id).collect();
            return match grant::reaches(&state.db, me, owner, &ids).await {
                Ok(found) => Ok(found),
                Err(FsError::Db(e)) => Err(e),
                Err(_) => Ok(false),
            };
        }
        let Some(share_root) = &self.share_root else {
            // One's own drive: the folder is the account's as long as the account acts.
            return Ok(true);
        };
        let ctx = FsCtx::new(state, &caller);
        let root = match nav::resolve(&ctx, share_root).await {
            Ok(root) => root,
            Err(FsError::Db(e)) => return Err(e),
            // Deleted, expired, used up, another password, the group may no longer open it.
            Err(_) => return Ok(false),
        };
        if root.require(fs_cap::LIST_CHILDREN).is_err() {
            return Ok(false);
        }
        // The owner may have moved the folder out of the shared one, or trashed it.
        let up = chain::chain(&state.db, folder_id).await?;
        Ok(up
            .iter()
            .take_while(|link| !link.gone)
            .any(|link| link.id == root.file.id))
    }
}
