//! Blob keys from a policy's name rules (spec §8.3): `dir_name_rule` and `file_name_rule` with
//! placeholders, joined as `clean(dir) + "/" + file`.
//!
//! User-supplied parts (`{path}`, `{originname}` and what derives from it) are sanitized so the
//! key never gains a component, `..` or NUL from them; random parts come from the thread-local
//! CSPRNG. Times are rendered in UTC.

use chrono::{DateTime, Utc};
use rand::{Rng, distr::Alphanumeric};

use super::{StorageError, local::RESERVED_PREFIX};

/// Longest key component most filesystems accept (`NAME_MAX`).
const MAX_COMPONENT: usize = 255;
/// Placeholders allowed in a directory rule; the file rule also has [`FILE_ONLY`].
const DIR_PLACEHOLDERS: &[&str] = &[
    "randomkey16",
    "randomkey8",
    "timestamp",
    "timestamp_nano",
    "randomnum2",
    "randomnum3",
    "randomnum4",
    "randomnum8",
    "uid",
    "datetime",
    "date",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "path",
];
/// Placeholders only the file rule knows.
const FILE_ONLY: &[&str] = &["originname", "ext", "originname_without_ext", "uuid"];

/// What a key is rendered from.
#[derive(Debug, Clone)]
pub struct KeyContext {
    /// Owner's numeric id (`{uid}`).
    pub uid: i64,
    /// Virtual parent folder of the file, made of validated names (`docs/2024`, `""` for the
    /// root); rendered by `{path}` with a trailing `/`.
    pub path: String,
    /// The file's name as uploaded (`{originname}`, `{ext}`, `{originname_without_ext}`).
    pub origin_name: String,
    /// The instant the date and time placeholders show.
    pub now: DateTime<Utc>,
}

impl KeyContext {
    /// A context stamped with the current time.
    pub fn new(uid: i64, path: impl Into<String>, origin_name: impl Into<String>) -> Self {
        Self {
            uid,
            path: path.into(),
            origin_name: origin_name.into(),
            now: Utc::now(),
        }
    }
}

/// Replaces every placeholder of `rule` (all of spec §8.3, file rule set); unknown ones stay as
/// written. Each occurrence of a random placeholder gets a fresh value. `{randomnumN}` is `N`
/// random decimal digits; `{ext}` includes its dot (`.jpg`), empty when the name has none.
pub fn render(rule: &str, ctx: &KeyContext) -> String {
    render_with(rule, ctx, true)
}

/// Like [`render`] with the directory rule's placeholder set: `{originname}`, `{ext}`,
/// `{originname_without_ext}` and `{uuid}` stay as written.
pub fn render_dir(rule: &str, ctx: &KeyContext) -> String {
    render_with(rule, ctx, false)
}

/// Whether every key the rules render is new: one of them holds a random part long enough
/// never to repeat (`{randomkey16}`, `{randomkey8}` or `{uuid}`).
pub fn unique(dir_rule: &str, file_rule: &str) -> bool {
    ["{randomkey16}", "{randomkey8}"]
        .iter()
        .any(|p| dir_rule.contains(p) || file_rule.contains(p))
        || file_rule.contains("{uuid}")
}

/// The blob key of a new upload: `clean(render_dir(dir_rule)) + "/" + render(file_rule)`.
/// An absolute dir rule gives an absolute key. Empty and `.` components are dropped, overlong
/// ones shortened (keeping the extension), and a component in the storage drivers' reserved
/// namespace is prefixed with `_`. A rule that itself produces `..` or no file name is refused.
pub fn blob_key(dir_rule: &str, file_rule: &str, ctx: &KeyContext) -> Result<String, StorageError> {
    let dir = render_dir(dir_rule, ctx);
    let file = render(file_rule, ctx);
    let absolute = dir.starts_with('/');
    let clean = |s: &str| -> Result<Vec<String>, StorageError> {
        s.split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .map(|c| match c {
                ".." => Err(StorageError::InvalidKey(format!(
                    "naming rule produces `..`: {dir_rule:?} / {file_rule:?}"
                ))),
                c if c.starts_with(RESERVED_PREFIX) => Ok(fit_component(&format!("_{c}"))),
                c => Ok(fit_component(c)),
            })
            .collect()
    };
    let dirs = clean(&dir)?;
    let files = clean(&file)?;
    if files.is_empty() {
        return Err(StorageError::InvalidKey(format!(
            "file naming rule {file_rule:?} produces no name"
        )));
    }
    let joined = [dirs, files].concat().join("/");
    Ok(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

fn render_with(rule: &str, ctx: &KeyContext, file: bool) -> String {
    let mut out = String::with_capacity(rule.len() + 32);
    let mut rest = rule;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[1..close];
        if name.contains('{') {
            out.push('{');
            rest = &rest[1..];
            continue;
        }
        let known = DIR_PLACEHOLDERS.contains(&name) || (file && FILE_ONLY.contains(&name));
        match value(name, ctx).filter(|_| known) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn value(name: &str, ctx: &KeyContext) -> Option<String> {
    let now = ctx.now;
    let (stem, ext) = split_ext(&ctx.origin_name);
    Some(match name {
        "randomkey16" => random_key(16),
        "randomkey8" => random_key(8),
        "timestamp" => now.timestamp().to_string(),
        "timestamp_nano" => now.timestamp_nanos_opt().unwrap_or_default().to_string(),
        "randomnum2" => random_digits(2),
        "randomnum3" => random_digits(3),
        "randomnum4" => random_digits(4),
        "randomnum8" => random_digits(8),
        "uid" => ctx.uid.to_string(),
        "datetime" => now.format("%Y%m%d%H%M%S").to_string(),
        "date" => now.format("%Y%m%d").to_string(),
        "year" => now.format("%Y").to_string(),
        "month" => now.format("%m").to_string(),
        "day" => now.format("%d").to_string(),
        "hour" => now.format("%H").to_string(),
        "minute" => now.format("%M").to_string(),
        "second" => now.format("%S").to_string(),
        "path" => virtual_path(&ctx.path),
        "originname" => sanitize(&ctx.origin_name),
        "ext" => sanitize(ext),
        "originname_without_ext" => sanitize(stem),
        "uuid" => uuid::Uuid::new_v4().to_string(),
        _ => return None,
    })
}

/// `photo.jpg` → (`photo`, `.jpg`); a leading dot alone is not an extension (`.bashrc`).
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    }
}

fn random_key(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// One user-supplied name as a single safe component: no separators or NUL, never `.`/`..`.
fn sanitize(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '\0' => '_',
            c => c,
        })
        .collect();
    match clean.as_str() {
        "." | ".." => "_".repeat(clean.len()),
        _ => clean,
    }
}

