//! Checking a storage policy before it is saved, for the admin routes and the `add-s3-policy`
//! command alike: its fields and settings per type ([`check`]), then a real round trip
//! through a driver built from it ([`probe`]): a small object is written, read back, compared
//! and deleted. A failure reports the driver's own words, so a wrong key or endpoint is seen
//! before users upload anything.

use serde_json::Value;
use stratus_entity::storage_policy::{self, kind};

use super::AdminError;
use crate::{
    state::AppState,
    storage::{self, keys},
};

/// Policy types Stratus has a driver for.
pub const SUPPORTED_TYPES: &[&str] = &[kind::LOCAL, kind::S3, kind::OSS, kind::REMOTE];

/// Settings that hold a boolean.
const BOOLEANS: &[&str] = &[
    "custom_proxy",
    "internal_proxy",
    "s3_path_style",
    "thumb_support_all_exts",
    "relay",
    "pre_allocate",
    "media_meta_generator_proxy",
    "thumb_generator_proxy",
    "native_media_processing",
    "stream_saver",
    "use_cname",
    "source_auth",
    "is_file_type_deny_list",
    "is_name_regexp_deny_list",
];
/// Settings that hold a whole number, 0 or more.
const NUMBERS: &[&str] = &[
    "chunk_size",
    "tps_limit",
    "tps_limit_burst",
    "thumb_max_size",
    "s3_delete_batch_size",
    "chunk_concurrency",
];
/// Settings that hold a list of strings.
const LISTS: &[&str] = &["file_type", "thumb_exts", "media_meta_exts"];
/// Settings that hold text.
const TEXTS: &[&str] = &[
    "region",
    "server_side_endpoint",
    "proxy_server",
    "od_redirect",
    "od_driver",
    "token",
    "file_regexp",
];
/// Largest upload chunk a policy may ask for.
const MAX_CHUNK: i64 = 5 << 30;
/// Most chunks a client may be told to send at once.
const MAX_CONCURRENCY: i64 = 32;

/// Checks every field of `policy` for its type; the error names the field.
pub fn check(policy: &storage_policy::Model) -> Result<(), AdminError> {
    let invalid = |msg: String| Err(AdminError::Invalid(msg));
    let name = policy.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return invalid("name: must be 1 to 255 characters".into());
    }
    if !SUPPORTED_TYPES.contains(&policy.r#type.as_str()) {
        return Err(AdminError::Unsupported(format!(
            "type: Stratus has no driver for {:?} storage policies (supported: {})",
            policy.r#type,
            SUPPORTED_TYPES.join(", ")
        )));
    }
    if policy.max_size < 0 {
        return invalid("max_size: must not be negative".into());
    }
    if policy.file_name_rule.trim().is_empty() {
        return invalid("file_name_rule: must not be empty".into());
    }
    let sample = keys::KeyContext::new(1, "folder", "name.txt");
    if let Err(e) = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &sample) {
        return invalid(format!("dir_name_rule / file_name_rule: {e}"));
    }
    check_settings(&policy.settings)?;
    if matches!(policy.r#type.as_str(), kind::S3 | kind::OSS) {
        check_s3(policy)?;
    }
    if policy.r#type == kind::REMOTE && policy.node_id.is_none_or(|id| id <= 0) {
        return invalid("node_id: a remote policy needs the slave node holding its files".into());
    }
    Ok(())
}

