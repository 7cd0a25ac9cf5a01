//! The S3 key → caller step. s3s has verified the request's signature with the key's secret
//! (`auth::s3_key::find`); the key's owner is taken as they are now (a banned user or a group
//! without the S3 right is refused), confined to the key's folder and read-only flag, and the
//! key is the credential the guard against mass deletion counts the writes against.

use std::sync::Arc;

use sea_orm::DbErr;

use super::Refusal;
use crate::{
    auth::s3_key,
    boolset::{Boolset, group_perm},
    caller::{Credential, CredentialKind, Reach, SignedIn, ensure_can_sign_in},
    fs::uri::FileUri,
    state::AppState,
};

/// The owner of the key `access_key`, acting through it, and the key's folder (its subfolders
/// are the buckets).
pub async fn admit(
    state: &AppState,
    access_key: &str,
) -> Result<(Arc<SignedIn>, FileUri), Refusal> {
    let found = s3_key::find(state, access_key)
        .await?
        .ok_or(Refusal::Unknown)?;
    let key = &found.key;
    let (user, group) = super::session::user_and_group(state, key.user_id)
        .await?
        .ok_or(Refusal::Revoked)?;
    ensure_can_sign_in(&user)?;
    let group = group.ok_or(Refusal::NotAllowed("the key owner has no group"))?;
    let root = s3_key::folder_uri(state, key)
        .await
        .map_err(|e| Refusal::Db(DbErr::Custom(e.to_string())))?
        .ok_or(Refusal::NotAllowed("the key's folder no longer exists"))?;
    if !Boolset::from_bytes(group.permissions.clone()).enabled(group_perm::S3) {
        return Err(Refusal::NotAllowed(
            "the key owner's group cannot use the S3 endpoint",
        ));
    }
    let reach = Reach {
        root: Some(root.to_string()),
        read_only: key.readonly,
    };
    let credential = Credential::new(
        CredentialKind::S3Key,
        key.id,
        format!("{} ({})", key.name, key.access_key_id),
    )
    .within(reach);
    let me = SignedIn {
        credential: Some(credential),
        ..super::work::acting_as(user, group)
    };
    let (db, key_row) = (state.db.clone(), key.clone());
    tokio::spawn(async move {
        if let Err(e) = s3_key::touch(&db, &key_row, chrono::Utc::now()).await {
            tracing::debug!(error = %e, "could not record an S3 key's use");
        }
    });
    Ok((super::admitted(state, me).await, root))
}
