//! The file apps: draw.io and Excalidraw, editors the web UI embeds in a frame at an address the
//! administrator chooses, each off until switched on. What is on decides both what the site
//! config offers the web UI (`explorer.file_viewers`, in Cloudreve's viewer shape) and which
//! origins the page's content security policy lets it frame, so that the two never differ.

use serde_json::{Value, json};
use url::Url;

/// One file app: its Cloudreve viewer id, the extensions it opens and its settings keys.
struct App {
    id: &'static str,
    display_name: &'static str,
    exts: &'static [&'static str],
    enabled_key: &'static str,
    url_key: &'static str,
}

const APPS: &[App] = &[
    App {
        id: "drawio",
        display_name: "draw.io",
        exts: &["drawio", "dio"],
        enabled_key: "file_app_drawio_enabled",
        url_key: "file_app_drawio_url",
    },
    App {
        id: "excalidraw",
        display_name: "Excalidraw",
        exts: &["excalidraw"],
        enabled_key: "file_app_excalidraw_enabled",
        url_key: "file_app_excalidraw_url",
    },
];

/// A file app switched on with a usable address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileApp {
    pub id: &'static str,
    /// The address the web UI frames, as the administrator wrote it.
    pub url: String,
    /// Its origin (`https://embed.diagrams.net`): the only one the page may frame for it and the
    /// only one whose messages the web UI takes.
    pub origin: String,
}

/// The file apps switched on whose address is an `http`/`https` URL with a host; `get` reads a
/// setting.
pub fn enabled(get: impl Fn(&str) -> String) -> Vec<FileApp> {
    APPS.iter()
        .filter(|app| super::parse_bool(&get(app.enabled_key)))
        .filter_map(|app| {
            let url = get(app.url_key).trim().to_owned();
            let parsed = Url::parse(&url).ok()?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return None;
            }
            Some(FileApp {
                id: app.id,
                origin: parsed.origin().ascii_serialization(),
                url,
            })
        })
        .collect()
}

/// The viewer list the site config sends: the administrator's `file_viewers` without any entry of
/// a file app's id (those follow the switches only), and a group of the file apps switched on,
/// each with its address as `props.host` (where Cloudreve's web client reads draw.io's).
pub fn with_viewers(file_viewers: Option<Value>, apps: &[FileApp]) -> Option<Value> {
    let is_app = |viewer: &Value| {
        let id = viewer.get("id").and_then(Value::as_str).unwrap_or_default();
        APPS.iter().any(|app| app.id == id)
    };
    let mut groups = match file_viewers {
        Some(Value::Array(groups)) => groups,
        other if apps.is_empty() => return other,
        _ => Vec::new(),
    };
    for group in &mut groups {
        if let Some(Value::Array(viewers)) = group.get_mut("viewers") {
            viewers.retain(|v| !is_app(v));
        }
    }
    if !apps.is_empty() {
        let viewers: Vec<Value> = apps
            .iter()
            .filter_map(|on| APPS.iter().find(|app| app.id == on.id).map(|app| (app, on)))
            .map(|(app, on)| {
                json!({
                    "id": app.id,
                    "type": "builtin",
                    "display_name": app.display_name,
                    "exts": app.exts,
                    "props": {"host": on.url},
                })
            })
            .collect();
        groups.push(json!({ "viewers": viewers }));
    }
    Some(Value::Array(groups))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned().unwrap_or_default()
    }

    #[test]
    fn only_apps_switched_on_with_a_web_address_count() {
        let get = settings(&[
            ("file_app_drawio_enabled", "1"),
            (
                "file_app_drawio_url",
                "https://draw.example:8443/embed/?x=1",
            ),
            ("file_app_excalidraw_enabled", "0"),
            ("file_app_excalidraw_url", "https://ex.example"),
        ]);
        let apps = enabled(get);
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].origin, "https://draw.example:8443");
        let bad = settings(&[
            ("file_app_drawio_enabled", "1"),
            ("file_app_drawio_url", "javascript:alert(1)"),
            ("file_app_excalidraw_enabled", "1"),
            ("file_app_excalidraw_url", ""),
        ]);
        assert!(enabled(bad).is_empty());
    }

    #[test]
    fn the_switches_decide_the_viewers_sent() {
        let admin = json!([{"viewers": [{"id": "pdf"}, {"id": "drawio", "props": {"host": "https://evil.example"}}]}]);
        assert_eq!(
            with_viewers(Some(admin.clone()), &[]),
            Some(json!([{"viewers": [{"id": "pdf"}]}]))
        );
        let on = FileApp {
            id: "drawio",
            url: "https://draw.example/".into(),
            origin: "https://draw.example".into(),
        };
        let sent = with_viewers(Some(admin), &[on]).unwrap();
        assert_eq!(
            sent[1]["viewers"][0]["props"]["host"],
            "https://draw.example/"
        );
        assert_eq!(sent[1]["viewers"][0]["exts"], json!(["drawio", "dio"]));
    }
}
