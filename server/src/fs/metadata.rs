//! File metadata written by clients (spec §4.6): which keys they may set, what the values must
//! look like, and the upsert into `metadata` (unique per `(file_id, name)`).
//!
//! Clients may write `customize:<name>` (the icon colour and emoji checked), `tag:<name>`,
//! `dav:<prop>`, `props:<id>` (custom properties), `thumb:disabled` (set or removed; its value
//! is ignored), `sys:shared_redirect` and `sys:shared_owner`. Everything else (other `sys:` and
//! `thumb:` keys, `exif:`, `music:`, `stream:`, unknown namespaces) is managed by the server and
//! refused with 40001. [`validate`] checks a key/value pair without server state (usable
//! anywhere); [`Rules::check`] adds the checks that need it: the emoji preset of the `emojis`
//! setting, custom property values against the `custom_props` definitions, and that
//! `sys:shared_owner` decodes as a user hashid.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use stratus_entity::metadata;

use super::{
    error::FsError,
    lock::{self, Depth, LockPath},
    nav::{self, FsCtx},
    tx,
    uri::{FileUri, FsKind},
};
use crate::{
    boolset::fs_cap,
    ids::{HashIds, IdKind},
    settings::custom_props::{self, PropDef},
    state::AppState,
};

/// Longest key, in bytes (the `metadata.name` column).
pub const MAX_KEY_BYTES: usize = 255;
/// Longest value of a `dav:` dead property, in bytes.
pub const MAX_DAV_VALUE_BYTES: usize = 64 * 1024;
/// Longest value of any other client-written key, in bytes.
pub const MAX_VALUE_BYTES: usize = 8 * 1024;
/// Longest `customize:emoji` value, in bytes (one emoji, possibly with modifiers).
pub const MAX_EMOJI_BYTES: usize = 16;
/// Most patches in one request.
pub const MAX_PATCHES: usize = 256;

/// Metadata key of the folder/file icon colour.
pub const ICON_COLOR: &str = "customize:icon_color";
/// Metadata key of the folder/file emoji.
pub const EMOJI: &str = "customize:emoji";
/// Metadata key of a saved share's share URI.
pub const SHARED_REDIRECT: &str = "sys:shared_redirect";
/// Metadata key of a saved share's owner (user hashid).
pub const SHARED_OWNER: &str = "sys:shared_owner";
/// Metadata key that stops thumbnail generation for a file (the thumbnail module's marker).
pub const THUMB_DISABLED: &str = "thumb:disabled";

/// Whether changing `key` counts as changing the file (its `updated_at` moves), as in
/// Cloudreve 4.4: user-visible annotations do, WebDAV dead properties and thumbnail markers do
/// not.
pub fn touches_file(key: &str) -> bool {
    ["customize:", "tag:", custom_props::PREFIX, "sys:shared_"]
        .iter()
        .any(|p| key.starts_with(p))
}

/// One change to a file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub key: String,
    /// The new value (ignored by removals).
    pub value: String,
    /// Stored as `is_public`; private rows are never shown to clients.
    pub public: bool,
    /// Deletes the key instead of setting it.
    pub remove: bool,
}

impl Patch {
    /// Sets a public key.
    pub fn set(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            public: true,
            remove: false,
        }
    }

    /// Deletes a key.
    pub fn remove(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: String::new(),
            public: true,
            remove: true,
        }
    }
}

/// Anything [`apply`] can take: a [`Patch`], or a `(key, value)` pair that sets a public key
/// (the `metadata` map of `POST /file/create`).
pub trait AsPatch {
    fn key(&self) -> &str;
    fn value(&self) -> &str;
    fn public(&self) -> bool {
        true
    }
    fn is_removal(&self) -> bool {
        false
    }
}

impl AsPatch for Patch {
    fn key(&self) -> &str {
        &self.key
    }
    fn value(&self) -> &str {
        &self.value
    }
    fn public(&self) -> bool {
        self.public
    }
    fn is_removal(&self) -> bool {
        self.remove
    }
}

impl AsPatch for (String, String) {
    fn key(&self) -> &str {
        &self.0
    }
    fn value(&self) -> &str {
        &self.1
    }
}

