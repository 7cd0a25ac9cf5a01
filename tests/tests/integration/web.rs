//! Everything outside `/api/v4`: the web UI fallback, manifest, health, metrics and docs.

use serde_json::Value;
use stratus_tests::TestServer;

/// A server whose UI folder holds `files` (path in the folder, contents); the folder is
/// removed when the returned guard is dropped.
async fn with_frontend(files: &[(&str, &str)]) -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let root = dir.path().to_path_buf();
    let server = TestServer::start_with(move |c| c.frontend_dir = Some(root)).await;
    (dir, server)
}

/// Without a built UI (an empty `frontend_dir`), every page is the placeholder.
#[tokio::test]
async fn root_and_client_routes_serve_the_page_with_site_values() {
    let (_empty, server) = with_frontend(&[]).await;
    for path in ["/", "/home", "/session?redirect=/home", "/home/Docs/deep"] {
        let resp = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(resp.headers()["cache-control"], "no-cache");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<title>Stratus</title>"), "{path}: {html}");
        assert!(!html.contains("{siteName}"));
        assert!(html.contains("/api/v4/docs"));
    }
}

/// Windows' WebDAV client and Office probe the server's root with OPTIONS before they use the
/// mount, without credentials; a page of the web UI answers OPTIONS with what it allows.
#[tokio::test]
async fn options_on_the_root_announces_webdav_and_pages_answer_options() {
    let server = TestServer::start().await;
    let options = reqwest::Method::OPTIONS;
    let resp = server
        .client
        .request(options.clone(), server.url("/"))
        .header("user-agent", "Microsoft-WebDAV-MiniRedir/10.0.19045")
        .header("translate", "f")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["ms-author-via"], "DAV");
    assert_eq!(resp.headers()["dav"], "1, 2");
    assert_eq!(resp.headers()["allow"], "OPTIONS, GET, HEAD");
    assert!(resp.bytes().await.unwrap().is_empty());

    let resp = server
        .client
        .request(options, server.url("/home"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["allow"], "OPTIONS, GET, HEAD");
    assert!(resp.headers().get("dav").is_none());

    // Other methods stay refused outside the API and the mount.
    for method in ["POST", "PUT", "DELETE", "PROPFIND"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = server
            .client
            .request(method.clone(), server.url("/"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405, "{method}");
    }
}

#[tokio::test]
async fn site_name_is_escaped_in_the_page() {
    let (_empty, server) = with_frontend(&[]).await;
    server
        .state
        .settings
        .set(&[("siteName", "<script>x</script>")])
        .await
        .unwrap();
    let html = server
        .client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!html.contains("<title><script>"));
}

