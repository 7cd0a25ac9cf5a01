//! What an `s3` storage policy row says about its bucket (spec §8.1, §8.3), and the
//! `object_store` clients built from it.

use std::time::Duration;

use object_store::{
    ClientOptions, RetryConfig,
    aws::{AmazonS3, AmazonS3Builder},
};
use serde_json::Value;
use stratus_entity::storage_policy::{self, kind};
use url::Url;

use crate::storage::{StorageError, registry::setting_bool};

/// Region used when the policy names none (what AWS SDKs assume too).
pub const DEFAULT_REGION: &str = "us-east-1";

/// A request to the provider gives up after this long, retries included, so a dead endpoint
/// fails the user's request instead of hanging it.
const RETRY_TIMEOUT: Duration = Duration::from_secs(30);

/// The connection settings of an S3-compatible bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// Endpoint the server talks to (`settings.server_side_endpoint`, else `server`); empty
    /// means AWS's endpoint for the region.
    pub endpoint: String,
    /// Endpoint presigned URLs point at (`server`): what browsers and WebDAV clients reach,
    /// which may differ from the server's own route to the bucket.
    pub public_endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    /// `settings.s3_path_style`: `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>`.
    pub path_style: bool,
    /// `settings.internal_proxy`: downloads go through Stratus, never to a presigned URL.
    pub internal_proxy: bool,
    /// `settings.use_cname` of OSS: `public_endpoint` is a domain bound to the bucket, so
    /// client URLs carry no bucket name.
    pub cname: bool,
    /// The bucket calls the server back once a client completed a multipart upload whose
    /// completion URL names a callback (OSS).
    pub calls_back: bool,
    /// Part size of the multipart uploads the server streams: `settings.chunk_size`, within
    /// [`super::MIN_STREAM_PART`] (S3's least) and [`super::MAX_STREAM_PART`] (a bound on
    /// memory); [`super::PART_SIZE`] when unset.
    pub part_size: usize,
}

impl S3Config {
    /// Reads the settings of policy `policy`; a policy without a bucket is refused.
    pub fn from_policy(policy: &storage_policy::Model) -> Result<Self, StorageError> {
        if policy.bucket_name.trim().is_empty() {
            return Err(StorageError::Other(format!(
                "storage policy {} has no bucket name",
                policy.id
            )));
        }
        let settings = &policy.settings;
        let public_endpoint = policy.server.trim().trim_end_matches('/').to_owned();
        let endpoint = match setting_str(settings, "server_side_endpoint") {
            Some(own) => own.trim_end_matches('/').to_owned(),
            None => public_endpoint.clone(),
        };
        let mut config = Self {
            endpoint,
            public_endpoint,
            bucket: policy.bucket_name.trim().to_owned(),
            region: setting_str(settings, "region")
                .unwrap_or(DEFAULT_REGION)
                .to_owned(),
            access_key: policy.access_key.clone(),
            secret_key: policy.secret_key.clone(),
            path_style: setting_bool(settings, "s3_path_style"),
            internal_proxy: setting_bool(settings, "internal_proxy"),
            cname: false,
            calls_back: false,
            part_size: part_size(settings),
        };
        if policy.r#type == kind::OSS {
            super::oss::apply(&mut config, policy);
        }
        Ok(config)
    }

    /// The client for the server's own requests.
    pub fn client(&self) -> Result<AmazonS3, StorageError> {
        self.build(&self.endpoint)
    }

    /// The client that signs URLs for others: the same credentials on the public endpoint.
    pub fn signer(&self) -> Result<AmazonS3, StorageError> {
        if self.cname && !self.public_endpoint.is_empty() {
            // The domain is the bucket's own: object_store takes a virtual-hosted endpoint
            // as the bucket's URL.
            return self
                .builder(&self.public_endpoint)
                .with_endpoint(&self.public_endpoint)
                .with_virtual_hosted_style_request(true)
                .build()
                .map_err(|e| self.invalid(&e));
        }
        self.build(&self.public_endpoint)
    }

    /// The URL of the bucket itself (no key) on the server's own endpoint, path-style or
    /// virtual-hosted as the policy says; AWS's regional endpoint when none is set.
    pub fn bucket_url(&self) -> Result<String, StorageError> {
        let endpoint = if self.endpoint.is_empty() {
            format!("https://s3.{}.amazonaws.com", self.region)
        } else {
            self.endpoint.clone()
        };
        if self.path_style {
            Ok(format!("{endpoint}/{}", self.bucket))
        } else {
            bucket_host(&endpoint, &self.bucket).map_err(|e| {
                StorageError::Other(format!("S3 settings of bucket {:?}: {e}", self.bucket))
            })
        }
    }

    fn invalid(&self, e: &dyn std::fmt::Display) -> StorageError {
        StorageError::Other(format!("S3 settings of bucket {:?}: {e}", self.bucket))
    }

    /// The client settings shared by every endpoint, for requests to `endpoint`.
    fn builder(&self, endpoint: &str) -> AmazonS3Builder {
        AmazonS3Builder::new()
            .with_bucket_name(&self.bucket)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key)
            .with_secret_access_key(&self.secret_key)
            .with_virtual_hosted_style_request(!self.path_style)
            .with_client_options(
                ClientOptions::new().with_allow_http(endpoint.starts_with("http://")),
            )
            .with_retry(RetryConfig {
                retry_timeout: RETRY_TIMEOUT,
                max_retries: 3,
                ..RetryConfig::default()
            })
    }

    fn build(&self, endpoint: &str) -> Result<AmazonS3, StorageError> {
        let mut builder = self.builder(endpoint);
        if !endpoint.is_empty() {
            let endpoint = if self.path_style {
                endpoint.to_owned()
            } else {
                bucket_host(endpoint, &self.bucket).map_err(|e| self.invalid(&e))?
            };
            builder = builder.with_endpoint(endpoint);
        }
        builder.build().map_err(|e| self.invalid(&e))
    }
}

