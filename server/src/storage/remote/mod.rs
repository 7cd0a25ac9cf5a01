//! The `remote` driver: blobs live on a slave node (a Stratus started with `--mode slave`),
//! reached over the signed slave routes of [`protocol`] (spec §9). Every call is signed
//! with the node's key and good for [`protocol::TTL_SECS`].
//!
//! Uploads from clients go to the node directly ([`StorageDriver::begin_node_upload`]):
//! the master opens the session on the node and hands the client the node's chunk URL and a
//! credential signed for the session's lifetime; the node calls the master back once the
//! last chunk is in. Downloads are URLs of the node signed with the same key. Bodies are
//! streamed both ways.

pub mod protocol;
mod request;

use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use reqwest::Method;

use self::protocol::{CreateUpload, Object, UploadSession};
use super::{
    ByteRange, ByteStream, Capabilities, GetObject, NodeUpload, ObjectMeta, PresignHeaders,
    StorageDriver, StorageError, ThumbJob, UploadCredential,
};

/// Longest validity of a download URL a node is asked to honour.
pub const PRESIGN_MAX: Duration = Duration::from_secs(7 * 24 * 3600);

/// `key` as a path segment; an empty key (which would leave the segment out) is invalid.
fn segment(key: &str) -> Result<String, StorageError> {
    if key.is_empty() {
        return Err(StorageError::InvalidKey("an empty key".into()));
    }
    Ok(protocol::encode_key(key))
}

/// Talks to one slave node.
#[derive(Clone)]
pub struct RemoteDriver {
    /// The node's base URL, without a trailing `/`.
    base: String,
    /// The node's id on the master (sent as `X-Cr-Node-Id`).
    node_id: i64,
    key: Vec<u8>,
    client: reqwest::Client,
}