#[tokio::test]
async fn frontend_folder_is_served_with_cache_rules() {
    let (_dir, server) = with_frontend(&[
        (
            "index.html",
            "<html><title>{siteName}</title><body style=\"color:var(--defaultThemeColor)\">app</body></html>",
        ),
        ("assets/app-1234.js", "console.log(1)"),
        ("sw.js", "self"),
    ])
    .await;

    let js = server
        .client
        .get(server.url("/assets/app-1234.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(
        js.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert_eq!(js.text().await.unwrap(), "console.log(1)");

    let sw = server
        .client
        .get(server.url("/sw.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(sw.headers()["cache-control"], "no-cache");

    let missing = server
        .client
        .get(server.url("/assets/gone.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let page = server
        .client
        .get(server.url("/home/docs"))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert_eq!(
        html,
        "<html><title>Stratus</title><body style=\"color:#1976d2\">app</body></html>"
    );

    // Traversal out of the folder is not possible.
    let escape = server
        .client
        .get(server.url("/assets/..%2F..%2Fetc%2Fpasswd"))
        .send()
        .await
        .unwrap();
    assert!(escape.status() == 404 || escape.status() == 400);
}

/// The UI's build writes `.br` and `.gz` beside each asset; the server picks the best one the
/// client accepts, says so in `Content-Encoding`, and keeps the type of the plain file.
#[tokio::test]
async fn precompressed_assets_follow_accept_encoding() {
    let (_dir, server) = with_frontend(&[
        ("index.html", "<html>{siteName}</html>"),
        ("index.html.gz", "stale gzip"),
        ("assets/app-1a2b.js", "plain"),
        ("assets/app-1a2b.js.br", "brotli"),
        ("assets/app-1a2b.js.gz", "gzip"),
        ("assets/only-plain-9f.css", "body{}"),
    ])
    .await;

    let get = |path: &'static str, accept: Option<&'static str>| {
        let mut req = server.client.get(server.url(path));
        if let Some(accept) = accept {
            req = req.header("accept-encoding", accept);
        }
        req.send()
    };
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli"),
        (Some("gzip"), Some("gzip"), "gzip"),
        (Some("br;q=0, gzip;q=0.8"), Some("gzip"), "gzip"),
        (Some("*"), Some("br"), "brotli"),
        (Some("identity"), None, "plain"),
        (None, None, "plain"),
    ] {
        let resp = get("/assets/app-1a2b.js", accept).await.unwrap();
        assert_eq!(resp.status(), 200, "{accept:?}");
        let headers = resp.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["vary"], "Accept-Encoding", "{accept:?}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .contains("javascript"),
            "{accept:?}"
        );
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(resp.text().await.unwrap(), body, "{accept:?}");
    }

    // An asset built without compressed forms is sent as it is.
    let css = get("/assets/only-plain-9f.css", Some("br, gzip"))
        .await
        .unwrap();
    assert!(css.headers().get("content-encoding").is_none());
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("css")
    );
    assert_eq!(css.text().await.unwrap(), "body{}");

    // The page is filled per request: never a precompressed copy, never cached.
    for path in ["/", "/index.html", "/home"] {
        let page = get(path, Some("gzip, br")).await.unwrap();
        assert!(page.headers().get("content-encoding").is_none(), "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(page.text().await.unwrap(), "<html>Stratus</html>", "{path}");
    }
}

/// The binary serves the UI built into `frontend/dist` (embedded at compile time in release
/// builds, read from that folder in debug builds). CI builds the UI before the Rust tests;
/// a checkout where it was never built gets the placeholder.
#[tokio::test]
async fn the_built_ui_in_frontend_dist_is_served() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    let server = TestServer::start().await;
    let html = server
        .client
        .get(server.url("/home"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let Ok(built) = std::fs::read_to_string(dist.join("index.html")) else {
        assert!(
            html.contains("/api/v4/docs"),
            "placeholder expected: {html}"
        );
        return;
    };
    assert!(!html.contains("/api/v4/docs"), "placeholder served: {html}");
    let script = built
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|src| src.starts_with("/assets/") && src.ends_with(".js"))
        .expect("index.html loads a script from /assets/");
    assert!(html.contains(script), "{html}");

    let plain = std::fs::read(dist.join(script.trim_start_matches('/'))).unwrap();
    let resp = server.client.get(server.url(script)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), plain.as_slice());
    let brotli = std::fs::read(dist.join(format!("{}.br", script.trim_start_matches('/'))))
        .expect("the build writes a .br beside each script");
    let resp = server
        .client
        .get(server.url(script))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "br");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), brotli.as_slice());
}

