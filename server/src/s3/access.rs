//! Who an S3 request acts as. s3s verifies the signature with the secret [`Keys`] finds by
//! access key id (a deleted key is refused at once: `auth::s3_key` forgets it); [`of`] then
//! turns the verified key into its owner, as they are now (a banned user or a group without
//! the S3 permission is refused), and the folder the key sees.

use std::sync::Arc;

use s3s::{S3Request, S3Result, auth::SecretKey, s3_error};

use super::error::internal;
use crate::{
    auth::{
        caller::{self, Caller, SignedIn},
        s3_key,
    },
    boolset::group_perm,
    caller::{Credential, CredentialKind, Reach},
    fs::{nav::FsCtx, uri::FileUri},
    state::AppState,
};

/// s3s's secret lookup over the S3 keys.
pub struct Keys(pub AppState);

#[async_trait::async_trait]
impl s3s::auth::S3Auth for Keys {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        match s3_key::find(&self.0, access_key).await {
            Ok(Some(found)) => Ok(SecretKey::from(found.secret.as_str())),
            Ok(None) => Err(s3_error!(InvalidAccessKeyId)),
            Err(e) => Err(internal(e)),
        }
    }
}

/// A verified request's owner and the folder its key sees.
pub struct Access {
    pub state: AppState,
    pub caller: Caller,
    pub me: Arc<SignedIn>,
    /// The key's folder (`cloudreve://my/...`): its subfolders are the buckets.
    pub root: FileUri,
    pub readonly: bool,
    /// Why the key may not write: the guard against mass deletion stopped it.
    pub stopped: Option<String>,
}

impl Access {
    /// A file-system context acting as the key's owner.
    pub fn ctx(&self) -> FsCtx<'_> {
        FsCtx::new(&self.state, &self.caller)
    }

    /// Refuses a write through a read-only key.
    pub fn writable(&self) -> S3Result<()> {
        if self.readonly {
            return Err(s3_error!(AccessDenied, "this S3 key is read-only"));
        }
        if let Some(why) = &self.stopped {
            return Err(s3_error!(AccessDenied, "{why}"));
        }
        Ok(())
    }
}

/// The owner and folder of the key that signed `req`.
pub async fn of<T>(state: &AppState, req: &S3Request<T>) -> S3Result<Access> {
    let Some(credentials) = &req.credentials else {
        return Err(s3_error!(AccessDenied, "sign the request with an S3 key"));
    };
    let found = s3_key::find(state, &credentials.access_key)
        .await
        .map_err(internal)?
        .ok_or_else(|| s3_error!(InvalidAccessKeyId))?;
    let key = &found.key;
    let (caller, group) = caller::remembered(state, Some(key.user_id))
        .await
        .map_err(|_| s3_error!(AccessDenied, "the key's owner cannot sign in"))?;
    let Caller::User(owner) = &caller else {
        return Err(s3_error!(AccessDenied));
    };
    let root = s3_key::folder_uri(state, key)
        .await
        .map_err(internal)?
        .ok_or_else(|| s3_error!(AccessDenied, "the key's folder no longer exists"))?;
    // The key is the credential its writes are counted against (the mass-deletion guard),
    // confined to its folder.
    let reach = Reach {
        root: Some(root.to_string()),
        read_only: key.readonly,
    };
    let me = Arc::new(SignedIn {
        user: owner.user.clone(),
        group: owner.group.clone(),
        session: None,
        oauth: None,
        credential: Some(
            Credential::new(
                CredentialKind::S3Key,
                key.id,
                format!("{} ({})", key.name, key.access_key_id),
            )
            .within(reach),
        ),
        stopped: None,
    });
    let caller = Caller::User(me.clone());
    if !crate::boolset::Boolset::from_bytes(group.permissions).enabled(group_perm::S3) {
        return Err(s3_error!(
            AccessDenied,
            "the key owner's group cannot use the S3 endpoint"
        ));
    }
    let (db, key_row) = (state.db.clone(), key.clone());
    tokio::spawn(async move {
        if let Err(e) = s3_key::touch(&db, &key_row, chrono::Utc::now()).await {
            tracing::debug!(error = %e, "could not record an S3 key's use");
        }
    });
    let stopped = crate::guard::stopped(state, &me).await;
    Ok(Access {
        state: state.clone(),
        caller,
        me,
        root,
        readonly: key.readonly,
        stopped,
    })
}
