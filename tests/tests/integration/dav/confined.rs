//! Files a browser would render as a page (HTML, SVG) are confined when read through `/dav`,
//! as on the content route: a WebDAV URL with credentials in it opens on the site's own
//! origin, where the web UI keeps its session.

use reqwest::Response;
use serde_json::json;

use super::{PW, dav, password, setup};

const ANN: &str = "ann@example.com";
const BOB: &str = "bob@example.com";

const PAGES: [(&str, &str); 2] = [
    (
        "steal.html",
        "<script>fetch('/x?'+JSON.stringify(localStorage))</script>",
    ),
    (
        "pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    ),
];

/// The answer is an attachment, sandboxed, and its type is not sniffed.
fn assert_confined(resp: &Response, what: &str) {
    let h = resp.headers();
    let header = |name: &str| {
        h.get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(
        header("content-security-policy"),
        "sandbox",
        "{what}: {h:?}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}: {h:?}");
    assert!(
        header("content-disposition").starts_with("attachment;"),
        "{what}: {h:?}"
    );
}

#[tokio::test]
async fn pages_read_through_dav_are_attachments_in_a_sandbox() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let put =
        |path: String, body: &'static str| dav(&server, "PUT", &path, ANN, &pw).body(body).send();
    assert_eq!(
        dav(&server, "MKCOL", "/web", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    for (name, body) in PAGES {
        assert_eq!(
            put(format!("/web/{name}"), body).await.unwrap().status(),
            201
        );
    }
    assert_eq!(
        put("/web/a.txt".into(), "plain").await.unwrap().status(),
        201
    );

    // Ann's own mount.
    for (name, body) in PAGES {
        for method in ["GET", "HEAD"] {
            let resp = dav(&server, method, &format!("/web/{name}"), ANN, &pw)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{method} {name}");
            assert_confined(&resp, &format!("{method} {name}"));
            if method == "GET" {
                assert_eq!(resp.text().await.unwrap(), body);
            }
        }
    }
    // Plain text stays readable inline, still sandboxed.
    let text = dav(&server, "GET", "/web/a.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(text.headers()["content-security-policy"], "sandbox");
    assert!(!text.headers().contains_key("content-disposition"));
    assert_eq!(text.text().await.unwrap(), "plain");

    // Bob's mount of Ann's shared folder.
    let (id, _) = server.share(&ann, "cloudreve://my/web", json!({})).await;
    server.create_user(BOB, PW).await;
    let bob = server.login(BOB, PW).await;
    let bob_pw = password(&server, &bob, &format!("cloudreve://{id}@share")).await;
    for (name, body) in PAGES {
        let resp = dav(&server, "GET", &format!("/{name}"), BOB, &bob_pw)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "shared {name}");
        assert_confined(&resp, &format!("shared {name}"));
        assert_eq!(resp.text().await.unwrap(), body);
    }
}
