//! Everything outside `/api/v4` that a browser loads: the web UI (embedded in the binary, or a
//! folder named in the config) with the single-page-app fallback and its content security
//! policy, the site's icons and `robots.txt`, and `/manifest.json`.

mod load_handlers;

use std::{borrow::Cow, path::PathBuf};

use base64::{Engine, prelude::BASE64_STANDARD};
use poem::{
    Body, IntoResponse, Response, handler,
    http::{HeaderValue, Method, StatusCode, header},
    web::{Data, Json},
};
use rust_embed::RustEmbed;
use serde_json::json;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::{
    fs::uri::{FileUri, FsKind},
    settings::file_apps,
    state::AppState,
};

/// The built web UI (`frontend/dist`). The folder is relative to this crate (rust-embed takes
/// `$CARGO_MANIFEST_DIR` literally unless told to interpolate it); `build.rs` makes sure it
/// exists and has cargo rebuild the binary whenever its content changes. An empty folder
/// leaves the placeholder page.
#[derive(RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Frontend;

/// Files every site serves whatever UI is built: the icons the default settings and
/// `index.html` name (`static/img/`), and `robots.txt`. A built UI's file of the same path
/// wins. `site-icon.svg` beside the folder is the drawing the PNG and ICO icons were
/// rendered from.
#[derive(RustEmbed)]
#[folder = "assets/site"]
struct SiteFiles;

/// Shown at `/` when no web UI was built.
const PLACEHOLDER: &str = include_str!("../assets/placeholder.html");

/// The policy of the web UI's page. Scripts come only from the site itself, and from the
/// administrator's `siteScript`, whose `<script>` tags carry the page's nonce (scripts those
/// load from elsewhere are refused). Styles may be inline: Mantine sets CSS variables in
/// `style` attributes and a `<style>` element. Pictures, media and requests may go to other
/// origins: thumbnails, previews and downloads come from presigned bucket URLs, and uploads
/// go to buckets and storage nodes, none of which the page knows in advance. The page is
/// never framed. No inline event handler runs: the `onload` that builds put on their
/// stylesheet links is turned into the attributes it sets when the page is sent
/// ([`load_handlers`]).
///
/// Stylesheets and fonts may also be `blob:` URLs: the ePub reader draws a book's chapters in
/// `srcdoc` frames (which live under this policy) whose stylesheets and fonts it unpacks from
/// the book into blobs. Only the page's own scripts can make a `blob:` URL, and a stylesheet or
/// font runs no script, so this lets in no code. Frames (`frame-src`) may show the site's own
/// pages and the file apps' origins the administrator switched on (`{frames}`), nothing else.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'nonce-{nonce}'; \
    style-src 'self' 'unsafe-inline' blob:; img-src 'self' data: blob: https: http:; \
    media-src 'self' blob: https: http:; connect-src 'self' https: http:; \
    font-src 'self' data: blob:; worker-src 'self' blob:; frame-src 'self'{frames}; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// `GET /manifest.json`: the PWA manifest from the site settings.
#[handler]
pub async fn manifest(state: Data<&AppState>) -> poem::Result<Response> {
    let s = state
        .settings
        .all()
        .await
        .map_err(poem::error::InternalServerError)?;
    let get = |k: &str| s.get(k).cloned().unwrap_or_default();
    let body = json!({
        "short_name": get("siteName"),
        "name": get("siteName"),
        "icons": [
            {"src": get("pwa_small_icon"), "sizes": "64x64 32x32 24x24 16x16", "type": "image/x-icon"},
            {"src": get("pwa_medium_icon"), "sizes": "192x192", "type": "image/png"},
            {"src": get("pwa_large_icon"), "sizes": "512x512", "type": "image/png"}
        ],
        "start_url": ".",
        "display": get("pwa_display"),
        "theme_color": get("pwa_theme_color"),
        "background_color": get("pwa_background_color"),
    });
    Ok(Json(body).into_response())
}

