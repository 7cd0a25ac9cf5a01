//! Random WebDAV requests: methods with `If`, `Lock-Token`, `Destination`, `Depth`, `Timeout`
//! and `Overwrite` headers made of the pieces real ones have, and XML bodies from PROPFIND,
//! PROPPATCH and LOCK pieces, against an account rooted in a folder. Never a 5xx, and
//! nothing outside the account's folder changes.

use proptest::prelude::*;
use stratus_server::boolset::group_perm;
use stratus_tests::TestServer;

use super::{dropped, no_server_error, run_cases};
use crate::{
    archive::upload,
    dav::{dav, password, set_group_bits},
};

const ANN: &str = "ann@example.com";
const PW: &str = "password123";

#[derive(Debug, Clone)]
struct DavCase {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn pieces(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(list), 0..5).prop_map(|v| v.concat())
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_owned()),
        Just("/a.txt".to_owned()),
        Just("/d/".to_owned()),
        Just("/d/b.txt".to_owned()),
        pieces(&[
            "/", "..", "%2e%2e", "d", "a.txt", "%2f", "%00", "x", "%ff", "new"
        ])
        .prop_map(|p| format!("/{p}")),
    ]
}

fn header() -> impl Strategy<Value = (&'static str, String)> {
    let token = &[
        "<opaquelocktoken:",
        "00000000-0000-0000-0000-000000000000",
        ">",
        "<",
        "(",
        ")",
        "Not ",
        "[\"etag\"]",
        "<http://127.0.0.1/dav/a.txt>",
        " ",
        "urn:uuid:",
    ][..];
    let dest = &[
        "http://127.0.0.1",
        "http://evil.example",
        "/dav",
        "/",
        "..",
        "%2e%2e",
        "a.txt",
        "d",
        "outside.txt",
        "%2f",
        "x",
    ][..];
    let etag = &["\"", "W/", ",", " ", "\"a\"", "*", "[", "]"][..];
    prop_oneof![
        pieces(token).prop_map(|v| ("If", v)),
        pieces(token).prop_map(|v| ("Lock-Token", v)),
        pieces(dest).prop_map(|v| ("Destination", v)),
        prop_oneof![
            Just("0".to_owned()),
            Just("1".to_owned()),
            Just("infinity".to_owned()),
            "[ -~]{0,4}"
        ]
        .prop_map(|v| ("Depth", v)),
        prop_oneof![
            Just("Infinite".to_owned()),
            (0u64..u64::MAX).prop_map(|n| format!("Second-{n}")),
            "Second-[0-9]{0,30}",
            "[ -~]{0,12}",
        ]
        .prop_map(|v| ("Timeout", v)),
        prop_oneof![Just("T"), Just("F"), Just("x")].prop_map(|v| ("Overwrite", v.to_owned())),
        (
            proptest::sample::select(&["If-Match", "If-None-Match", "If-Range"][..]),
            pieces(etag),
        ),
    ]
}

fn body() -> impl Strategy<Value = String> {
    let parts = &[
        "<?xml version=\"1.0\"?>",
        "<D:propfind xmlns:D=\"DAV:\">",
        "</D:propfind>",
        "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\">",
        "</D:propertyupdate>",
        "<D:lockinfo xmlns:D=\"DAV:\">",
        "</D:lockinfo>",
        "<D:lockscope><D:exclusive/></D:lockscope>",
        "<D:locktype><D:write/></D:locktype>",
        "<D:owner>me &amp; <x/></D:owner>",
        "<D:set><D:prop><Z:color>red</Z:color></D:prop></D:set>",
        "<D:remove><D:prop><Z:color/></D:prop></D:remove>",
        "<D:prop><D:getetag/><Z:x xmlns:Z=\"&lt;\"/></D:prop>",
        "<D:allprop/>",
        "<D:propname/>",
        "<",
        "&",
        "]]>",
    ][..];
    proptest::collection::vec(proptest::sample::select(parts), 0..8).prop_map(|v| v.concat())
}

fn case() -> impl Strategy<Value = DavCase> {
    let method = proptest::sample::select(
        &[
            "PROPFIND",
            "PROPPATCH",
            "LOCK",
            "UNLOCK",
            "COPY",
            "MOVE",
            "DELETE",
            "MKCOL",
            "GET",
            "PUT",
            "HEAD",
        ][..],
    );
    (
        method,
        path(),
        proptest::collection::vec(header(), 0..4),
        body(),
    )
        .prop_map(|(method, path, headers, body)| DavCase {
            method,
            path,
            headers,
            body,
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_webdav_requests_never_fail_the_server_nor_leave_the_root() {
    let server = TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user(ANN, PW).await;
    let ann = server.login(ANN, PW).await;
    upload(&server, &ann, "cloudreve://my/outside.txt", b"keep me").await;
    upload(&server, &ann, "cloudreve://my/root/d/b.txt", b"b").await;
    let pw = password(&server, &ann, "cloudreve://my/root").await;
    let (server, pw) = (&server, &pw);
    run_cases(96, case(), |c| async move {
        // Something to work on in every case.
        let _ = dav(server, "PUT", "/a.txt", ANN, pw).body("a").send().await;
        let mut req = dav(server, c.method, &c.path, ANN, pw).body(c.body.clone());
        for (name, value) in &c.headers {
            let value = value.replace("http://127.0.0.1", &server.base);
            req = req.header(*name, value);
        }
        let resp = match req.send().await {
            Ok(resp) => resp,
            // reqwest refuses some header values itself: nothing reached the server.
            Err(e) if e.is_builder() => return Ok(()),
            Err(e) => return Err(dropped(&e, &c)),
        };
        no_server_error(resp.status().as_u16(), &format!("{c:?}"))?;
        Ok(())
    });
    // Nothing outside the account's folder was touched.
    assert_eq!(
        server.names_in(&ann, "cloudreve://my").await,
        ["outside.txt", "root"]
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/outside.txt").await,
        b"keep me"
    );
}
