//! `object_store`'s errors as storage errors.
//!
//! A bucket that cannot be reached (connection refused or reset, a name that does not
//! resolve, no answer in time) must read as [`StorageError::Unreachable`], apart from a bucket
//! that answered and refused (a 4xx or 5xx). `object_store` folds both into
//! [`object_store::Error::Generic`], but keeps the cause typed in its source chain: a failed
//! exchange carries a [`HttpError`] whose kind says what went wrong, while an answer carries a
//! status and no `HttpError` at all. So the chain is searched for that type, and no message
//! text is read.

use std::error::Error;

use object_store::client::{HttpError, HttpErrorKind};

use crate::storage::StorageError;

/// A provider error as a storage error: a missing object stays [`StorageError::NotFound`],
/// a bucket that could not be reached is [`StorageError::Unreachable`].
pub(super) fn from_store(err: object_store::Error) -> StorageError {
    match err {
        object_store::Error::NotFound { .. } => StorageError::NotFound,
        object_store::Error::Generic { ref source, .. } if unreachable(source.as_ref()) => {
            StorageError::Unreachable(format!("the bucket: {err}"))
        }
        other => StorageError::Other(other.to_string()),
    }
}

/// Whether `err` (or an error it was caused by) is an exchange with the bucket that failed
/// before any answer came: no connection, a connection cut, or a timeout. A body that could
/// not be decoded, or an error of unknown kind, is not taken for one.
fn unreachable(err: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(http) = e.downcast_ref::<HttpError>() {
            return matches!(
                http.kind(),
                HttpErrorKind::Connect
                    | HttpErrorKind::Timeout
                    | HttpErrorKind::Interrupted
                    | HttpErrorKind::Request
            );
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::{
        ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig, aws::AmazonS3Builder, path::Path,
    };

    fn store(endpoint: &str) -> impl ObjectStore {
        AmazonS3Builder::new()
            .with_bucket_name("b")
            .with_region("us-east-1")
            .with_access_key_id("ak")
            .with_secret_access_key("sk")
            .with_endpoint(endpoint)
            .with_client_options(ClientOptions::new().with_allow_http(true))
            .with_retry(RetryConfig {
                max_retries: 0,
                ..RetryConfig::default()
            })
            .build()
            .unwrap()
    }

    /// A port nothing listens on: taken, then let go.
    fn closed_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_refused_connection_is_unreachable() {
        let store = store(&format!("http://127.0.0.1:{}", closed_port()));
        let err = store.head(&Path::from("k")).await.unwrap_err();
        assert!(
            matches!(from_store(err), StorageError::Unreachable(_)),
            "refused connection"
        );
    }

    #[tokio::test]
    async fn a_connection_cut_before_the_answer_is_unreachable() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            // Accepts, and closes without a word.
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
        let store = store(&format!("http://127.0.0.1:{port}"));
        let err = store.head(&Path::from("k")).await.unwrap_err();
        assert!(matches!(from_store(err), StorageError::Unreachable(_)));
    }

    #[tokio::test]
    async fn an_answer_is_not_unreachable() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
            }
        });
        let store = store(&format!("http://127.0.0.1:{port}"));
        let err = store
            .put(&Path::from("k"), bytes::Bytes::from_static(b"x").into())
            .await
            .unwrap_err();
        assert!(matches!(from_store(err), StorageError::Other(_)));
    }
}
