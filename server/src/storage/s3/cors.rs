//! Putting a CORS rule on a bucket (`PutBucketCors`), so that browsers on the site's origins
//! may fetch presigned URLs and send uploads to it. `object_store` has no call for bucket
//! settings: the request is built here, signed with its SigV4 signer and sent with its HTTP
//! client. The bucket's refusal comes back in its own words.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use md5::{Digest, Md5};
use object_store::{
    ClientOptions,
    aws::{AwsAuthorizer, AwsCredential},
    client::{HttpConnector, HttpRequestBody, ReqwestConnector},
};
use poem::http::{self, Method};

use super::S3Config;
use crate::storage::StorageError;

/// How long browsers may cache the answer to a preflight request (seconds).
const MAX_AGE: u32 = 3600;

/// The `CORSConfiguration` document allowing `origins` to read, upload and see `ETag`.
pub fn rule_document(origins: &[String]) -> String {
    let mut xml = String::from("<CORSConfiguration><CORSRule>");
    for origin in origins {
        xml.push_str(&format!(
            "<AllowedOrigin>{}</AllowedOrigin>",
            escape(origin)
        ));
    }
    for method in ["GET", "HEAD", "PUT", "POST"] {
        xml.push_str(&format!("<AllowedMethod>{method}</AllowedMethod>"));
    }
    xml.push_str("<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>");
    xml.push_str(&format!(
        "<MaxAgeSeconds>{MAX_AGE}</MaxAgeSeconds></CORSRule></CORSConfiguration>"
    ));
    xml
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Replaces the bucket's CORS rules with one allowing `origins`.
pub async fn allow_origins(config: &S3Config, origins: &[String]) -> Result<(), StorageError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| StorageError::Other(format!("{what}: {e}"));
    let body = rule_document(origins);
    let md5 = STANDARD.encode(Md5::digest(body.as_bytes()));
    let url = format!("{}?cors", config.bucket_url()?);
    let mut request = http::Request::builder()
        .method(Method::PUT)
        .uri(&url)
        .header("content-type", "application/xml")
        .header("content-md5", md5)
        .body(HttpRequestBody::from(body))
        .map_err(|e| fail("building the request", &e))?;
    let credential = AwsCredential {
        key_id: config.access_key.clone(),
        secret_key: config.secret_key.clone(),
        token: None,
    };
    AwsAuthorizer::new(&credential, "s3", &config.region)
        .try_authorize(&mut request, None)
        .map_err(|e| fail("signing the request", &e))?;
    let client = ReqwestConnector::default()
        .connect(&ClientOptions::new().with_allow_http(url.starts_with("http://")))
        .map_err(|e| fail("connecting", &e))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| fail("sending the CORS rule", &e))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text = response
        .into_body()
        .bytes()
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    Err(StorageError::Other(format!(
        "the bucket refused the CORS rule ({status}): {}",
        text.trim()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_names_every_origin_escaped() {
        let xml = rule_document(&["https://a.example".into(), "http://b&c".into()]);
        assert!(xml.starts_with(
            "<CORSConfiguration><CORSRule><AllowedOrigin>https://a.example</AllowedOrigin>"
        ));
        assert!(xml.contains("<AllowedOrigin>http://b&amp;c</AllowedOrigin>"));
        assert!(xml.contains("<AllowedMethod>PUT</AllowedMethod>"));
    }
}