impl RemoteDriver {
    /// A driver for the node at `server` sharing `key`.
    pub fn new(server: &str, node_id: i64, key: &str) -> Result<Self, StorageError> {
        let base = server.trim_end_matches('/').to_owned();
        let url = url::Url::parse(&base)
            .map_err(|e| StorageError::Other(format!("node address {server:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(StorageError::Other(format!(
                "node address {server:?}: not http or https"
            )));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| StorageError::Other(format!("HTTP client: {e}")))?;
        Ok(Self {
            base,
            node_id,
            key: key.as_bytes().to_vec(),
            client,
        })
    }

    /// Asks the node to ping `callback` (the master's site URL) back (spec §9.4).
    pub async fn ping(&self, callback: &str) -> Result<(), StorageError> {
        let body = protocol::Ping {
            callback: callback.to_owned(),
        };
        self.json::<_, ()>(Method::POST, "/ping", &body).await?;
        Ok(())
    }

    async fn head_size(&self, key: &str) -> Result<u64, StorageError> {
        Ok(self.head(key).await?.size)
    }

    async fn open_session(&self, session: UploadSession) -> Result<(), StorageError> {
        let body = CreateUpload {
            session,
            overwrite: true,
        };
        self.json::<_, ()>(Method::PUT, "/upload", &body).await?;
        Ok(())
    }

    async fn drop_session(&self, id: &str) -> Result<(), StorageError> {
        self.json::<_, ()>(Method::DELETE, &format!("/upload/{id}"), &())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl StorageDriver for RemoteDriver {
    async fn put(
        &self,
        key: &str,
        body: ByteStream,
        size: Option<u64>,
    ) -> Result<(), StorageError> {
        let path = format!("/file/put/{}", segment(key)?);
        self.stream_in(&path, body, size).await
    }

    async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<GetObject, StorageError> {
        self.get_object(key, range).await
    }

    async fn head(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        let object: Object = self
            .json(Method::POST, "/file/head", &protocol::KeyBody::new(key))
            .await?
            .ok_or_else(|| StorageError::Other("the node answered no object".into()))?;
        Ok(ObjectMeta {
            key: key.to_owned(),
            size: object.size,
            modified: object.modified,
        })
    }

    async fn delete(&self, keys: &[String]) -> Result<Vec<(String, StorageError)>, StorageError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let body = protocol::DeleteFiles {
            files: keys.to_vec(),
        };
        let failed: Vec<protocol::Failed> = self
            .json(Method::POST, "/file/delete", &body)
            .await?
            .unwrap_or_default();
        Ok(failed
            .into_iter()
            .map(|f| {
                let err = protocol::error_from(f.code, f.error, None);
                (f.key, err)
            })
            .collect())
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let body = protocol::Copy {
            from: from.to_owned(),
            to: to.to_owned(),
        };
        self.json::<_, ()>(Method::POST, "/file/copy", &body)
            .await?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, StorageError> {
        let body = protocol::KeyBody::new(prefix);
        let objects: Vec<Object> = self
            .json(Method::POST, "/file/list", &body)
            .await?
            .unwrap_or_default();
        Ok(objects
            .into_iter()
            .map(|o| ObjectMeta {
                key: o.key,
                size: o.size,
                modified: o.modified,
            })
            .collect())
    }

    async fn health_check(&self) -> Result<(), StorageError> {
        self.json::<_, ()>(Method::POST, "/health", &()).await?;
        Ok(())
    }

    async fn begin_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
    ) -> Result<UploadCredential, StorageError> {
        self.open_session(UploadSession {
            id: protocol::relay_session_id(key),
            key: key.to_owned(),
            size,
            chunk_size,
            expires: Utc::now().timestamp() + 86_400,
            callback: None,
        })
        .await?;
        Ok(UploadCredential::Relay { chunk_size })
    }

    async fn put_chunk(
        &self,
        key: &str,
        index: u64,
        offset: u64,
        body: ByteStream,
        len: u64,
    ) -> Result<(), StorageError> {
        // The node computes offset and length from the session's chunk size.
        let _ = (offset, len);
        let id = protocol::relay_session_id(key);
        self.send_chunk(&id, index, body).await
    }

    async fn complete_upload(&self, key: &str, size: u64) -> Result<(), StorageError> {
        let body = protocol::Complete {
            key: key.to_owned(),
            size,
        };
        self.json::<_, ()>(Method::POST, "/upload/complete", &body)
            .await?;
        Ok(())
    }

    async fn abort_upload(&self, key: &str) -> Result<(), StorageError> {
        self.drop_session(&protocol::relay_session_id(key)).await
    }

    async fn begin_node_upload(
        &self,
        upload: &NodeUpload<'_>,
    ) -> Result<UploadCredential, StorageError> {
        if !protocol::valid_session_id(upload.session_id) {
            return Err(StorageError::Other("not a session id a node takes".into()));
        }
        let expires = Utc::now().timestamp() + upload.ttl.as_secs() as i64;
        self.open_session(UploadSession {
            id: upload.session_id.to_owned(),
            key: upload.key.to_owned(),
            size: upload.size,
            chunk_size: upload.chunk_size,
            expires,
            callback: Some(upload.callback.to_owned()),
        })
        .await?;
        let path = protocol::upload_path(upload.session_id);
        Ok(UploadCredential::Remote {
            chunk_size: upload.chunk_size,
            url: format!("{}{path}", self.base),
            credential: protocol::authorization(&self.key, &path, &[], "", expires),
        })
    }

    async fn abort_direct_upload(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        let _ = key;
        self.drop_session(upload_id).await
    }

    async fn presign_get(
        &self,
        key: &str,
        ttl: Duration,
        headers: PresignHeaders<'_>,
    ) -> Result<Option<String>, StorageError> {
        // A node that is down, or lost the blob, is found out here: the caller then serves
        // the download itself and reports the failure rather than handing out a dead URL.
        self.head(key).await?;
        let expires = Utc::now().timestamp() + ttl.min(PRESIGN_MAX).as_secs().max(1) as i64;
        Ok(Some(self.content_url(key, headers, expires)))
    }

    /// The node reads the picture from its disk, renders and stores the thumbnail there.
    async fn render_thumbnail(&self, job: &ThumbJob) -> Result<Result<u64, String>, StorageError> {
        let made: protocol::ThumbMade = self
            .json(Method::POST, "/file/thumb", job)
            .await?
            .ok_or_else(|| StorageError::Other("the node answered no thumbnail".into()))?;
        match (made.size, made.refused) {
            (Some(size), _) => Ok(Ok(size)),
            (None, Some(why)) => Ok(Err(why)),
            (None, None) => Err(StorageError::Other("the node answered no thumbnail".into())),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            proxy_required: false,
            presign: true,
            native_thumbnails: true,
            max_chunk_size: None,
            presign_max_ttl: Some(PRESIGN_MAX),
        }
    }
}
