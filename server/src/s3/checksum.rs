//! A request body checked as it streams: its MD5 (the object's ETag, and `Content-MD5` when
//! sent) and the `x-amz-checksum-*` the client declared, in a header or in the trailer of an
//! `aws-chunked` body. A mismatch fails the body at its end, so the write it feeds stores
//! nothing; [`Outcome`] then says why.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use md5::{Digest, Md5};
use s3s::{S3Error, S3ErrorCode, checksum::ChecksumHasher, crypto::Checksum as _, dto};

use crate::storage::ByteStream;

/// What a body must hash to.
#[derive(Default)]
pub struct Expect {
    /// `Content-MD5`, decoded.
    pub md5: Option<[u8; 16]>,
    /// The declared checksums (base64, as sent); a field set to an empty string is read from
    /// the trailer.
    pub sums: dto::Checksum,
    pub trailer: Option<s3s::TrailingHeaders>,
}

impl Expect {
    /// The checks of a request: `content_md5` as sent, the checksum fields of its input, and
    /// the trailer named by `x-amz-trailer`.
    pub fn of(
        content_md5: Option<&str>,
        sums: dto::Checksum,
        headers: &poem::http::HeaderMap,
        trailer: Option<s3s::TrailingHeaders>,
    ) -> Result<Self, S3Error> {
        use base64::Engine;
        let md5 = match content_md5 {
            None => None,
            Some(text) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 16]>::try_from(b).ok())
                    .ok_or_else(|| S3Error::new(S3ErrorCode::InvalidDigest))?;
                Some(bytes)
            }
        };
        let mut sums = sums;
        if let Some(name) = headers.get("x-amz-trailer").and_then(|v| v.to_str().ok()) {
            let slot = match name.trim().to_ascii_lowercase().as_str() {
                "x-amz-checksum-crc32" => &mut sums.checksum_crc32,
                "x-amz-checksum-crc32c" => &mut sums.checksum_crc32c,
                "x-amz-checksum-sha1" => &mut sums.checksum_sha1,
                "x-amz-checksum-sha256" => &mut sums.checksum_sha256,
                "x-amz-checksum-crc64nvme" => &mut sums.checksum_crc64nvme,
                _ => return Err(S3Error::new(S3ErrorCode::InvalidArgument)),
            };
            slot.get_or_insert_with(String::new);
        }
        Ok(Self { md5, sums, trailer })
    }

    fn hasher(&self) -> ChecksumHasher {
        let s = &self.sums;
        ChecksumHasher {
            crc32: s.checksum_crc32.as_ref().map(|_| s3s::crypto::Crc32::new()),
            crc32c: s
                .checksum_crc32c
                .as_ref()
                .map(|_| s3s::crypto::Crc32c::new()),
            sha1: s.checksum_sha1.as_ref().map(|_| s3s::crypto::Sha1::new()),
            sha256: s
                .checksum_sha256
                .as_ref()
                .map(|_| s3s::crypto::Sha256::new()),
            crc64nvme: s
                .checksum_crc64nvme
                .as_ref()
                .map(|_| s3s::crypto::Crc64Nvme::new()),
        }
    }
}

/// How a checked body ended.
#[derive(Default)]
pub struct Outcome {
    /// The body's MD5, once it ended well.
    pub md5: Mutex<Option<[u8; 16]>>,
    /// Why it was refused.
    pub refused: Mutex<Option<S3Error>>,
}

impl Outcome {
    /// The error to answer for a failed write: the check's, else `other`.
    pub fn or(&self, other: S3Error) -> S3Error {
        self.refused
            .lock()
            .expect("outcome")
            .take()
            .unwrap_or(other)
    }

    /// The body's MD5 in hex.
    pub fn etag(&self) -> Option<String> {
        self.md5.lock().expect("outcome").map(hex::encode)
    }
}

