//! Authorization codes: 128 random characters, used once, for 10 minutes, kept in `kv` (every
//! instance sees them) under the SHA-256 of the code, so a database read leaks no usable code.

use std::time::Duration;

use rand::{Rng, TryRngCore, distr::Alphanumeric, rngs::OsRng};
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{kv, state::AppState};

/// How long a code can be exchanged.
pub const CODE_TTL: Duration = Duration::from_secs(600);

const KIND: &str = "oauth_code";

/// What a code stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeRecord {
    /// The client's GUID.
    pub client_id: String,
    pub user_id: i64,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    /// `BASE64URL-NOPAD(SHA-256(verifier))`, when the client used PKCE.
    #[serde(default)]
    pub code_challenge: Option<String>,
    /// The OpenID Connect `nonce` of the authorization request.
    #[serde(default)]
    pub nonce: Option<String>,
    /// When the user consented (unix seconds): `auth_time` of the `id_token`.
    pub auth_time: i64,
}

fn key(code: &str) -> String {
    format!(
        "oauth_code:{}",
        hex::encode(Sha256::digest(code.as_bytes()))
    )
}

/// Stores `record` and answers its new code.
pub async fn issue(state: &AppState, record: &CodeRecord) -> Result<String, DbErr> {
    let code: String = OsRng
        .unwrap_err()
        .sample_iter(Alphanumeric)
        .take(128)
        .map(char::from)
        .collect();
    let value = serde_json::to_string(record).map_err(|e| DbErr::Custom(e.to_string()))?;
    kv::put(&state.db, KIND, &key(&code), &value, Some(CODE_TTL)).await?;
    Ok(code)
}

/// Takes the record of `code`: of concurrent callers one gets it, and nobody after.
pub async fn take(state: &AppState, code: &str) -> Result<Option<CodeRecord>, DbErr> {
    Ok(kv::take(&state.db, &key(code))
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}
