//! HMAC signatures of URLs and requests (spec §5.6): `<base64url(HMAC-SHA256(key, content +
//! ":" + expires))>:<expires>`, where `expires` is unix seconds and 0 means never.
//!
//! URLs made of several parts (the content and archive routes) sign a [`subject`] of
//! length-prefixed fields rather than their decoded path, so that no part can be moved into
//! another (a name that decodes to `x?share=y` signs differently from a name `x` with a
//! share `y`), and a signature made for one route is no use on another.

use base64::{Engine, engine::general_purpose::URL_SAFE};
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Not in the `<sig>:<expires>` form.
    #[error("malformed signature")]
    Malformed,
    /// The expiry has passed.
    #[error("signature expired")]
    Expired,
    /// The HMAC does not match.
    #[error("invalid signature")]
    Invalid,
}

fn mac(key: &[u8], content: &str, expires: i64) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{content}:{expires}").as_bytes());
    URL_SAFE.encode(mac.finalize().into_bytes())
}

/// What a URL made of `fields` signs: each field as `<byte length>:<field>`, one after another.
/// The first field names the route, so signatures do not carry over between routes.
pub fn subject(fields: &[&str]) -> String {
    fields.iter().fold(String::new(), |mut out, field| {
        out.push_str(&field.len().to_string());
        out.push(':');
        out.push_str(field);
        out
    })
}

/// Signs `content` (a [`subject`], or for single-part URLs the decoded path) until `expires` (unix seconds, 0 = never).
pub fn sign(key: &[u8], content: &str, expires: i64) -> String {
    format!("{}:{expires}", mac(key, content, expires))
}

/// Checks a signature made by [`sign`], in constant time.
pub fn verify(key: &[u8], content: &str, signature: &str) -> Result<(), SignError> {
    let (sig, written) = signature.rsplit_once(':').ok_or(SignError::Malformed)?;
    let expires: i64 = written.parse().map_err(|_| SignError::Malformed)?;
    // Only the form `sign` writes: `+5`, `05` or `-0` would carry the same MAC, so a signed
    // URL could be rewritten and still verify.
    if expires.to_string() != written {
        return Err(SignError::Malformed);
    }
    if expires != 0 && expires < Utc::now().timestamp() {
        return Err(SignError::Expired);
    }
    let expected = mac(key, content, expires);
    if expected.as_bytes().ct_eq(sig.as_bytes()).into() {
        Ok(())
    } else {
        Err(SignError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signatures_verify_until_they_expire() {
        let key = b"secret";
        let future = Utc::now().timestamp() + 60;
        let sig = sign(key, "/api/v4/user/activate/abc", future);
        assert!(verify(key, "/api/v4/user/activate/abc", &sig).is_ok());
        assert_eq!(
            verify(key, "/api/v4/user/activate/abd", &sig),
            Err(SignError::Invalid)
        );
        assert_eq!(
            verify(b"other", "/api/v4/user/activate/abc", &sig),
            Err(SignError::Invalid)
        );
        let never = sign(key, "/x", 0);
        assert!(verify(key, "/x", &never).is_ok());
        let old = sign(key, "/x", Utc::now().timestamp() - 1);
        assert_eq!(verify(key, "/x", &old), Err(SignError::Expired));
        assert_eq!(verify(key, "/x", "nocolon"), Err(SignError::Malformed));
        // Changing the expiry invalidates the MAC.
        let (mac_part, _) = sig.rsplit_once(':').unwrap();
        assert_eq!(
            verify(key, "/api/v4/user/activate/abc", &format!("{mac_part}:0")),
            Err(SignError::Invalid)
        );
    }

    #[test]
    fn subjects_keep_their_fields_apart() {
        assert_eq!(subject(&["content", "", "ab"]), "7:content0:2:ab");
        // Whatever bytes a field holds, it cannot pass for a boundary between fields.
        assert_ne!(subject(&["a?share=b", ""]), subject(&["a", "b"]));
        assert_ne!(subject(&["ab", "c"]), subject(&["a", "bc"]));
        assert_ne!(subject(&["1:a", ""]), subject(&["1", "a"]));
        assert_ne!(subject(&["x", ""]), subject(&["x"]));
    }

    /// An edit of a signature: one character replaced, inserted or removed.
    fn tamper(sig: &str, at: usize, with: char, how: u8) -> String {
        let mut chars: Vec<char> = sig.chars().collect();
        let i = at % (chars.len() + 1);
        match how % 3 {
            0 if i < chars.len() => chars[i] = with,
            1 => chars.insert(i, with),
            _ if i < chars.len() => {
                chars.remove(i);
            }
            _ => chars.push(with),
        }
        chars.into_iter().collect()
    }

    proptest! {
        #[test]
        fn a_tampered_signature_never_verifies(
            key in proptest::collection::vec(any::<u8>(), 1..40),
            content in ".{0,40}",
            expires in prop_oneof![Just(0i64), 4_000_000_000i64..5_000_000_000],
            at in any::<usize>(),
            with in prop_oneof![any::<char>(), proptest::char::ranges(vec!['+'..='+', '-'..='-', '0'..='9', ':'..=':'].into())],
            how in any::<u8>(),
        ) {
            let sig = sign(&key, &content, expires);
            prop_assert!(verify(&key, &content, &sig).is_ok());
            let edited = tamper(&sig, at, with, how);
            if edited != sig {
                prop_assert!(verify(&key, &content, &edited).is_err(), "{} verifies", edited);
            }
        }

        #[test]
        fn an_expiry_written_another_way_never_verifies(
            content in ".{0,20}",
            expires in prop_oneof![Just(0i64), 4_000_000_000i64..5_000_000_000],
            prefix in prop_oneof![Just("+"), Just("0"), Just("-"), Just(" "), Just("00")],
        ) {
            let sig = sign(b"key", &content, expires);
            let (mac, expiry) = sig.rsplit_once(':').unwrap();
            let edited = format!("{mac}:{prefix}{expiry}");
            prop_assert!(verify(b"key", &content, &edited).is_err(), "{} verifies", edited);
        }

        #[test]
        fn a_signature_is_for_its_content_and_key_only(
            key in proptest::collection::vec(any::<u8>(), 1..40),
            other_key in proptest::collection::vec(any::<u8>(), 1..40),
            content in ".{0,40}",
            other in ".{0,40}",
        ) {
            let sig = sign(&key, &content, 0);
            if other != content {
                prop_assert_eq!(verify(&key, &other, &sig), Err(SignError::Invalid));
            }
            if other_key != key {
                prop_assert_eq!(verify(&other_key, &content, &sig), Err(SignError::Invalid));
            }
        }

        #[test]
        fn any_string_is_refused_without_panic(content in ".{0,20}", sig in ".{0,80}") {
            prop_assert!(verify(b"key", &content, &sig).is_err());
        }

        #[test]
        fn distinct_field_lists_have_distinct_subjects(
            a in proptest::collection::vec(".{0,6}", 0..4),
            b in proptest::collection::vec(".{0,6}", 0..4),
        ) {
            let (sa, sb) = (subject(&a.iter().map(String::as_str).collect::<Vec<_>>()),
                subject(&b.iter().map(String::as_str).collect::<Vec<_>>()));
            prop_assert_eq!(a == b, sa == sb);
        }
    }
}