fn invalid(key: &str, why: impl std::fmt::Display) -> FsError {
    FsError::Invalid(format!("metadata {key:?}: {why}"))
}

/// Checks that clients may write (or remove) `key`: its shape and its namespace.
pub fn validate_key(key: &str) -> Result<(), FsError> {
    if key.is_empty() {
        return Err(invalid(key, "the key is empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid(
            key,
            format!("keys are at most {MAX_KEY_BYTES} bytes"),
        ));
    }
    if key.chars().any(char::is_control) {
        return Err(invalid(key, "the key contains a control character"));
    }
    let Some((namespace, name)) = key.split_once(':') else {
        return Err(invalid(key, "keys look like namespace:name"));
    };
    if name.is_empty() {
        return Err(invalid(key, "the name after the namespace is empty"));
    }
    let allowed = match namespace {
        // Cloudreve keeps any `customize:` key as user metadata (the official SDK stores
        // `customize:client_sha256`); the icon colour and emoji get their value checks below.
        "customize" | "tag" | "dav" | "props" => true,
        "sys" => key == SHARED_REDIRECT || key == SHARED_OWNER,
        "thumb" => key == THUMB_DISABLED,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(invalid(key, "this key is managed by the server or unknown"))
    }
}

/// Checks that clients may set `key` to `value`, without server state (see [`Rules::check`]
/// for the full check).
pub fn validate(key: &str, value: &str) -> Result<(), FsError> {
    validate_key(key)?;
    if key.starts_with(DAV_PROP_PREFIX) {
        if value.len() > MAX_DAV_VALUE_BYTES {
            return Err(invalid(key, format!("at most {MAX_DAV_VALUE_BYTES} bytes")));
        }
        return Ok(());
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(invalid(key, format!("at most {MAX_VALUE_BYTES} bytes")));
    }
    if key.starts_with("tag:") {
        return if value.is_empty() || is_colour(value) {
            Ok(())
        } else {
            Err(invalid(
                key,
                "a tag's value is empty or a colour like #ff0000",
            ))
        };
    }
    match key {
        ICON_COLOR if !is_colour(value) => Err(invalid(key, "expected a colour like #ff0000")),
        EMOJI if !is_emoji_like(value) => Err(invalid(
            key,
            format!("expected one emoji (at most {MAX_EMOJI_BYTES} bytes)"),
        )),
        SHARED_REDIRECT => match FileUri::parse(value) {
            Ok(uri) if uri.fs == FsKind::Share => Ok(()),
            _ => Err(invalid(
                key,
                "expected a share URI (cloudreve://<id>@share/...)",
            )),
        },
        SHARED_OWNER if !is_hashid_like(value) => Err(invalid(key, "expected a user id")),
        _ => Ok(()),
    }
}

