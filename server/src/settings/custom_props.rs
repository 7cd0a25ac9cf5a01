//! Custom properties (setting `custom_props`): site-defined typed fields whose values are
//! stored as public file metadata `props:<id>`. This module reads the definitions and checks a
//! value against its definition, exactly as Cloudreve 4.3+ does; the admin settings check and
//! the metadata writers both use it. One check is Stratus's own: a link must be an `http(s)` URL.

use serde::{Deserialize, Serialize};

/// The metadata namespace of custom property values.
pub const PREFIX: &str = "props:";

/// Install-time definitions: a free-text description and a five-star rating.
pub const DEFAULT: &str = r#"[{"id":"description","type":"text","icon":"fluent:slide-text-24-filled","name":"fileManager.description"},{"id":"rating","type":"rating","icon":"fluent:data-bar-vertical-star-24-filled","name":"fileManager.rating","max":5}]"#;

/// Longest property id, in bytes (the metadata key is `props:<id>`, at most 255 bytes).
pub const MAX_ID_BYTES: usize = 64;

/// One property definition, as stored and as sent in `explorer.custom_props`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropDef {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
}

/// The property types Cloudreve's clients know. Other types (Pro's `user`) accept anything.
pub const KINDS: &[&str] = &[
    "text",
    "number",
    "boolean",
    "select",
    "multi_select",
    "link",
    "rating",
];

/// Parses the setting; the error says what is wrong (used by the admin settings check).
pub fn parse(raw: &str) -> Result<Vec<PropDef>, String> {
    let defs: Vec<PropDef> = serde_json::from_str(raw).map_err(|e| {
        format!(
            "must be a JSON array of {{id, name, type, min?, max?, default?, options?, icon?}}: {e}"
        )
    })?;
    let mut seen = std::collections::HashSet::new();
    for (i, def) in defs.iter().enumerate() {
        let id = def.id.as_str();
        if id.is_empty()
            || id.len() > MAX_ID_BYTES
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(format!(
                "property {i}: id {id:?} must be 1 to {MAX_ID_BYTES} letters, digits, '_', '-' or '.'"
            ));
        }
        if !seen.insert(id) {
            return Err(format!("property id {id:?} is used twice"));
        }
        if def.name.trim().is_empty() {
            return Err(format!("property {id:?}: the name is empty"));
        }
        if matches!(def.kind.as_str(), "select" | "multi_select")
            && def.options.as_ref().is_none_or(Vec::is_empty)
        {
            return Err(format!("property {id:?}: a {} needs options", def.kind));
        }
    }
    Ok(defs)
}

/// Reads the setting for use; an unusable value reads as no definitions (every `props:` write
/// is then refused as unknown, never accepted unchecked).
pub fn load(raw: &str) -> Vec<PropDef> {
    parse(raw).unwrap_or_default()
}

/// Checks `value` for the property `id` (the part of the key after `props:`).
pub fn check(defs: &[PropDef], id: &str, value: &str) -> Result<(), String> {
    let def = defs
        .iter()
        .find(|d| d.id == id)
        .ok_or_else(|| "unknown custom props".to_owned())?;
    let min = def.min.unwrap_or(0);
    let max = def.max.unwrap_or(0);
    let int = || value.parse::<i64>().ok();
    let ok = match def.kind.as_str() {
        "text" => length_within(value, min, max),
        "link" => value.is_empty() || (length_within(value, min, max) && web_url(value)),
        // `min` is a bound even when 0: negatives need a negative `min`.
        "number" => value.is_empty() || int().is_some_and(|n| n >= min && (max <= 0 || n <= max)),
        "boolean" => matches!(value, "" | "true" | "false"),
        "select" => {
            value.is_empty()
                || def
                    .options
                    .as_ref()
                    .is_some_and(|o| o.iter().any(|x| x == value))
        }
        "multi_select" => {
            value.is_empty()
                || serde_json::from_str::<Vec<String>>(value).is_ok_and(|picked| {
                    let options = def.options.as_deref().unwrap_or_default();
                    picked.iter().all(|p| options.contains(p))
                })
        }
        "rating" => value.is_empty() || int().is_some_and(|n| n >= 0 && n <= max),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{value:?} is not a valid {} value", def.kind))
    }
}

/// A link the web client may open: an absolute `http:` or `https:` URL with a host. Cloudreve
/// stores any text, so `javascript:` or `data:` links would run in the client that opens them.
fn web_url(value: &str) -> bool {
    url::Url::parse(value)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Length in bytes at least `min` (when > 0) and at most `max` (when > 0).
fn length_within(value: &str, min: i64, max: i64) -> bool {
    let len = value.len() as i64;
    (min <= 0 || len >= min) && (max <= 0 || len <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Vec<PropDef> {
        parse(
            r#"[{"id":"t","name":"T","type":"text","min":2,"max":4},
                {"id":"n","name":"N","type":"number","min":-3,"max":10},
                {"id":"p","name":"P","type":"number"},
                {"id":"b","name":"B","type":"boolean"},
                {"id":"s","name":"S","type":"select","options":["a","b"]},
                {"id":"m","name":"M","type":"multi_select","options":["a","b"]},
                {"id":"l","name":"L","type":"link","max":10},
                {"id":"r","name":"R","type":"rating","max":5},
                {"id":"u","name":"U","type":"user"}]"#,
        )
        .unwrap()
    }

    #[test]
    fn values_are_checked_by_type() {
        let d = defs();
        let ok = |id: &str, v: &str| check(&d, id, v).is_ok();
        assert!(ok("t", "ab") && ok("t", "abcd") && !ok("t", "a") && !ok("t", "abcde"));
        assert!(ok("n", "") && ok("n", "-3") && ok("n", "10"));
        assert!(!ok("n", "-4") && !ok("n", "11") && !ok("n", "1.5") && !ok("n", "x"));
        assert!(ok("p", "0") && ok("p", "99999") && !ok("p", "-1"));
        assert!(ok("b", "") && ok("b", "true") && ok("b", "false") && !ok("b", "1"));
        assert!(ok("s", "") && ok("s", "a") && !ok("s", "c"));
        assert!(ok("m", "") && ok("m", r#"["a","b"]"#) && ok("m", "[]"));
        assert!(!ok("m", r#"["c"]"#) && !ok("m", "a"));
        assert!(ok("l", "") && ok("l", "https://a") && !ok("l", "https://example.com"));
        assert!(ok("l", "http://a/b") && ok("l", "HTTPS://A"));
        for bad in [
            "javascript:1",
            "JavaScript:x",
            "data:,x",
            "ftp://a",
            "//a/b",
            "a b",
            "/x",
        ] {
            assert!(!ok("l", bad), "{bad}");
        }
        assert!(ok("r", "") && ok("r", "0") && ok("r", "5") && !ok("r", "6") && !ok("r", "x"));
        assert!(ok("u", "anything"));
        assert_eq!(check(&d, "zzz", "").unwrap_err(), "unknown custom props");
    }

    #[test]
    fn definitions_are_checked() {
        assert_eq!(parse(DEFAULT).unwrap().len(), 2);
        assert!(parse("{}").is_err());
        assert!(parse(r#"[{"id":"","name":"x","type":"text"}]"#).is_err());
        assert!(parse(r#"[{"id":"a b","name":"x","type":"text"}]"#).is_err());
        assert!(parse(r#"[{"id":"a","name":"x","type":"select"}]"#).is_err());
        assert!(
            parse(r#"[{"id":"a","name":"x","type":"text"},{"id":"a","name":"y","type":"text"}]"#)
                .is_err()
        );
        assert!(load("garbage").is_empty());
    }
}
