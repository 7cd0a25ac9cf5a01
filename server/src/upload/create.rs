//! `PUT /file/upload`: opening an upload session.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use rand::{Rng, distr::Alphanumeric};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use stratus_entity::{
    entity, file,
    storage_policy::{self, kind},
    upload_session,
};

use super::{
    DEFAULT_TTL_SECS, LOCK_APP, SESSION_META, SessionProps, UploadError, cancel, chunk_count,
    granted,
    policy::{check_policy, group_policy},
    policy_chunk_size, rows,
};
use crate::{
    auth::caller::SignedIn,
    download::link::EMPTY_ENTITY,
    fs::{
        changes::Change,
        depth,
        error::FsError,
        journal,
        lock::{self, Depth, LockError, LockOwner, LockPath, LockRequest, Scope},
        metadata, path, quota, tx,
        uri::{FileUri, FsKind, validate_name},
    },
    ids::IdKind,
    state::AppState,
    storage::{
        NodeUpload, UploadCredential, keys,
        registry::{direct_uploads, relays_uploads},
    },
};

/// What the client asks for.
#[derive(Debug, Clone)]
pub struct CreateParams {
    pub uri: FileUri,
    pub size: i64,
    pub last_modified: Option<i64>,
    pub mime_type: Option<String>,
    /// Policy hashid sent by the client (must decode when not empty; the group's policy is
    /// used).
    pub policy_id: String,
    /// Entity hashid of the version the client last saw (`entity_type: "version"` only):
    /// the upload is refused when the file's current version is another one.
    pub previous: Option<String>,
    pub metadata: Vec<(String, String)>,
    /// `entity_type: "version"`: add a version to an existing file.
    pub version: bool,
    /// `entity_type: "live_photo"`: attach the motion part of an existing picture
    /// ([`super::live_photo`]).
    pub live_photo: bool,
}

/// A new session.
pub struct Created {
    pub row: upload_session::Model,
    pub props: SessionProps,
    pub policy: storage_policy::Model,
    pub credential: UploadCredential,
}

/// Opens an upload session for `me`, or, into a folder another user granted `me` write
/// access to, for that owner with `me` as its uploader ([`granted`]).
pub async fn create(
    state: &AppState,
    me: &SignedIn,
    params: CreateParams,
) -> Result<Created, UploadError> {
    let Some(acting) = granted::acting(state, me, &params.uri.without_query()).await? else {
        return create_as(state, me, params, None).await;
    };
    let params = CreateParams {
        uri: acting.uri.clone(),
        ..params
    };
    let uploader = (me.user.id, acting.folder.clone());
    create_as(state, &acting.owner, params, Some(uploader)).await
}

/// Opens an upload session in `me`'s tree; `uploader` is the recipient who drives it, and
/// their URI of the folder, when it goes into a granted folder.
async fn create_as(
    state: &AppState,
    me: &SignedIn,
    params: CreateParams,
    uploader: Option<(i64, String)>,
) -> Result<Created, UploadError> {
    let owner = me.user.id;
    let (uri, name, policy) = check_request(state, me, &params).await?;
    let uri_text = uri.to_string();
    drop_expired(state, owner, &uri_text).await?;

    let ttl = state
        .settings
        .int("upload_session_timeout", DEFAULT_TTL_SECS)
        .await?
        .max(1);
    let chunk_size = policy_chunk_size(&policy);
    let parent_path = uri.segments()[..uri.segments().len() - 1].join("/");
    let ctx = keys::KeyContext::new(owner, parent_path, name.clone());
    let key = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &ctx)?;

    let root = path::root(state, owner).await?;
    let mut props = new_props(&params, &key, chunk_size);
    if let Some((id, folder)) = uploader {
        props.uploader = Some(id);
        props.granted_folder = Some(folder);
    }
    let plan = Plan {
        me,
        uri: &uri,
        uri_text,
        name: &name,
        policy_id: policy.id,
        session_id: uuid::Uuid::new_v4().to_string(),
        size: params.size,
        chunk_size,
        ttl,
        version: params.version,
        live_photo: params.live_photo,
        previous: previous_entity(state, &params)?,
    };
    if params.version {
        watch_overwrite(state, me, &uri).await?;
    }
    let row = store_session(state, &plan, root, &mut props).await?;
    let upload = Upload {
        session_id: &row.session_id,
        callback_secret: &props.callback_secret,
        key: &key,
        size: params.size,
        chunk_size,
        ttl,
    };
    let begun = match begin_upload(state, &policy, &upload).await {
        Ok(credential) => record_direct(state, row.clone(), &mut props, &credential)
            .await
            .map(|row| (row, credential)),
        Err(err) => Err(err),
    };
    match begun {
        Ok((row, credential)) => Ok(Created {
            row,
            props,
            policy: (*policy).clone(),
            credential,
        }),
        Err(err) => {
            // The reservation, the placeholder and the lock go with the session; the driver
            // leaves nothing behind when it fails.
            if let Err(e) = cancel::discard(state, &row).await {
                tracing::warn!(session = %row.session_id, error = %e, "could not drop a session whose upload could not begin");
            }
            Err(err)
        }
    }
}