/// The value a trailer or header gave for `name`.
fn trailer_value(trailer: &Option<s3s::TrailingHeaders>, name: &str) -> Option<String> {
    trailer
        .as_ref()?
        .read(|h| h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .flatten()
}

/// Compares what was declared with what the body hashed to.
fn verdict(expect: &Expect, md5: [u8; 16], got: dto::Checksum) -> Result<(), S3Error> {
    if expect.md5.is_some_and(|want| want != md5) {
        return Err(S3Error::with_message(
            S3ErrorCode::BadDigest,
            "the Content-MD5 you specified did not match what we received",
        ));
    }
    let pairs = [
        (
            "x-amz-checksum-crc32",
            &expect.sums.checksum_crc32,
            got.checksum_crc32,
        ),
        (
            "x-amz-checksum-crc32c",
            &expect.sums.checksum_crc32c,
            got.checksum_crc32c,
        ),
        (
            "x-amz-checksum-sha1",
            &expect.sums.checksum_sha1,
            got.checksum_sha1,
        ),
        (
            "x-amz-checksum-sha256",
            &expect.sums.checksum_sha256,
            got.checksum_sha256,
        ),
        (
            "x-amz-checksum-crc64nvme",
            &expect.sums.checksum_crc64nvme,
            got.checksum_crc64nvme,
        ),
    ];
    for (name, want, got) in pairs {
        let Some(want) = want else { continue };
        let want = if want.is_empty() {
            trailer_value(&expect.trailer, name)
        } else {
            Some(want.clone())
        };
        // A trailer that never came checks nothing (the signature covered the body).
        if let (Some(want), Some(got)) = (want, got)
            && want.trim() != got
        {
            return Err(S3Error::with_message(
                S3ErrorCode::BadDigest,
                format!("the {name} you specified did not match the calculated checksum"),
            ));
        }
    }
    Ok(())
}

/// `body`, hashed as it goes by and failed at its end when it does not match `expect`.
pub fn checked(body: ByteStream, expect: Expect) -> (ByteStream, Arc<Outcome>) {
    let outcome = Arc::new(Outcome::default());
    let out = outcome.clone();
    let hasher = expect.hasher();
    let state = Some((body, Md5::new(), hasher, expect, out));
    let stream = stream::unfold(state, |state| async move {
        let (mut body, mut md5, mut sums, expect, out) = state?;
        match body.next().await {
            Some(Ok(piece)) => {
                md5.update(&piece);
                sums.update(&piece);
                Some((
                    Ok::<Bytes, std::io::Error>(piece),
                    Some((body, md5, sums, expect, out)),
                ))
            }
            Some(Err(e)) => Some((Err(e), None)),
            None => {
                let digest: [u8; 16] = md5.finalize().into();
                match verdict(&expect, digest, sums.finalize()) {
                    Ok(()) => {
                        *out.md5.lock().expect("outcome") = Some(digest);
                        None
                    }
                    Err(e) => {
                        *out.refused.lock().expect("outcome") = Some(e);
                        Some((Err(std::io::Error::other("checksum mismatch")), None))
                    }
                }
            }
        }
    });
    (Box::pin(stream), outcome)
}

/// A storage stream as s3s wants a body: `Sync` (it is only ever polled through `&mut`, so
/// the mutex is never contended).
pub struct Shared(std::sync::Mutex<ByteStream>);

impl Shared {
    pub fn blob(stream: ByteStream) -> s3s::dto::StreamingBlob {
        s3s::dto::StreamingBlob::wrap(Shared(std::sync::Mutex::new(stream)))
    }
}

impl futures_util::Stream for Shared {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        match self.get_mut().0.get_mut() {
            Ok(inner) => inner.as_mut().poll_next(cx),
            Err(_) => std::task::Poll::Ready(None),
        }
    }
}

/// A streamed blob from s3s as a storage body.
pub fn body_of(blob: s3s::dto::StreamingBlob) -> ByteStream {
    Box::pin(blob.map(|piece| piece.map_err(std::io::Error::other)))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(body: &'static [u8], expect: Expect) -> (bool, Arc<Outcome>) {
        let input: ByteStream = Box::pin(stream::iter([Ok(Bytes::from_static(body))]));
        let (mut out, outcome) = checked(input, expect);
        let mut ok = true;
        while let Some(piece) = out.next().await {
            ok &= piece.is_ok();
        }
        (ok, outcome)
    }

    #[tokio::test]
    async fn md5_and_checksums_are_checked_at_the_end() {
        let (ok, outcome) = run(b"hello", Expect::default()).await;
        assert!(ok);
        assert_eq!(outcome.etag().unwrap(), "5d41402abc4b2a76b9719d911017c592");

        let bad = Expect {
            md5: Some([0; 16]),
            ..Expect::default()
        };
        let (ok, outcome) = run(b"hello", bad).await;
        assert!(!ok && outcome.etag().is_none());
        assert!(outcome.refused.lock().unwrap().is_some());

        let crc = Expect {
            sums: dto::Checksum {
                checksum_crc32: Some("NhCmhg==".into()),
                ..Default::default()
            },
            ..Expect::default()
        };
        let (ok, _) = run(b"hello", crc).await;
        assert!(ok);
    }
}