/// The virtual-hosted endpoint of `bucket` at `endpoint`: the bucket becomes the first label
/// of the host (`https://s3.example.com` → `https://photos.s3.example.com`), as AWS SDKs do.
fn bucket_host(endpoint: &str, bucket: &str) -> Result<String, String> {
    let mut url = Url::parse(endpoint).map_err(|e| format!("endpoint {endpoint:?}: {e}"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("endpoint {endpoint:?} has no host"))?
        .to_owned();
    url.set_host(Some(&format!("{bucket}.{host}")))
        .map_err(|e| format!("endpoint {endpoint:?} with bucket {bucket:?}: {e}"))?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A non-empty string setting.
/// The part size `settings` ask for, within the bounds a streamed upload keeps.
fn part_size(settings: &Value) -> usize {
    match settings.get("chunk_size").and_then(Value::as_u64) {
        Some(wanted) if wanted > 0 => usize::try_from(wanted)
            .unwrap_or(usize::MAX)
            .clamp(super::MIN_STREAM_PART, super::MAX_STREAM_PART),
        _ => super::PART_SIZE,
    }
}

pub(super) fn setting_str<'a>(settings: &'a Value, key: &str) -> Option<&'a str> {
    settings
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn policy(server: &str, settings: Value) -> storage_policy::Model {
        storage_policy::Model {
            id: 3,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
            name: "s3".into(),
            r#type: "s3".into(),
            server: server.into(),
            bucket_name: "photos".into(),
            is_private: true,
            access_key: "AK".into(),
            secret_key: "SK".into(),
            max_size: 0,
            dir_name_rule: String::new(),
            file_name_rule: String::new(),
            settings,
            node_id: None,
        }
    }

    #[test]
    fn settings_are_read_from_the_policy() {
        let config = S3Config::from_policy(&policy(
            "https://s3.example.com/",
            json!({"region": "eu-west-3", "s3_path_style": true,
                   "server_side_endpoint": "http://10.0.0.5:9000"}),
        ))
        .unwrap();
        assert_eq!(config.endpoint, "http://10.0.0.5:9000");
        assert_eq!(config.public_endpoint, "https://s3.example.com");
        assert_eq!(config.region, "eu-west-3");
        assert!(config.path_style && !config.internal_proxy);

        let config = S3Config::from_policy(&policy("", json!({}))).unwrap();
        assert_eq!(config.region, DEFAULT_REGION);
        assert_eq!(config.endpoint, "");
        assert!(!config.path_style);

        let mut no_bucket = policy("", json!({}));
        no_bucket.bucket_name = " ".into();
        assert!(S3Config::from_policy(&no_bucket).is_err());
    }

    #[test]
    fn virtual_hosted_endpoints_carry_the_bucket_in_the_host() {
        assert_eq!(
            bucket_host("https://s3.example.com", "photos").unwrap(),
            "https://photos.s3.example.com"
        );
        assert_eq!(
            bucket_host("http://minio.lan:9000/", "b").unwrap(),
            "http://b.minio.lan:9000"
        );
        assert!(bucket_host("not a url", "b").is_err());
    }
}