/// A new version over a file is an overwrite the guard against mass deletion counts.
async fn watch_overwrite(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
) -> Result<(), UploadError> {
    if let Some(file) = super::stream::replaced_file(state, me, uri).await? {
        let mut change = crate::fs::watch::Change::new(
            crate::fs::watch::Action::Overwrite,
            file.id,
            uri.to_string(),
        );
        change.previous_entity = file.primary_entity;
        crate::fs::watch::before(state, me, change).await?;
    }
    Ok(())
}

/// The props of a new session: no chunk received yet, the whole size reserved, and a fresh
/// secret for the storage provider's callback.
fn new_props(params: &CreateParams, key: &str, chunk_size: i64) -> SessionProps {
    SessionProps {
        key: key.to_owned(),
        received: "0".repeat(chunk_count(params.size, chunk_size) as usize),
        callback_secret: rand::rng()
            .sample_iter(Alphanumeric)
            .take(32)
            .map(char::from)
            .collect(),
        lock_token: String::new(),
        version: false,
        live_photo: false,
        reserved: params.size,
        last_modified: params.last_modified,
        mime_type: params.mime_type.clone(),
        metadata: params.metadata.clone(),
        upload_id: None,
        uploader: None,
        granted_folder: None,
    }
}

/// Stores what a direct upload adds to its session: the provider's upload id (so that any
/// instance can abort it) and the part size the driver chose. When that fails, the upload
/// is aborted at the provider.
async fn record_direct(
    state: &AppState,
    row: upload_session::Model,
    props: &mut SessionProps,
    credential: &UploadCredential,
) -> Result<upload_session::Model, UploadError> {
    let (chunk_size, upload_id) = match credential {
        UploadCredential::Presigned {
            chunk_size,
            upload_id,
            ..
        } => (chunk_size, upload_id.clone()),
        // The node's session has the upload session's id.
        UploadCredential::Remote { chunk_size, .. } => (chunk_size, row.session_id.clone()),
        UploadCredential::Relay { .. } => return Ok(row),
    };
    let upload_id = &upload_id;
    // From here until the row holds the id, only the journal knows the bucket's upload.
    let journaled = matches!(credential, UploadCredential::Presigned { .. }).then(|| {
        state
            .pending
            .after_upload_opened(row.storage_policy_id, &props.key, upload_id)
    });
    props.upload_id = Some(upload_id.clone());
    props.received = "0".repeat(chunk_count(row.size, *chunk_size as i64) as usize);
    let (owner, policy_id) = (row.user_id, row.storage_policy_id);
    let mut active = row.into_active_model();
    active.chunk_size = Set(*chunk_size as i64);
    active.props = Set(props.to_json());
    let stored = async {
        let txn = tx::begin(&state.db, owner).await?;
        let row = active.update(&txn).await?;
        txn.commit().await?;
        Ok::<_, UploadError>(row)
    }
    .await;
    match &stored {
        Ok(_) => journaled.into_iter().for_each(|j| j.settle()),
        // Left open when the abort fails too: the next start tries again.
        Err(_) => cancel::discard_direct(state, policy_id, &props.key, upload_id).await,
    }
    stored
}

/// The checks that need no transaction: the target (a `my` URI of the caller with a valid
/// name), the fields, the group's policy and a first look at the quota. Returns the target
/// without query, its name and the policy.
async fn check_request(
    state: &AppState,
    me: &SignedIn,
    params: &CreateParams,
) -> Result<(FileUri, String, Arc<storage_policy::Model>), UploadError> {
    let owner = me.user.id;
    let uri = params.uri.without_query();
    if uri.fs != FsKind::My {
        return Err(FsError::NoPermission("uploads go to your own files").into());
    }
    if let Some(id) = uri.id.as_deref().filter(|id| !id.is_empty())
        && state.ids.decode(id, IdKind::User).ok() != Some(owner)
    {
        return Err(FsError::NoPermission("you cannot access another user's files").into());
    }
    let name = uri.name().ok_or(FsError::RootProtected)?.to_owned();
    validate_name(&name)?;
    depth::check_new(state, &uri).await?;
    if params.size < 0 {
        return Err(UploadError::Invalid("size: must be at least 0".into()));
    }
    if !params.policy_id.is_empty() {
        state
            .ids
            .decode(&params.policy_id, IdKind::Policy)
            .map_err(|_| UploadError::Invalid("policy_id: not a policy id".into()))?;
    }
    previous_entity(state, params)?;
    if !params.metadata.is_empty() {
        metadata::Rules::load(state)
            .await?
            .check_all(&params.metadata)?;
    }
    let policy = group_policy(state, me).await?;
    check_policy(&policy, &name, params.size)?;
    // Checked again when the size is charged; refusing here keeps an absurd size (up to
    // `i64::MAX`) away from the arithmetic below.
    if me.user.storage.saturating_add(params.size) > me.group.max_storage {
        return Err(FsError::InsufficientCapacity.into());
    }
    Ok((uri, name, policy))
}

