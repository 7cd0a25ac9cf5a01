//! 2FA recovery codes: [`COUNT`] one-time codes that stand in for a TOTP code when the
//! authenticator is lost. Each is shown once; only its Argon2id digest is kept, beside its first
//! [`SELECTOR_LEN`] characters so that a sign-in checks one digest, not all of them. Using a
//! code deletes its row, and the delete decides: of two sign-ins with one code, one wins.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, SaltString},
};
use rand::Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};
use stratus_entity::two_fa_recovery_code as code_row;

use super::password;

/// Codes in a set.
pub const COUNT: usize = 10;
/// Characters of a code (without its dashes): 12 of 32 letters and digits, 60 random bits.
const LEN: usize = 12;
/// Characters kept in clear to find a code's row.
const SELECTOR_LEN: usize = 4;
/// Crockford's base 32, lower case: no i, l, o or u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A code as typed, reduced to its characters when it has the shape of a recovery code
/// (dashes and spaces ignored, any case); `None` for anything else, a TOTP code included.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// How a code is shown: `xxxx-xxxx-xxxx`.
fn display(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The hasher for codes. The codes are random, not chosen by people, so the digest need not
/// slow down dictionary guesses as much as a password's: a lighter Argon2id keeps a copied
/// database from yielding codes while a set of ten is hashed in a blink.
fn hasher() -> Argon2<'static> {
    let params = Params::new(4096, 1, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A code to hand out once, and the row that keeps its digest.
pub struct NewCode {
    pub shown: String,
    pub selector: String,
    pub digest: String,
}

/// A new set of [`COUNT`] codes with distinct selectors. CPU-bound: call it off the runtime
/// ([`generate_off_thread`]).
fn generate() -> anyhow::Result<Vec<NewCode>> {
    let mut rng = rand::rng();
    let mut out: Vec<NewCode> = Vec::with_capacity(COUNT);
    while out.len() < COUNT {
        let code: String = (0..LEN)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let selector = code[..SELECTOR_LEN].to_owned();
        if out.iter().any(|c| c.selector == selector) {
            continue;
        }
        let mut salt = [0u8; 16];
        rng.fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        let digest = hasher()
            .hash_password(code.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("hashing a recovery code: {e}"))?
            .to_string();
        out.push(NewCode {
            shown: display(&code),
            selector,
            digest,
        });
    }
    Ok(out)
}

/// [`generate`] on a blocking thread.
pub async fn generate_off_thread() -> anyhow::Result<Vec<NewCode>> {
    tokio::task::spawn_blocking(generate)
        .await
        .map_err(|e| anyhow::anyhow!("recovery code task failed: {e}"))?
}

/// Replaces the codes of `user_id` with `codes`, in `db` (a transaction, so that the old set
/// and the new one never both work or both fail).
pub async fn replace(
    db: &impl ConnectionTrait,
    user_id: i64,
    codes: &[NewCode],
) -> Result<(), DbErr> {
    delete_all(db, user_id).await?;
    let rows = codes.iter().map(|c| code_row::ActiveModel {
        user_id: Set(user_id),
        selector: Set(c.selector.clone()),
        digest: Set(c.digest.clone()),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    });
    code_row::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Deletes every code of `user_id` (2FA turned off).
pub async fn delete_all(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    code_row::Entity::delete_many()
        .filter(code_row::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many unused codes `user_id` has.
pub async fn remaining(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    code_row::Entity::find()
        .filter(code_row::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// Uses `code` (normalized) of `user_id`: true when it was one of the account's unused codes,
/// which it is no longer.
pub async fn redeem(db: &impl ConnectionTrait, user_id: i64, code: &str) -> Result<bool, DbErr> {
    let rows = code_row::Entity::find()
        .filter(code_row::Column::UserId.eq(user_id))
        .filter(code_row::Column::Selector.eq(&code[..SELECTOR_LEN.min(code.len())]))
        .all(db)
        .await?;
    for row in rows {
        let (typed, digest) = (code.to_owned(), row.digest.clone());
        let matches = tokio::task::spawn_blocking(move || password::verify(&typed, &digest))
            .await
            .unwrap_or(false);
        if matches {
            let gone = code_row::Entity::delete_by_id(row.id).exec(db).await?;
            return Ok(gone.rows_affected == 1);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_shown_dashed_and_read_back_in_any_case() {
        let codes = generate().unwrap();
        assert_eq!(codes.len(), COUNT);
        for c in &codes {
            assert_eq!(c.shown.len(), LEN + 2);
            let typed = c.shown.to_uppercase();
            let code = normalize(&typed).unwrap();
            assert!(code.starts_with(&c.selector));
            assert!(password::verify(&code, &c.digest));
        }
        assert_eq!(normalize("123456"), None);
        assert_eq!(normalize("abcd-efgh-ijk!"), None);
    }
}