/// `GET /s/:id` and `/s/:id/:password`: 302 to the web UI's explorer opened on the share
/// (`/home?path=cloudreve://<id>[:<password>]@share`). Nothing is looked up here: the web UI
/// asks `GET /api/v4/share/info/:id` next, which checks the share.
#[handler]
pub fn share_redirect(req: &poem::Request) -> Response {
    let mut parts = req
        .uri()
        .path()
        .trim_start_matches("/s/")
        .splitn(2, '/')
        .map(|p| crate::fs::uri::percent_decode_strict(p).unwrap_or_default());
    let mut uri = FileUri::root(FsKind::Share, parts.next().filter(|s| !s.is_empty()));
    uri.password = parts.next().filter(|s| !s.is_empty());
    // Cloudreve 3's links name a folder inside the share with `?path=/sub/dir`; other
    // parameters are handed on to the explorer.
    let mut extra = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()) {
        if key == "path" {
            let below = value
                .split('/')
                .filter(|s| !s.is_empty())
                .try_fold(uri.clone(), |at, name| at.join(name));
            // A path that names no valid folder leaves the share's root.
            if let Ok(below) = below {
                uri = below;
            }
        } else {
            extra.append_pair(&key, &value);
        }
    }
    let path = utf8_percent_encode(&uri.to_string(), NON_ALPHANUMERIC).to_string();
    let extra = extra.finish();
    let location = if extra.is_empty() {
        format!("/home?path={path}")
    } else {
        format!("/home?path={path}&{extra}")
    };
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-cache")
        .finish()
}

/// Any other `GET`: a file of the web UI, or `index.html` for client-side routes.
#[handler]
pub async fn frontend(req: &poem::Request, state: Data<&AppState>) -> poem::Result<Response> {
    let path = req.uri().path().trim_start_matches('/');
    if *req.method() == Method::OPTIONS {
        return Ok(options(path.is_empty()));
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(StatusCode::METHOD_NOT_ALLOWED.into_response());
    }
    if !path.is_empty() && path != "index.html" {
        let accept = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if let Some((bytes, encoding)) =
            encoded_asset(state.config.frontend_dir.as_ref(), path, accept).await
        {
            return Ok(static_file(path, bytes, encoding));
        }
        // Browsers ask for `/favicon.ico` whatever the page names.
        let own = if path == "favicon.ico" {
            "static/img/favicon.ico"
        } else {
            path
        };
        if let Some(file) = SiteFiles::get(own) {
            return Ok(static_file(own, file.data, None));
        }
    }
    // A missing file (under a static folder, or a name with an extension) is a real 404,
    // not a client-side route.
    if is_file_path(path) {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    let template = match asset(state.config.frontend_dir.as_ref(), "index.html").await {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => PLACEHOLDER.to_owned(),
    };
    let s = state
        .settings
        .all()
        .await
        .map_err(poem::error::InternalServerError)?;
    let get = |k: &str| s.get(k).cloned().unwrap_or_default();
    let nonce = BASE64_STANDARD.encode(rand::random::<[u8; 16]>());
    let html = with_nonce(
        &load_handlers::apply(&render_index(&template, |k| get(k))),
        &nonce,
    );
    Ok(Response::builder()
        .content_type("text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(
            header::CONTENT_SECURITY_POLICY,
            PAGE_POLICY
                .replace("{nonce}", &nonce)
                .replace("{frames}", &frame_origins(|k| get(k))),
        )
        .header(header::X_FRAME_OPTIONS, "DENY")
        .body(html))
}

/// Whether `path` (without its leading `/`) names a file rather than a page of the web UI:
/// anything under the build's and the site's static folders, or a last segment with an
/// extension. Client-side routes have neither; `index.html` is the page.
fn is_file_path(path: &str) -> bool {
    path != "index.html"
        && (path.starts_with("assets/")
            || path.starts_with("static/")
            || path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.')))
}

/// The origins of the file apps switched on, each after a space, for the policy's `frame-src`.
/// They are serialized origins (scheme, host, port), so a setting cannot add a directive.
fn frame_origins(get: impl Fn(&str) -> String) -> String {
    let mut origins: Vec<String> = file_apps::enabled(get)
        .into_iter()
        .map(|app| app.origin)
        .collect();
    origins.dedup();
    origins.iter().map(|origin| format!(" {origin}")).collect()
}

/// Gives every `<script` tag of the page `nonce`, so that the scripts the page carries (the
/// build's and the administrator's `siteScript`) run under [`PAGE_POLICY`].
fn with_nonce(html: &str, nonce: &str) -> String {
    html.replace("<script", &format!("<script nonce=\"{nonce}\""))
}

/// `OPTIONS` on a page of the web UI. Windows' WebDAV client and Microsoft Office send it
/// to the server's root whatever folder is mounted (`/dav` here), and give up on the mount
/// when the answer is an error, a redirect or lacks `MS-Author-Via: DAV`; so the root says
/// it speaks WebDAV, while the mount itself is `/dav`.
fn options(root: bool) -> Response {
    let answer = Response::builder()
        .header(header::ALLOW, "OPTIONS, GET, HEAD")
        .header(header::CONTENT_LENGTH, "0");
    if root {
        answer
            .header("DAV", "1, 2")
            .header("MS-Author-Via", "DAV")
            .finish()
    } else {
        answer.finish()
    }
}

/// Fills the placeholders the web UI's `index.html` carries (spec §2.1).
pub fn render_index(template: &str, setting: impl Fn(&str) -> String) -> String {
    let mut html = template.to_owned();
    for key in [
        "siteName",
        "siteDes",
        "siteScript",
        "pwa_small_icon",
        "pwa_medium_icon",
    ] {
        let value = if key == "siteScript" {
            // An admin-provided snippet, inserted as is by design.
            setting(key)
        } else {
            escape_html(&setting(key))
        };
        html = html.replace(&format!("{{{key}}}"), &value);
    }
    html.replace(
        "var(--defaultThemeColor)",
        &escape_html(&setting("defaultTheme")),
    )
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

async fn asset(dir: Option<&PathBuf>, path: &str) -> Option<Cow<'static, [u8]>> {
    if path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
        return None;
    }
    match dir {
        Some(dir) => tokio::fs::read(dir.join(path)).await.ok().map(Cow::Owned),
        None => Frontend::get(path).map(|f| f.data),
    }
}

/// The encodings the UI's build writes beside each asset (`app.js.br`, `app.js.gz`), best first,
/// with the `Content-Encoding` each one is served with.
const PRECOMPRESSED: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// A file of the web UI in the best precompressed form the client accepts, or as it is.
async fn encoded_asset(
    dir: Option<&PathBuf>,
    path: &str,
    accept_encoding: &str,
) -> Option<(Cow<'static, [u8]>, Option<&'static str>)> {
    for (coding, suffix) in PRECOMPRESSED {
        if accepts(accept_encoding, coding)
            && let Some(bytes) = asset(dir, &format!("{path}{suffix}")).await
        {
            return Some((bytes, Some(coding)));
        }
    }
    asset(dir, path).await.map(|bytes| (bytes, None))
}

/// Whether an `Accept-Encoding` value admits `coding` (named or through `*`, with a non-zero
/// `q`). An explicit `coding;q=0` wins over `*`.
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut wildcard = false;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return q > 0.0;
        }
        if name == "*" {
            wildcard = q > 0.0;
        }
    }
    wildcard
}