/// The entity id `previous` names, when given; undecodable is a parameter error.
fn previous_entity(state: &AppState, params: &CreateParams) -> Result<Option<i64>, UploadError> {
    match params.previous.as_deref().filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => state
            .ids
            .decode(p, IdKind::Entity)
            .map(Some)
            .map_err(|_| UploadError::Invalid("previous: not an entity id".into())),
    }
}

/// Cleans up a session left behind for this path past its expiry; a live one refuses.
async fn drop_expired(state: &AppState, owner: i64, uri: &str) -> Result<(), UploadError> {
    let stale = upload_session::Entity::find()
        .filter(upload_session::Column::UserId.eq(owner))
        .filter(upload_session::Column::Uri.eq(uri))
        .all(&state.db)
        .await?;
    for row in stale {
        if row.expires_at > Utc::now() {
            return Err(UploadError::UploadOngoing);
        }
        cancel::discard(state, &row).await?;
    }
    Ok(())
}

/// What [`store_session`] writes.
struct Plan<'a> {
    me: &'a SignedIn,
    uri: &'a FileUri,
    uri_text: String,
    name: &'a str,
    policy_id: i64,
    session_id: String,
    size: i64,
    chunk_size: i64,
    ttl: i64,
    /// A new version of the file at the target rather than a new file.
    version: bool,
    /// The live photo of the picture at the target.
    live_photo: bool,
    /// The entity the client expects to be the file's current version.
    previous: Option<i64>,
}

/// Every check that can refuse the session, in one owner transaction that also reserves the
/// size, takes the upload lock and stores the session: only then does the driver allocate
/// anything. `root` is the owner's root folder. Fills in `props.version` and
/// `props.lock_token`.
async fn store_session(
    state: &AppState,
    plan: &Plan<'_>,
    root: file::Model,
    props: &mut SessionProps,
) -> Result<upload_session::Model, UploadError> {
    let owner = plan.me.user.id;
    let txn = tx::begin(&state.db, owner).await?;
    // Re-checked under the owner's write lock: a racing request for the same path sees the
    // first one's session.
    if live_upload(&txn, owner, &plan.uri_text).await? {
        return Err(UploadError::UploadOngoing);
    }
    let mut changes = Vec::new();
    let parent = rows::ensure_parents(&txn, owner, vec![root], plan.uri, &mut changes).await?;
    let (file_id, version) = target_file(&txn, plan, parent, &mut changes).await?;
    props.version = version;
    props.live_photo = plan.live_photo;
    quota::charge(&txn, owner, plan.size, plan.me.group.max_storage).await?;
    let lock = lock::acquire(
        &txn,
        LockRequest {
            owner_id: owner,
            path: LockPath::from_segments(plan.uri.segments())
                .map_err(|e| UploadError::Invalid(e.0))?,
            scope: Scope::Exclusive,
            depth: Depth::Zero,
            timeout: Duration::from_secs(plan.ttl as u64),
            owner_info: Some(LockOwner::app(LOCK_APP).to_owner_info()),
            file_id: Some(file_id),
        },
    )
    .await
    .map_err(lock_conflict)?;
    props.lock_token = lock.token;
    let row = insert_session(&txn, plan, file_id, props).await?;
    journal::record(&txn, &changes).await?;
    txn.commit().await?;
    Ok(row)
}

/// The file the upload completes, and whether it gets a new version: the existing file when
/// a version was asked for, else a new placeholder (an existing object is a name clash).
async fn target_file(
    txn: &DatabaseTransaction,
    plan: &Plan<'_>,
    parent: i64,
    changes: &mut Vec<Change>,
) -> Result<(i64, bool), UploadError> {
    let owner = plan.me.user.id;
    if plan.live_photo {
        return Ok((
            super::live_photo::target(txn, parent, plan.name).await?,
            false,
        ));
    }
    match path::child(txn, parent, plan.name).await? {
        Some(existing) if plan.version => {
            if existing.r#type != file::kind::FILE || existing.is_symbolic {
                return Err(FsError::Exists(plan.name.to_owned()).into());
            }
            // Checked under the owner's lock: a version uploaded meanwhile makes it stale.
            if let Some(previous) = plan.previous
                && existing.primary_entity.unwrap_or(EMPTY_ENTITY) != previous
            {
                return Err(UploadError::StaleVersion);
            }
            Ok((existing.id, true))
        }
        Some(_) => Err(FsError::Exists(plan.name.to_owned()).into()),
        None => {
            let placeholder =
                rows::insert_file(txn, owner, parent, plan.name, plan.policy_id, None).await?;
            metadata::upsert(txn, placeholder.id, SESSION_META, &plan.session_id, false).await?;
            changes.push(journal::created(&placeholder, plan.uri));
            Ok((placeholder.id, false))
        }
    }
}