fn check_settings(settings: &Value) -> Result<(), AdminError> {
    let Some(map) = settings.as_object() else {
        return Err(AdminError::invalid("settings: must be an object"));
    };
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let ok = if BOOLEANS.contains(&key.as_str()) {
            value.is_boolean()
        } else if NUMBERS.contains(&key.as_str()) {
            value.as_i64().is_some_and(|n| n >= 0)
        } else if LISTS.contains(&key.as_str()) {
            value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string))
        } else if TEXTS.contains(&key.as_str()) {
            value.is_string()
        } else {
            return Err(AdminError::invalid(format!(
                "settings.{key}: not a storage policy setting"
            )));
        };
        if !ok {
            let what = if BOOLEANS.contains(&key.as_str()) {
                "true or false"
            } else if NUMBERS.contains(&key.as_str()) {
                "a whole number, 0 or more"
            } else if LISTS.contains(&key.as_str()) {
                "a list of strings"
            } else {
                "a string"
            };
            return Err(AdminError::invalid(format!(
                "settings.{key}: must be {what}"
            )));
        }
    }
    if let Some(pattern) = map.get("file_regexp").and_then(Value::as_str)
        && let Err(e) = regex::Regex::new(pattern)
    {
        return Err(AdminError::invalid(format!(
            "settings.file_regexp: not a valid regular expression: {e}"
        )));
    }
    if map
        .get("chunk_concurrency")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > MAX_CONCURRENCY
    {
        return Err(AdminError::invalid(format!(
            "settings.chunk_concurrency: at most {MAX_CONCURRENCY}"
        )));
    }
    if map.get("chunk_size").and_then(Value::as_i64).unwrap_or(0) > MAX_CHUNK {
        return Err(AdminError::invalid("settings.chunk_size: at most 5 GiB"));
    }
    if map.get("custom_proxy").and_then(Value::as_bool) == Some(true) {
        let proxy = map
            .get("proxy_server")
            .and_then(Value::as_str)
            .unwrap_or("");
        if crate::download::proxy::through("https://bucket.invalid/key", proxy).is_none() {
            return Err(AdminError::invalid(
                "settings.proxy_server: must be an http or https URL when custom_proxy is on",
            ));
        }
    }
    Ok(())
}

fn check_s3(policy: &storage_policy::Model) -> Result<(), AdminError> {
    if policy.bucket_name.trim().is_empty() {
        return Err(AdminError::invalid(
            "bucket_name: an s3 policy needs a bucket",
        ));
    }
    if policy.access_key.trim().is_empty() || policy.secret_key.is_empty() {
        return Err(AdminError::invalid(
            "access_key / secret_key: an s3 policy needs both",
        ));
    }
    let endpoints = [
        ("server", policy.server.as_str()),
        (
            "settings.server_side_endpoint",
            policy
                .settings
                .get("server_side_endpoint")
                .and_then(Value::as_str)
                .unwrap_or(""),
        ),
    ];
    let oss = policy.r#type == kind::OSS;
    if oss && policy.server.trim().is_empty() {
        return Err(AdminError::invalid(
            "server: an oss policy needs its endpoint, e.g. oss-cn-hangzhou.aliyuncs.com",
        ));
    }
    for (field, endpoint) in endpoints {
        let endpoint = endpoint.trim();
        if endpoint.is_empty() {
            continue;
        }
        // OSS lists its endpoints without a scheme; HTTPS is meant.
        let endpoint = if oss && !endpoint.contains("://") {
            format!("https://{endpoint}")
        } else {
            endpoint.to_owned()
        };
        match url::Url::parse(&endpoint) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
            _ => {
                return Err(AdminError::invalid(format!(
                    "{field}: {endpoint:?} is not an http or https URL"
                )));
            }
        }
    }
    storage::S3Config::from_policy(policy)
        .and_then(|c| c.client().map(drop))
        .map_err(|e| AdminError::invalid(e.to_string()))
}

/// Writes, reads back and deletes a small object through a fresh driver for `policy`.
pub async fn probe(state: &AppState, policy: &storage_policy::Model) -> Result<(), AdminError> {
    let driver = state
        .storage
        .build(policy)
        .await
        .map_err(|e| AdminError::PolicyTest(e.to_string()))?;
    let key = format!("stratus-probe/{}", uuid::Uuid::new_v4().simple());
    let body = format!("Stratus storage test {key}");
    storage::probe::round_trip(driver.as_ref(), &key, body)
        .await
        .map_err(AdminError::PolicyTest)
}
