//! Pins: URIs kept in the user's settings for the navigation bar.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{MAX_PIN_NAME_CHARS, MAX_PINS, PINS, view::update_user_settings};
use crate::fs::{error::FsError, nav::FsCtx, uri::FileUri};

/// Pins `uri` (any valid file URI, search queries included) to the caller's navigation bar.
/// Pinning a URI again under the same name changes nothing; under another name it is
/// [`FsError::PinnedUnderOtherName`] (as Cloudreve).
pub async fn pin(ctx: &FsCtx<'_>, uri: &str, name: Option<&str>) -> Result<(), FsError> {
    let me = ctx.user()?;
    let canonical = FileUri::parse(uri)?.to_string();
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > MAX_PIN_NAME_CHARS) {
        return Err(FsError::Invalid(format!(
            "name: at most {MAX_PIN_NAME_CHARS} characters"
        )));
    }
    update_user_settings(&ctx.state.db, me.user.id, |settings| {
        let mut pins = pins_of(settings);
        if let Some(existing) = pins
            .iter()
            .find(|p| p.get("uri").and_then(Value::as_str) == Some(canonical.as_str()))
        {
            let existing = existing.get("name").and_then(Value::as_str).unwrap_or("");
            return if existing == name.unwrap_or("") {
                Ok(())
            } else {
                Err(FsError::PinnedUnderOtherName)
            };
        }
        if pins.len() >= MAX_PINS {
            return Err(FsError::Invalid(format!("at most {MAX_PINS} pins")));
        }
        let mut pin = Map::new();
        pin.insert("uri".into(), Value::String(canonical.clone()));
        if let Some(name) = name {
            pin.insert("name".into(), Value::String(name.to_owned()));
        }
        pins.push(pin);
        settings.insert(
            PINS.into(),
            Value::Array(pins.into_iter().map(Value::Object).collect()),
        );
        Ok(())
    })
    .await
}

/// Removes the pin of `uri`, if there is one.
pub async fn unpin(ctx: &FsCtx<'_>, uri: &str) -> Result<(), FsError> {
    let me = ctx.user()?;
    let mut forms: HashSet<String> = HashSet::from([uri.to_owned()]);
    if let Ok(parsed) = FileUri::parse(uri) {
        forms.insert(parsed.to_string());
    }
    update_user_settings(&ctx.state.db, me.user.id, |settings| {
        let pins: Vec<Value> = pins_of(settings)
            .into_iter()
            .filter(|p| {
                !p.get("uri")
                    .and_then(Value::as_str)
                    .is_some_and(|u| forms.contains(u))
            })
            .map(Value::Object)
            .collect();
        settings.insert(PINS.into(), Value::Array(pins));
        Ok(())
    })
    .await
}

fn pins_of(settings: &Map<String, Value>) -> Vec<Map<String, Value>> {
    settings
        .get(PINS)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_object().cloned())
                .filter(|p| p.get("uri").is_some_and(Value::is_string))
                .collect()
        })
        .unwrap_or_default()
}