/// The entity the upload fills and the session row.
async fn insert_session(
    txn: &DatabaseTransaction,
    plan: &Plan<'_>,
    file_id: i64,
    props: &SessionProps,
) -> Result<upload_session::Model, UploadError> {
    let owner = plan.me.user.id;
    let now = Utc::now();
    let blob = entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(if plan.live_photo {
            entity::kind::LIVE_PHOTO
        } else {
            entity::kind::VERSION
        }),
        source: Set(props.key.clone()),
        size: Set(0),
        reference_count: Set(1),
        storage_policy_id: Set(plan.policy_id),
        // Who changed the file: the recipient who uploads into a granted folder, else the owner.
        created_by: Set(Some(props.uploader.unwrap_or(owner))),
        upload_session_id: Set(Some(plan.session_id.clone())),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(upload_session::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        session_id: Set(plan.session_id.clone()),
        user_id: Set(owner),
        file_id: Set(Some(file_id)),
        entity_id: Set(Some(blob.id)),
        uri: Set(plan.uri_text.clone()),
        size: Set(plan.size),
        chunk_size: Set(plan.chunk_size),
        storage_policy_id: Set(plan.policy_id),
        props: Set(props.to_json()),
        expires_at: Set(now + chrono::Duration::seconds(plan.ttl)),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// What the driver is asked to prepare.
struct Upload<'a> {
    session_id: &'a str,
    callback_secret: &'a str,
    key: &'a str,
    size: i64,
    chunk_size: i64,
    ttl: i64,
}

/// Has the policy's driver prepare the upload: a local policy with `pre_allocate` reserves
/// the space here; a bucket taking direct uploads opens the multipart upload and signs its
/// URLs for the session's lifetime (`ttl` seconds); a slave node opens the session the
/// client sends its chunks to, which calls back `/callback/remote/<session>/<secret>`.
async fn begin_upload(
    state: &AppState,
    policy: &storage_policy::Model,
    upload: &Upload<'_>,
) -> Result<UploadCredential, UploadError> {
    let driver = state.storage.driver(policy.id).await?;
    let (key, size, chunk_size) = (upload.key, upload.size as u64, upload.chunk_size as u64);
    let ttl = Duration::from_secs(upload.ttl as u64);
    if direct_uploads(policy) {
        // A bucket that calls back itself (OSS) is given the same callback the client can
        // call; without a site URL only the client's call finishes the upload.
        let callback = match super::direct::master_base(state).await {
            Ok(base) => Some(format!(
                "{base}/api/v4/callback/{}/{}/{}",
                policy.r#type, upload.session_id, upload.callback_secret
            )),
            Err(UploadError::NotThisWay(_)) => None,
            Err(e) => return Err(e),
        };
        return Ok(driver
            .begin_direct_upload(key, size, chunk_size, ttl, callback.as_deref())
            .await?);
    }
    if policy.r#type == kind::REMOTE && !relays_uploads(policy) {
        let base = super::direct::master_base(state).await?;
        let callback = format!(
            "{base}/api/v4/callback/remote/{}/{}",
            upload.session_id, upload.callback_secret
        );
        let node_upload = NodeUpload {
            session_id: upload.session_id,
            key,
            size,
            chunk_size,
            ttl,
            callback: &callback,
        };
        return Ok(driver.begin_node_upload(&node_upload).await?);
    }
    Ok(driver.begin_upload(key, size, chunk_size).await?)
}

async fn live_upload(
    txn: &DatabaseTransaction,
    owner: i64,
    uri: &str,
) -> Result<bool, UploadError> {
    Ok(upload_session::Entity::find()
        .filter(upload_session::Column::UserId.eq(owner))
        .filter(upload_session::Column::Uri.eq(uri))
        .filter(upload_session::Column::ExpiresAt.gt(Utc::now()))
        .one(txn)
        .await?
        .is_some())
}

/// An upload lock on the path means the same file is being uploaded; any other lock is a
/// plain lock conflict.
fn lock_conflict(err: LockError) -> UploadError {
    match &err {
        LockError::Conflict(locks)
            if locks.iter().any(|l| l.owner().application.kind == LOCK_APP) =>
        {
            UploadError::UploadOngoing
        }
        _ => err.into(),
    }
}
