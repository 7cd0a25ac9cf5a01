//! The signed HTTP calls of [`RemoteDriver`]: JSON requests, streamed bodies in and out,
//! and the node's answers turned back into [`StorageError`]s.

use futures_util::TryStreamExt;
use reqwest::{Method, Response, StatusCode, header};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::{
    RemoteDriver,
    protocol::{self, ErrorData, Reply},
};
use crate::{
    signature,
    storage::{ByteRange, ByteStream, GetObject, PresignHeaders, StorageError},
};

impl RemoteDriver {
    fn url(&self, path: &str) -> String {
        format!("{}{}{path}", self.base, protocol::PREFIX)
    }

    fn node_headers(&self) -> Vec<(String, String)> {
        vec![(
            protocol::NODE_ID_HEADER.to_owned(),
            self.node_id.to_string(),
        )]
    }

    /// A signed request carrying `headers` and a body signed as `signed_body`.
    fn signed(
        &self,
        method: Method,
        path: &str,
        mut headers: Vec<(String, String)>,
        signed_body: &str,
    ) -> reqwest::RequestBuilder {
        headers.extend(self.node_headers());
        let full = format!("{}{path}", protocol::PREFIX);
        let auth = protocol::authorization_now(&self.key, &full, &headers, signed_body);
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(header::AUTHORIZATION, auth);
        for (name, value) in headers {
            req = req.header(name, value);
        }
        req
    }

    /// Sends `body` as JSON and reads the envelope's `data`.
    pub(super) async fn json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<Option<T>, StorageError> {
        let text = serde_json::to_string(body).expect("bodies serialize");
        let resp = self
            .signed(method, path, Vec::new(), &text)
            .header(header::CONTENT_TYPE, "application/json")
            .body(text)
            .send()
            .await
            .map_err(unreachable)?;
        read_reply(resp).await
    }

    /// Streams `body` to a route that stores it (`put`).
    pub(super) async fn stream_in(
        &self,
        path: &str,
        body: ByteStream,
        size: Option<u64>,
    ) -> Result<(), StorageError> {
        let headers = size
            .map(|s| vec![(protocol::SIZE_HEADER.to_owned(), s.to_string())])
            .unwrap_or_default();
        let resp = self
            .signed(Method::PUT, path, headers, "")
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(unreachable)?;
        read_reply::<Value>(resp).await.map(|_| ())
    }

    /// Streams chunk `index` of session `id`. Sent without a length (the node knows the
    /// chunk's from the session, and refuses a body of another), so that a body shorter or
    /// longer than announced reaches the node rather than failing in the HTTP client.
    pub(super) async fn send_chunk(
        &self,
        id: &str,
        index: u64,
        body: ByteStream,
    ) -> Result<(), StorageError> {
        let resp = self
            .signed(Method::POST, &format!("/upload/{id}"), Vec::new(), "")
            .query(&[("chunk", index)])
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(unreachable)?;
        read_reply::<Value>(resp).await.map(|_| ())
    }

    /// A content URL of the node serving `key` until `expires`.
    pub(super) fn content_url(
        &self,
        key: &str,
        headers: PresignHeaders<'_>,
        expires: i64,
    ) -> String {
        let src = protocol::encode_key(key);
        let disposition = headers.disposition.unwrap_or_default();
        let content_type = headers.content_type.unwrap_or_default();
        let subject = protocol::content_subject(&src, disposition, content_type);
        let sig = signature::sign(&self.key, &subject, expires);
        let mut url = url::Url::parse(&format!("{}{}", self.base, protocol::content_path(key)))
            .expect("the base was checked");
        {
            let mut query = url.query_pairs_mut();
            if !disposition.is_empty() {
                query.append_pair("disposition", disposition);
            }
            if !content_type.is_empty() {
                query.append_pair("type", content_type);
            }
            query.append_pair("sign", &sig);
        }
        url.into()
    }

    /// Reads `key` (or a range of it) from the node's content route.
    pub(super) async fn get_object(
        &self,
        key: &str,
        range: Option<ByteRange>,
    ) -> Result<GetObject, StorageError> {
        super::segment(key)?;
        if let Some(ByteRange::FromTo(start, end)) = range
            && start > end
        {
            // HTTP ignores such a header; the driver contract refuses it.
            let size = self.head_size(key).await?;
            return Err(StorageError::RangeNotSatisfiable { size });
        }
        let expires = chrono::Utc::now().timestamp() + protocol::TTL_SECS;
        let url = self.content_url(key, PresignHeaders::default(), expires);
        let mut req = self.client.get(url);
        if let Some(range) = range {
            req = req.header(header::RANGE, range_header(range));
        }
        let resp = req.send().await.map_err(unreachable)?;
        match resp.status() {
            StatusCode::OK => {
                let size = resp.content_length().unwrap_or(0);
                let range = (0, size.saturating_sub(1));
                Ok(object(resp, size, range))
            }
            StatusCode::PARTIAL_CONTENT => {
                let (start, end, size) = content_range(&resp)
                    .ok_or_else(|| StorageError::Other("the node sent no Content-Range".into()))?;
                Ok(object(resp, size, (start, end)))
            }
            _ => Err(read_reply::<Value>(resp).await.err().unwrap_or_else(|| {
                StorageError::Other("the node answered a download with no content".into())
            })),
        }
    }
}

fn object(resp: Response, size: u64, range: (u64, u64)) -> GetObject {
    let stream = resp.bytes_stream().map_err(std::io::Error::other);
    GetObject {
        size,
        range: if size == 0 { (0, 0) } else { range },
        stream: Box::pin(stream),
    }
}

fn range_header(range: ByteRange) -> String {
    match range {
        ByteRange::FromTo(a, b) => format!("bytes={a}-{b}"),
        ByteRange::From(a) => format!("bytes={a}-"),
        ByteRange::Suffix(n) => format!("bytes=-{n}"),
    }
}

/// `bytes <start>-<end>/<size>`.
fn content_range(resp: &Response) -> Option<(u64, u64, u64)> {
    let value = resp.headers().get(header::CONTENT_RANGE)?.to_str().ok()?;
    let (span, size) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    Some((start.parse().ok()?, end.parse().ok()?, size.parse().ok()?))
}

fn unreachable(err: reqwest::Error) -> StorageError {
    StorageError::Unreachable(format!("the storage node: {err}"))
}

/// The `data` of a node's envelope, or the failure it reports.
async fn read_reply<T: DeserializeOwned>(resp: Response) -> Result<Option<T>, StorageError> {
    let status = resp.status();
    let text = resp.text().await.map_err(unreachable)?;
    let reply: Reply<Value> = serde_json::from_str(&text).map_err(|_| {
        StorageError::Unreachable(format!(
            "the storage node answered {status} without an envelope"
        ))
    })?;
    if reply.code != 0 {
        let data = reply
            .data
            .and_then(|d| serde_json::from_value::<ErrorData>(d).ok());
        return Err(protocol::error_from(reply.code, reply.msg, data));
    }
    match reply.data {
        None | Some(Value::Null) => Ok(None),
        Some(data) => serde_json::from_value(data)
            .map(Some)
            .map_err(|e| StorageError::Other(format!("the node's answer: {e}"))),
    }
}
