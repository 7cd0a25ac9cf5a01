//! Adding an `s3` storage policy (the `add-s3-policy` command): the policy is checked and the
//! bucket tested with a real write, read and delete (`admin::policy_check`, as for a policy
//! made through the admin API) before the row is stored, so a typo in a key or an endpoint
//! never reaches users.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, TransactionTrait};
use serde_json::{Value, json};
use stratus_entity::{group, storage_policy};

use crate::state::AppState;

/// Where new files go in the bucket, as Cloudreve names them: one folder per user and path.
pub const DIR_RULE: &str = "uploads/{uid}/{path}";
pub const FILE_RULE: &str = "{uid}_{randomkey8}_{originname}";
/// Upload chunk size of a new policy (Cloudreve's default).
pub const CHUNK_SIZE: i64 = 25 << 20;

/// What `add-s3-policy` is told (its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct NewS3Policy {
    #[arg(long)]
    pub name: String,
    /// Endpoint clients can reach, e.g. https://s3.eu-west-3.amazonaws.com (empty: AWS).
    #[arg(long, default_value = "")]
    pub endpoint: String,
    #[arg(long)]
    pub bucket: String,
    #[arg(long)]
    pub access_key: String,
    /// Secret key; from the environment, it stays out of the shell history.
    #[arg(long, env = "STRATUS_S3_SECRET_KEY", hide_env_values = true)]
    pub secret_key: String,
    #[arg(long, default_value = crate::storage::s3::DEFAULT_REGION)]
    pub region: String,
    /// `<endpoint>/<bucket>/<key>` addressing (MinIO and most self-hosted servers).
    #[arg(long)]
    pub path_style: bool,
    /// Endpoint Stratus itself uses, when it differs from --endpoint.
    #[arg(long)]
    pub server_side_endpoint: Option<String>,
    /// Serve every download through Stratus instead of presigned bucket URLs.
    #[arg(long)]
    pub internal_proxy: bool,
    /// Hand presigned download URLs out through this CDN or reverse proxy: its scheme and host
    /// replace the bucket's, its path goes first.
    #[arg(long)]
    pub proxy_server: Option<String>,
    /// Do not make thumbnails of pictures in the bucket (S3 has no thumbnail service of its
    /// own, so by default Stratus reads the pictures and makes them).
    #[arg(long = "no-thumbnails", action = clap::ArgAction::SetFalse)]
    pub thumbnails: bool,
    /// Make it the storage policy of this group.
    #[arg(long)]
    pub group: Option<i64>,
}

/// Checks the policy and tests the bucket (writes, reads and removes a small object), then stores the policy and, when
/// asked, makes it the group's policy, in one transaction.
pub async fn add(state: &AppState, input: &NewS3Policy) -> anyhow::Result<storage_policy::Model> {
    let mut settings = json!({
        "region": input.region,
        "s3_path_style": input.path_style,
        "internal_proxy": input.internal_proxy,
        "chunk_size": CHUNK_SIZE,
        "thumb_generator_proxy": input.thumbnails,
    });
    if let Some(own) = input
        .server_side_endpoint
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        settings["server_side_endpoint"] = Value::from(own);
    }
    if let Some(proxy) = input.proxy_server.as_deref().filter(|s| !s.is_empty()) {
        // Said here in the flag's own words; the shared check below says it in the setting's.
        anyhow::ensure!(
            crate::download::proxy::through("https://bucket.invalid/key", proxy).is_some(),
            "--proxy-server must be an http or https URL"
        );
        settings["custom_proxy"] = Value::from(true);
        settings["proxy_server"] = Value::from(proxy);
    }
    let row = storage_policy::Model {
        name: input.name.trim().to_owned(),
        r#type: storage_policy::kind::S3.into(),
        server: input.endpoint.trim().to_owned(),
        bucket_name: input.bucket.trim().to_owned(),
        access_key: input.access_key.clone(),
        secret_key: input.secret_key.clone(),
        dir_name_rule: DIR_RULE.into(),
        file_name_rule: FILE_RULE.into(),
        settings,
        ..super::policies::blank()
    };
    // The same checks and storage test as a policy made through the admin API.
    super::policy_check::check(&row)?;
    super::policy_check::probe(state, &row)
        .await
        .map_err(|e| anyhow::anyhow!("the bucket failed a test write, read and delete: {e}"))?;

    let txn = state.db.begin().await?;
    let stored = storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&txn)
    .await?;
    if let Some(group_id) = input.group {
        let g = group::Entity::find_by_id(group_id)
            .one(&txn)
            .await?
            .ok_or_else(|| anyhow::anyhow!("there is no group {group_id}"))?;
        let mut active = g.into_active_model();
        active.storage_policy_id = Set(Some(stored.id));
        active.updated_at = Set(stored.updated_at);
        active.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(stored)
}
