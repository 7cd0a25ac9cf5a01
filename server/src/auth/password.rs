//! Password digests: Argon2id PHC strings for every password Stratus writes. Cloudreve's
//! `salt:sha256hex(password + salt)` and `salt:sha1hex(password + salt)` forms (imported
//! databases) still verify, and callers rehash them after a successful sign-in.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a stored Argon2 PHC string (constant-time inside argon2).
pub fn verify(password: &str, digest: &str) -> bool {
    PasswordHash::new(digest)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The outcome of checking a password against any supported digest form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Wrong password, or no usable digest.
    Mismatch,
    /// Right password, stored as Argon2id.
    Match,
    /// Right password, stored in a legacy form: rehash it now.
    MatchLegacy,
}

/// Verifies a password against an Argon2 PHC string or a legacy Cloudreve digest.
pub fn check(password: &str, digest: &str) -> Check {
    if digest.starts_with('$') {
        return if verify(password, digest) {
            Check::Match
        } else {
            Check::Mismatch
        };
    }
    let Some((salt, hex_digest)) = digest.split_once(':') else {
        return Check::Mismatch;
    };
    let salted = format!("{password}{salt}");
    let computed = match hex_digest.len() {
        64 => hex::encode(<sha2::Sha256 as sha2::Digest>::digest(salted.as_bytes())),
        40 => hex::encode(<sha1::Sha1 as sha1::Digest>::digest(salted.as_bytes())),
        _ => return Check::Mismatch,
    };
    let equal: bool = subtle::ConstantTimeEq::ct_eq(
        computed.as_bytes(),
        hex_digest.to_ascii_lowercase().as_bytes(),
    )
    .into();
    if equal {
        Check::MatchLegacy
    } else {
        Check::Mismatch
    }
}

/// Spends the same effort as a real check, so unknown accounts answer as slowly as known ones.
pub fn dummy_check(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let digest = DUMMY.get_or_init(|| hash("stratus-dummy-password").unwrap_or_default());
    let _ = verify(password, digest);
}

/// [`check`] against `digest`, or [`dummy_check`] when there is none (always a mismatch), on
/// the blocking pool: Argon2id is slow on purpose, and a burst of sign-ins must not stall the
/// tasks (and the pooled connections they hold) on the async workers.
pub async fn check_off_thread(
    password: &str,
    digest: Option<&str>,
) -> Result<Check, tokio::task::JoinError> {
    let (password, digest) = (password.to_owned(), digest.map(str::to_owned));
    tokio::task::spawn_blocking(move || match digest {
        Some(digest) => check(&password, &digest),
        None => {
            dummy_check(&password);
            Check::Mismatch
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_cloudreve_digests_verify() {
        let salt = "abcdefghijklmnop";
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            format!("secret{salt}").as_bytes(),
        ));
        let sha1 = hex::encode(<sha1::Sha1 as sha1::Digest>::digest(
            format!("secret{salt}").as_bytes(),
        ));
        assert_eq!(
            check("secret", &format!("{salt}:{sha256}")),
            Check::MatchLegacy
        );
        assert_eq!(
            check("secret", &format!("{salt}:{sha1}")),
            Check::MatchLegacy
        );
        assert_eq!(check("wrong", &format!("{salt}:{sha256}")), Check::Mismatch);
        assert_eq!(check("secret", "md5:abc:def"), Check::Mismatch);
        assert_eq!(check("secret", ""), Check::Mismatch);
        assert_eq!(check("secret", &hash("secret").unwrap()), Check::Match);
    }

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts differ");
        assert!(verify("correct horse", &a));
        assert!(!verify("wrong horse", &a));
        assert!(!verify("correct horse", "not a digest"));
    }
}