#[tokio::test]
async fn manifest_is_built_from_settings() {
    let server = TestServer::start().await;
    let manifest: Value = server
        .client
        .get(server.url("/manifest.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["name"], "Stratus");
    assert_eq!(manifest["short_name"], "Stratus");
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["icons"].as_array().unwrap().len(), 3);
    assert_eq!(manifest["icons"][1]["sizes"], "192x192");
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");

    server.state.db.clone().close().await.unwrap();
    let resp = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
}

/// `/healthz` until it answers `status`, for at most a few intervals of the storage probe,
/// whose answer is reused for a few seconds.
async fn healthz_until(server: &TestServer, status: u16) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let resp = server
            .client
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap();
        let got = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        if got == status {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "healthz stayed {got}: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn healthz_reports_storage_that_cannot_be_written() {
    let server = TestServer::start().await;
    let body = healthz_until(&server, 200).await;
    assert_eq!(body["storage"], "ok", "{body}");

    // The default policy's folder becomes a file: nothing can be written there.
    let uploads = server.data_dir.join("uploads");
    let aside = server.data_dir.join("uploads-aside");
    std::fs::rename(&uploads, &aside).unwrap();
    std::fs::write(&uploads, b"not a folder").unwrap();
    let body = healthz_until(&server, 503).await;
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
    assert_eq!(body["storage"], "unwritable", "{body}");

    std::fs::remove_file(&uploads).unwrap();
    std::fs::rename(&aside, &uploads).unwrap();
    let body = healthz_until(&server, 200).await;
    assert_eq!(body["storage"], "ok", "{body}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_bytes() {
    let server = TestServer::start().await;
    for _ in 0..3 {
        server.get_api("/site/ping").await;
    }
    server.get_api("/nope").await;
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ping_line = text
        .lines()
        .find(|l| l.starts_with("stratus_http_requests_total") && l.contains("route=\"ping_site\""))
        .unwrap_or_else(|| panic!("no ping_site counter in:\n{text}"));
    assert!(ping_line.contains("status=\"200\""));
    assert!(ping_line.ends_with(" 3"), "{ping_line}");
    assert!(text.contains("route=\"api_unmatched\""));
    assert!(text.contains("stratus_http_request_duration_seconds_bucket"));
    let sent = text
        .lines()
        .find(|l| l.starts_with("stratus_http_sent_bytes_total"))
        .unwrap();
    let sent: u64 = sent.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(sent > 0);
}

#[tokio::test]
async fn api_docs_and_spec_are_served() {
    let server = TestServer::start().await;
    let docs = server
        .client
        .get(server.url("/api/v4/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("swagger")
    );
    let spec: Value = server
        .client
        .get(server.url("/api/v4/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/site/ping"].is_object());
}

#[tokio::test]
async fn stop_finishes_cleanly() {
    let server = TestServer::start().await;
    let base = server.base.clone();
    server.stop().await;
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}

/// The page's `Content-Security-Policy` and `X-Frame-Options`, and its body.
async fn page(server: &TestServer, path: &str) -> (String, String, String) {
    let resp = server.client.get(server.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (csp, frames) = (header("content-security-policy"), header("x-frame-options"));
    (csp, frames, resp.text().await.unwrap())
}

/// The web UI's page runs only the site's own scripts and the administrator's `siteScript`
/// (through the page's nonce), and refuses to be framed.
#[tokio::test]
async fn the_page_allows_only_its_own_scripts_and_no_framing() {
    let (_dir, server) = with_frontend(&[(
        "index.html",
        "<html><head><script type=\"module\" src=\"/assets/app-1.js\"></script></head>\
         <body>{siteScript}</body></html>",
    )])
    .await;
    server
        .state
        .settings
        .set(&[("siteScript", "<script>window.analytics = 1</script>")])
        .await
        .unwrap();
    let mut nonces = Vec::new();
    for path in ["/", "/home", "/session"] {
        let (csp, frames, html) = page(&server, path).await;
        assert_eq!(frames, "DENY", "{path}");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        assert!(directives.contains(&"frame-ancestors 'none'"), "{csp}");
        assert!(directives.contains(&"object-src 'none'"), "{csp}");
        assert!(directives.contains(&"default-src 'self'"), "{csp}");
        let scripts = directives
            .iter()
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_else(|| panic!("no script-src in {csp:?}"));
        let nonce = scripts
            .split_whitespace()
            .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
            .unwrap_or_else(|| panic!("no nonce in {scripts}"));
        assert!(!scripts.contains("unsafe"), "{scripts}");
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count(),
            2,
            "{html}"
        );
        nonces.push(nonce.to_owned());
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a nonce per answer: {nonces:?}");

    // The placeholder page too.
    let (_empty, bare) = with_frontend(&[]).await;
    let (csp, frames, _) = page(&bare, "/").await;
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(frames, "DENY");
}

/// The icons that the default settings, the manifest and `index.html` name are served, with
/// `/favicon.ico` and a `robots.txt` that keeps crawlers out; other missing files are 404,
/// not the page.
#[tokio::test]
async fn site_icons_and_robots_are_served_and_missing_files_are_not_found() {
    let server = TestServer::start().await;
    let get = |path: String| server.client.get(server.url(&path)).send();
    let mut named = Vec::new();
    for key in [
        "site_logo",
        "site_logo_light",
        "pwa_small_icon",
        "pwa_medium_icon",
        "pwa_large_icon",
    ] {
        named.push(server.state.settings.get(key).await.unwrap());
    }
    let manifest: Value = get("/manifest.json".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for icon in manifest["icons"].as_array().unwrap() {
        named.push(icon["src"].as_str().unwrap().to_owned());
    }
    named.push("/favicon.ico".into());
    for path in named {
        let resp = get(path.clone()).await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("image/"), "{path}: {kind}");
        assert!(!resp.bytes().await.unwrap().is_empty(), "{path}");
    }

    let robots = get("/robots.txt".into()).await.unwrap();
    assert_eq!(robots.status(), 200);
    assert!(
        robots.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let robots = robots.text().await.unwrap();
    assert!(
        robots.contains("User-agent: *") && robots.contains("Disallow: /"),
        "{robots}"
    );

    for missing in [
        "/static/img/nope.png",
        "/static/js/main.js",
        "/nope.js",
        "/apple-touch-icon.png",
        "/home/report.pdf",
    ] {
        let resp = get(missing.into()).await.unwrap();
        assert_eq!(resp.status(), 404, "{missing}");
    }
    // Client-side routes are still the page.
    let home = get("/home/Docs".into()).await.unwrap();
    assert_eq!(home.status(), 200);

    // A user without an avatar: 404 with no body, as Cloudreve answers.
    let user = server.create_user("ann@example.com", "password123").await;
    let id = server
        .state
        .ids
        .encode(user.id, stratus_server::ids::IdKind::User);
    let avatar = get(format!("/api/v4/user/avatar/{id}")).await.unwrap();
    assert_eq!(avatar.status(), 404);
    assert!(avatar.bytes().await.unwrap().is_empty());
}