/// `{path}`: the virtual parent folder, each name sanitized, with a trailing `/` (empty at the
/// root, so a rule like `{path}{originname}` never yields an absolute key).
fn virtual_path(path: &str) -> String {
    path.split(['/', '\\'])
        .filter(|segment| !segment.is_empty())
        .map(|segment| sanitize(segment) + "/")
        .collect()
}

/// Shortens a component to [`MAX_COMPONENT`] bytes at a character boundary, keeping a short
/// extension.
fn fit_component(component: &str) -> String {
    if component.len() <= MAX_COMPONENT {
        return component.to_owned();
    }
    let (stem, ext) = split_ext(component);
    let ext = if ext.len() <= 16 { ext } else { "" };
    let stem = if ext.is_empty() { component } else { stem };
    let mut cut = MAX_COMPONENT - ext.len();
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn rules_with_a_long_random_part_make_unique_keys() {
        assert!(unique(
            "uploads/{uid}/{path}",
            "{uid}_{randomkey8}_{originname}"
        ));
        assert!(unique("{randomkey16}", "{originname}"));
        assert!(unique("x", "{uuid}{ext}"));
        assert!(!unique("uploads/{uid}/{path}", "{originname}"));
        assert!(!unique("{timestamp}", "{randomnum4}_{originname}"));
        // In the directory rule `{uuid}` is not replaced.
        assert!(!unique("{uuid}", "{originname}"));
    }

    const DIR: &str = "/srv/data/uploads/{uid}/{path}";
    const FILE: &str = "{uid}_{randomkey8}_{originname}";

    #[test]
    fn default_rules_give_a_key_under_the_uploads_folder() {
        let ctx = KeyContext::new(7, "docs/2024", "report.pdf");
        let key = blob_key(DIR, FILE, &ctx).unwrap();
        let rest = key
            .strip_prefix("/srv/data/uploads/7/docs/2024/7_")
            .unwrap();
        assert_eq!(rest.len(), 8 + "_report.pdf".len(), "{key}");
        assert!(rest.ends_with("_report.pdf"));
    }

    #[test]
    fn user_parts_cannot_escape() {
        let ctx = KeyContext::new(1, "../../etc", "../passwd");
        let key = blob_key("uploads/{path}", "{originname}", &ctx).unwrap();
        assert_eq!(key, "uploads/__/__/etc/.._passwd");
        let ctx = KeyContext::new(1, "", "..");
        assert_eq!(blob_key("u/{path}", "{originname}", &ctx).unwrap(), "u/__");
        let ctx = KeyContext::new(1, "", "...txt");
        let key = blob_key("u", "{originname_without_ext}", &ctx).unwrap();
        assert_eq!(key, "u/__");
        let ctx = KeyContext::new(1, "", ".stratus-tmp-x");
        assert_eq!(
            blob_key("u", "{originname}", &ctx).unwrap(),
            "u/_.stratus-tmp-x"
        );
    }

    #[test]
    fn rules_producing_dot_dot_or_nothing_are_refused() {
        let ctx = KeyContext::new(1, "", "a");
        assert!(blob_key("../up", "{originname}", &ctx).is_err());
        assert!(blob_key("up", "{path}", &ctx).is_err());
    }

    #[test]
    fn file_only_placeholders_stay_literal_in_dir_rules() {
        let ctx = KeyContext::new(1, "", "a.txt");
        assert_eq!(render_dir("d/{originname}/{uid}", &ctx), "d/{originname}/1");
        assert_eq!(render("{nope}{{uid}}{", &ctx), "{nope}{1}{");
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let name = format!("{}.jpeg", "é".repeat(200));
        let ctx = KeyContext::new(1, "", name);
        let key = blob_key("u", "{uid}_{originname}", &ctx).unwrap();
        let file = key.strip_prefix("u/").unwrap();
        assert!(
            file.len() <= MAX_COMPONENT && file.ends_with(".jpeg"),
            "{file}"
        );
    }

    proptest! {
        #[test]
        fn keys_never_contain_dot_dot_or_nul(
            segments in proptest::collection::vec(".{0,12}", 0..4),
            name in ".{0,40}",
        ) {
            let ctx = KeyContext::new(3, segments.join("/"), name);
            if let Ok(key) = blob_key(DIR, "{originname_without_ext}{ext}", &ctx) {
                prop_assert!(key.starts_with("/srv/data/uploads/3/"));
                prop_assert!(!key.contains('\0'));
                prop_assert!(key.split('/').all(|c| c != ".." && c != "."));
            }
        }
    }
}
