//! Who an S3 request acts as. s3s verifies the signature with the secret [`Keys`] finds by
//! access key id (a deleted key is refused at once: `auth::s3_key` forgets it); [`of`] then
//! has the door (`door::s3`) turn the verified key into its owner, as they are now, and the
//! folder the key sees, and answers a refusal as an S3 error.

use std::sync::Arc;

use s3s::{S3Request, S3Result, auth::SecretKey, s3_error};

use super::error::internal;
use crate::{
    auth::s3_key,
    door::{Caller, Refusal, SignedIn},
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

/// The owner and folder of the key that signed `req`, let in by the door (`door::s3`).
pub async fn of<T>(state: &AppState, req: &S3Request<T>) -> S3Result<Access> {
    let Some(credentials) = &req.credentials else {
        return Err(s3_error!(AccessDenied, "sign the request with an S3 key"));
    };
    let (me, root) = crate::door::s3::admit(state, &credentials.access_key)
        .await
        .map_err(refused)?;
    let readonly = me.reach().read_only;
    let stopped = me.stopped.clone();
    Ok(Access {
        state: state.clone(),
        caller: Caller::User(me.clone()),
        me,
        root,
        readonly,
        stopped,
    })
}

/// The S3 error of a refused key. S3 has no 401: a key that no longer signs in at all (its
/// owner banned, not activated or gone) is `InvalidAccessKeyId`, as AWS answers for a
/// deactivated key and as a deleted key answers here, so a client tells "this key is dead"
/// (the other doors' 401) from `AccessDenied`, a live key refused this operation (its
/// group lost the right, its folder is gone, it is read-only). `failures` does not count
/// it as a guessed signature: the key exists and its signature was right.
fn refused(refusal: Refusal) -> s3s::S3Error {
    match refusal {
        Refusal::Unknown => s3_error!(InvalidAccessKeyId),
        Refusal::NotAllowed(why) => s3_error!(AccessDenied, "{why}"),
        Refusal::Db(e) => internal(e),
        _ => s3_error!(InvalidAccessKeyId, "the key's owner cannot sign in"),
    }
}
