//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps, ±1 step), with each
//! step accepted once per user so an observed code cannot be replayed.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr};
use totp_rs::{Builder, Secret};

use crate::kv;

fn totp(secret_base32: &str) -> Option<totp_rs::Totp> {
    let secret = Secret::try_from_base32(secret_base32.trim()).ok()?;
    Some(Builder::new().with_secret(secret).build_noncompliant())
}

/// A new random secret, base32 (what authenticator apps take).
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The code for now; used by tests and never sent by the server.
pub fn current_code(secret_base32: &str) -> Option<String> {
    totp(secret_base32).map(|t| t.generate_current().to_string())
}

/// The step `code` belongs to, if it is valid now.
pub fn matching_step(secret_base32: &str, code: &str) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret_base32)?.check_current(code)
}

/// Checks `code` for `user_id` and burns its step: the same or an older code is refused after.
pub async fn verify_once(
    db: &impl ConnectionTrait,
    user_id: i64,
    secret_base32: &str,
    code: &str,
) -> Result<bool, DbErr> {
    let Some(step) = matching_step(secret_base32, code) else {
        return Ok(false);
    };
    let key = format!("2fa_used_{user_id}");
    let last: Option<u64> = kv::get(db, &key).await?.and_then(|v| v.parse().ok());
    if last.is_some_and(|last| step <= last) {
        return Ok(false);
    }
    kv::put(
        db,
        "2fa_used",
        &key,
        &step.to_string(),
        Some(Duration::from_secs(300)),
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_codes_match_and_others_do_not() {
        let secret = new_secret();
        let code = current_code(&secret).unwrap();
        assert!(matching_step(&secret, &code).is_some());
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert!(matching_step(&secret, &wrong).is_none());
        assert!(matching_step(&secret, "12345").is_none());
        assert!(matching_step(&secret, "abcdef").is_none());
        assert!(matching_step("not base32!", &code).is_none());
    }
}
