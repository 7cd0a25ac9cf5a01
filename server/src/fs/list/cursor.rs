//! The signed next-page token: the order-key value, type and id of the last row of a page.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use stratus_entity::file;

use super::{MAX_TOKEN_LEN, OrderKey, page::ListCtx};
use crate::{fs::error::FsError, ids::IdKind};

/// A value of the order key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum KeyValue {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

impl KeyValue {
    pub(super) fn to_db(&self) -> sea_orm::Value {
        match self {
            KeyValue::Text(s) => s.clone().into(),
            KeyValue::Int(i) => (*i).into(),
            KeyValue::Time(t) => (*t).into(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            KeyValue::Text(s) => Value::String(s.clone()),
            KeyValue::Int(i) => Value::from(*i),
            KeyValue::Time(t) => Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }

    pub(super) fn from_json(key: OrderKey, v: &Value) -> Option<KeyValue> {
        match key {
            OrderKey::Name => v.as_str().map(|s| KeyValue::Text(s.to_owned())),
            OrderKey::Size => v.as_i64().map(KeyValue::Int),
            OrderKey::UpdatedAt | OrderKey::CreatedAt => v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| KeyValue::Time(t.with_timezone(&Utc))),
        }
    }
}

/// Where a page continues: after the row of type `t`, key value `k` and file hashid `i`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CursorBody {
    t: i16,
    k: Value,
    i: String,
}

/// A decoded, verified cursor.
#[derive(Debug, Clone)]
pub(super) struct Cursor {
    pub(super) kind: i16,
    pub(super) key: KeyValue,
    pub(super) id: i64,
}

type HmacSha256 = Hmac<Sha256>;

fn cursor_mac(secret: &str, scope: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(b"stratus-list-cursor\0");
    mac.update(scope.as_bytes());
    mac.update(b"\0");
    mac.update(body);
    mac
}

fn bad_token() -> FsError {
    FsError::Invalid("next_page_token is invalid".into())
}

impl Cursor {
    pub(super) fn encode(&self, ctx: &ListCtx<'_>) -> String {
        let body = CursorBody {
            t: self.kind,
            k: self.key.to_json(),
            i: ctx.fs.state.ids.encode(self.id, IdKind::File),
        };
        let json = serde_json::to_vec(&body).expect("cursor serializes");
        let tag = cursor_mac(&ctx.secret, &ctx.scope, &json)
            .finalize()
            .into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&json),
            URL_SAFE_NO_PAD.encode(&tag[..16])
        )
    }

    pub(super) fn decode(ctx: &ListCtx<'_>, token: &str) -> Result<Cursor, FsError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(bad_token());
        }
        let (body, tag) = token.split_once('.').ok_or_else(bad_token)?;
        let json = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad_token())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad_token())?;
        if tag.len() != 16 {
            return Err(bad_token());
        }
        cursor_mac(&ctx.secret, &ctx.scope, &json)
            .verify_truncated_left(&tag)
            .map_err(|_| bad_token())?;
        let body: CursorBody = serde_json::from_slice(&json).map_err(|_| bad_token())?;
        if body.t != file::kind::FILE && body.t != file::kind::FOLDER {
            return Err(bad_token());
        }
        let key = KeyValue::from_json(ctx.order, &body.k).ok_or_else(bad_token)?;
        let id = ctx
            .fs
            .state
            .ids
            .decode(&body.i, IdKind::File)
            .map_err(|_| bad_token())?;
        Ok(Cursor {
            kind: body.t,
            key,
            id,
        })
    }

    pub(super) fn after(f: &file::Model, order: OrderKey) -> Cursor {
        Cursor {
            kind: f.r#type,
            key: order.value_of(f),
            id: f.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_round_trip() {
        let t = DateTime::parse_from_rfc3339("2025-01-02T03:04:05.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        for (key, value) in [
            (OrderKey::Name, KeyValue::Text("a b".into())),
            (OrderKey::Size, KeyValue::Int(-3)),
            (OrderKey::UpdatedAt, KeyValue::Time(t)),
            (OrderKey::CreatedAt, KeyValue::Time(t)),
        ] {
            assert_eq!(KeyValue::from_json(key, &value.to_json()), Some(value));
        }
        assert_eq!(KeyValue::from_json(OrderKey::Size, &Value::from("1")), None);
        assert_eq!(
            KeyValue::from_json(OrderKey::UpdatedAt, &Value::from("yesterday")),
            None
        );
    }
}