/// `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`.
fn is_colour(value: &str) -> bool {
    value.strip_prefix('#').is_some_and(|hex| {
        matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// A short string that is no plain text: no ASCII letters/digits, no whitespace or controls.
fn is_emoji_like(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_EMOJI_BYTES
        && !value
            .chars()
            .any(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || c.is_control())
}

fn is_hashid_like(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The checks of [`validate`] plus those needing server state.
pub struct Rules<'a> {
    ids: &'a HashIds,
    /// Every emoji of the `emojis` setting; empty when the setting is unusable (then any
    /// emoji-like value is accepted).
    emojis: HashSet<String>,
    /// The custom property definitions.
    props: Vec<PropDef>,
}

impl<'a> Rules<'a> {
    /// Loads the emoji preset and the custom property definitions.
    pub async fn load(state: &'a AppState) -> Result<Self, FsError> {
        let all = state.settings.all().await?;
        let get = |k: &str| all.get(k).map(String::as_str).unwrap_or_default();
        Ok(Self {
            ids: &state.ids,
            emojis: emoji_preset(get("emojis")),
            props: custom_props::load(get("custom_props")),
        })
    }

    /// Checks every pair of a `metadata` map (file creation, uploads).
    pub fn check_all(&self, pairs: &[(String, String)]) -> Result<(), FsError> {
        pairs.iter().try_for_each(|pair| self.check(pair))
    }

    /// Checks one patch.
    pub fn check(&self, patch: &impl AsPatch) -> Result<(), FsError> {
        let key = patch.key();
        if patch.is_removal() {
            return validate_key(key);
        }
        let value = patch.value();
        validate(key, value)?;
        if let Some(id) = key.strip_prefix(custom_props::PREFIX) {
            return custom_props::check(&self.props, id, value).map_err(|why| invalid(key, why));
        }
        match key {
            EMOJI if !self.emojis.is_empty() && !self.emojis.contains(value) => {
                Err(invalid(key, "not one of the site's emojis"))
            }
            SHARED_OWNER if self.ids.decode(value, IdKind::User).is_err() => {
                Err(invalid(key, "expected a user id"))
            }
            _ => Ok(()),
        }
    }
}

/// The emojis of the `emojis` setting (`{"category": ["emoji", ...], ...}`).
fn emoji_preset(raw: &str) -> HashSet<String> {
    let Ok(serde_json::Value::Object(groups)) = serde_json::from_str::<serde_json::Value>(raw)
    else {
        return HashSet::new();
    };
    groups
        .values()
        .filter_map(serde_json::Value::as_array)
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// `PATCH /file/metadata` for one object: applies already checked `patches` to the object at
/// `uri`, which the caller must own, unless a lock held by someone else covers it.
pub async fn patch(ctx: &FsCtx<'_>, uri: &FileUri, patches: &[Patch]) -> Result<(), FsError> {
    super::reach::writable(ctx.caller)?;
    let node = nav::resolve(ctx, uri).await?;
    node.require(fs_cap::UPDATE_METADATA)?;
    if !node.owned {
        return Err(FsError::NoPermission("only the owner can change metadata"));
    }
    let owner = node.file.owner_id;
    let txn = tx::begin(&ctx.state.db, owner).await?;
    let file = stratus_entity::file::Entity::find_by_id(node.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let path = nav::uri_of(&txn, &file).await?;
    if path.fs == FsKind::My {
        let lock_path = LockPath::from_segments(path.segments())
            .map_err(|e| FsError::Invalid(e.to_string()))?;
        lock::check(&txn, owner, &lock_path, Depth::Zero, ctx.lock_tokens).await?;
    }
    apply(&txn, file.id, patches).await?;
    if patches.iter().any(|p| touches_file(&p.key)) {
        stratus_entity::file::Entity::update_many()
            .col_expr(
                stratus_entity::file::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(stratus_entity::file::Column::Id.eq(file.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Applies `patches` to file `file_id` in order: removals delete the key, the others upsert
/// it (value and visibility replaced). Call it inside the write transaction of the operation;
/// validation is the caller's job ([`validate`] / [`Rules::check`]).
pub async fn apply<P: AsPatch>(
    txn: &impl ConnectionTrait,
    file_id: i64,
    patches: &[P],
) -> Result<(), FsError> {
    for patch in patches {
        if patch.is_removal() {
            remove(txn, file_id, &[patch.key()]).await?;
        } else {
            upsert(txn, file_id, patch.key(), patch.value(), patch.public()).await?;
        }
    }
    Ok(())
}

/// Sets `key` of `file_id` (insert or replace), unchecked: also for server-managed keys.
pub async fn upsert(
    txn: &impl ConnectionTrait,
    file_id: i64,
    key: &str,
    value: &str,
    public: bool,
) -> Result<(), FsError> {
    let now = Utc::now();
    metadata::Entity::insert(metadata::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(key.to_owned()),
        value: Set(value.to_owned()),
        file_id: Set(file_id),
        is_public: Set(public),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([metadata::Column::FileId, metadata::Column::Name])
            .update_columns([
                metadata::Column::Value,
                metadata::Column::IsPublic,
                metadata::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Prefix of the keys of WebDAV dead properties (PROPPATCH), `dav:{namespace}name`.
pub const DAV_PROP_PREFIX: &str = "dav:";

/// The WebDAV dead properties of the given files, by file id, in one statement: a listing
/// prefetches a whole page's.
pub async fn dav_props_of(
    db: &impl ConnectionTrait,
    file_ids: &[i64],
) -> Result<HashMap<i64, Vec<(String, String)>>, FsError> {
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    if file_ids.is_empty() {
        return Ok(out);
    }
    let rows = metadata::Entity::find()
        .filter(metadata::Column::FileId.is_in(file_ids.iter().copied()))
        .filter(metadata::Column::Name.starts_with(DAV_PROP_PREFIX))
        .all(db)
        .await?;
    for row in rows {
        out.entry(row.file_id)
            .or_default()
            .push((row.name, row.value));
    }
    Ok(out)
}

/// Deletes `keys` and every key in `namespaces` (`exif:`) of `file_id` in one statement,
/// unchecked.
pub async fn remove_with_namespaces(
    txn: &impl ConnectionTrait,
    file_id: i64,
    keys: &[&str],
    namespaces: &[&str],
) -> Result<(), FsError> {
    let mut names = Condition::any().add(metadata::Column::Name.is_in(keys.iter().copied()));
    for namespace in namespaces {
        names = names.add(metadata::Column::Name.starts_with(*namespace));
    }
    metadata::Entity::delete_many()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(names)
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes `keys` of `file_id`, unchecked.
pub async fn remove(
    txn: &impl ConnectionTrait,
    file_id: i64,
    keys: &[&str],
) -> Result<(), FsError> {
    metadata::Entity::delete_many()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.is_in(keys.iter().copied()))
        .exec(txn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_keys_and_values() {
        assert!(validate(ICON_COLOR, "#ff0000").is_ok());
        assert!(validate(ICON_COLOR, "#F0A").is_ok());
        assert!(validate(ICON_COLOR, "red").is_err());
        assert!(validate(ICON_COLOR, "#ff00zz").is_err());
        assert!(validate(EMOJI, "😀").is_ok());
        assert!(validate(EMOJI, "❤️").is_ok());
        assert!(validate(EMOJI, "abc").is_err());
        assert!(validate(EMOJI, "").is_err());
        assert!(validate(EMOJI, "😀😀😀😀😀").is_err());
        assert!(validate("tag:work", "").is_ok());
        assert!(validate("tag:work", "#00ff00").is_ok());
        assert!(validate("tag:work", "green").is_err());
        assert!(validate("tag:", "").is_err());
        assert!(validate("dav:{DAV:}x", &"a".repeat(MAX_DAV_VALUE_BYTES)).is_ok());
        assert!(validate("dav:x", &"a".repeat(MAX_DAV_VALUE_BYTES + 1)).is_err());
        assert!(validate(SHARED_REDIRECT, "cloudreve://abc@share/x").is_ok());
        assert!(validate(SHARED_REDIRECT, "cloudreve://my/x").is_err());
        assert!(validate(SHARED_OWNER, "lpf1").is_ok());
        assert!(validate(SHARED_OWNER, "a b").is_err());
    }

    #[test]
    fn server_keys_are_refused() {
        for key in [
            "sys:restore_uri",
            "sys:expected_collect_time",
            "sys:upload_session_id",
            "thumb:other",
            "exif:camera",
            "music:title",
            "stream:duration",
            "customize:",
            "nonamespace",
            "",
        ] {
            assert!(validate(key, "x").is_err(), "{key}");
            assert!(validate_key(key).is_err(), "{key}");
        }
        assert!(validate_key(&format!("dav:{}", "a".repeat(MAX_KEY_BYTES))).is_err());
        // Clients keep their own keys under `customize:` (the official SDK's checksum).
        assert!(validate("customize:client_sha256", "ab").is_ok());
        assert!(validate(THUMB_DISABLED, "").is_ok());
        assert!(validate("props:rating", "3").is_ok());
        assert!(validate("props:", "3").is_err());
        assert!(touches_file("props:rating") && touches_file("sys:shared_owner"));
        assert!(!touches_file("dav:x") && !touches_file(THUMB_DISABLED));
    }

    #[test]
    fn emoji_preset_is_read() {
        let preset = emoji_preset(r#"{"a":["😀","😃"],"b":["🐶"]}"#);
        assert_eq!(preset.len(), 3);
        assert!(preset.contains("🐶"));
        assert!(emoji_preset("not json").is_empty());
    }
}
