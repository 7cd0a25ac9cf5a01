//! A minimal AWS Signature Version 4 signer (header authorization, path-style URLs), so a test
//! can call the S3 endpoint from Rust with an S3 key without an SDK or an outside client.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const REGION: &str = "us-east-1";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Percent-encodes `s` as SigV4's canonical form does (`/` kept when `path`).
fn encode(s: &str, path: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b'/' if path => "/".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The headers that sign a request: `method` on `host` (`127.0.0.1:port`), the raw
/// (unencoded) `path`, the `query` pairs and the `body`, with the key (`access`, `secret`).
/// Send the request with these headers, the same path (encoded as [`encode_path`] does) and
/// the same query.
pub fn sign(
    method: &str,
    host: &str,
    path: &str,
    query: &[(&str, &str)],
    body: &[u8],
    (access, secret): (&str, &str),
) -> Vec<(String, String)> {
    let now = chrono::Utc::now();
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let day = now.format("%Y%m%d").to_string();
    let payload = hex::encode(Sha256::digest(body));
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (encode(k, false), encode(v, false)))
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let signed = "host;x-amz-content-sha256;x-amz-date";
    let canonical = format!(
        "{method}\n{}\n{canonical_query}\nhost:{host}\nx-amz-content-sha256:{payload}\n\
         x-amz-date:{amz_date}\n\n{signed}\n{payload}",
        encode_path(path)
    );
    let scope = format!("{day}/{REGION}/s3/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), &day);
    for part in [REGION, "s3", "aws4_request"] {
        key = hmac(&key, part);
    }
    let signature = hex::encode(hmac(&key, &to_sign));
    vec![
        ("x-amz-date".into(), amz_date),
        ("x-amz-content-sha256".into(), payload),
        (
            "authorization".into(),
            format!(
                "AWS4-HMAC-SHA256 Credential={access}/{scope}, SignedHeaders={signed}, \
                 Signature={signature}"
            ),
        ),
    ]
}

/// `path` percent-encoded as it is signed and sent.
pub fn encode_path(path: &str) -> String {
    encode(path, true)
}