fn static_file(path: &str, bytes: Cow<'static, [u8]>, encoding: Option<&'static str>) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Hashed build output never changes; everything else is revalidated.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut resp = Response::builder()
        .content_type(mime.as_ref())
        .body(Body::from_vec(bytes.into_owned()));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Caches must keep the encoded and plain forms apart.
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(coding) = encoding {
        resp.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_placeholders_are_filled_and_escaped() {
        let html = render_index(
            "<title>{siteName}</title>{siteName}<x style=\"c:var(--defaultThemeColor)\">{siteScript}",
            |k| match k {
                "siteName" => "A<b>".into(),
                "defaultTheme" => "#123456".into(),
                "siteScript" => "<script>1</script>".into(),
                _ => String::new(),
            },
        );
        assert_eq!(
            html,
            "<title>A&lt;b&gt;</title>A&lt;b&gt;<x style=\"c:#123456\"><script>1</script>"
        );
    }

    #[test]
    fn file_paths_are_not_pages() {
        for file in [
            "static/img/x.png",
            "assets/a",
            "favicon.ico",
            "a/b.json",
            "static/x",
        ] {
            assert!(is_file_path(file), "{file}");
        }
        for page in [
            "",
            "index.html",
            "home",
            "home/Docs",
            "session/reset",
            "session/authorize",
            "callback/desktop",
            "callback/ios",
        ] {
            assert!(!is_file_path(page), "{page}");
        }
    }

    #[test]
    fn scripts_get_the_nonce() {
        assert_eq!(
            with_nonce("<script src=\"/a.js\"></script><script>1</script>", "n0"),
            "<script nonce=\"n0\" src=\"/a.js\"></script><script nonce=\"n0\">1</script>"
        );
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.5, br;q=1.0", "gzip"));
        assert!(!accepts("gzip, deflate", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("*;q=0", "gzip"));
        assert!(!accepts("", "gzip"));
        assert!(accepts("GZIP", "gzip"));
    }
}
