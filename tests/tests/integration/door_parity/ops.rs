//! Each operation as the edge of a row asks for it, and the edge's answer as a decision.

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use stratus_tests::query_escape;

use super::{
    Cred, Decision, Edge, Op, Row, State, decide,
    world::{ANN, World, del_name, tag},
};

/// The address every request of the `Attacked` state comes from (the attack came from
/// another one).
pub(crate) const GOOD_ADDRESS: &str = "203.0.113.5";
/// The address that guessed.
pub(crate) const BAD_ADDRESS: &str = "198.51.100.7";

/// The address of a row outside the guessing states: its own per credential, edge and
/// operation. A row that expects a refused credential is a failed sign-in, and the throttle
/// counts failures per address: from one address the table's own rows would lock it, and the
/// later rows would answer 429 instead of the decision they check.
fn own_address(row: &Row) -> String {
    format!("10.{}.{}.{}", row.cred as u8, row.edge as u8, row.op as u8)
}

/// Runs `row`'s operation: the decision and a short account of the answer.
pub(crate) async fn run(w: &World, row: &Row) -> Decision {
    let (req, edge) = match row.edge {
        Edge::Api => (api(w, row), Edge::Api),
        Edge::Dav => (dav(w, row), Edge::Dav),
        Edge::Nc => (nc(w, row), Edge::Nc),
        Edge::S3 => (s3(w, row), Edge::S3),
    };
    let address = match row.state {
        State::Attacked => GOOD_ADDRESS.to_owned(),
        State::Guesser => BAD_ADDRESS.to_owned(),
        _ => own_address(row),
    };
    let req = req.header("X-Forwarded-For", address);
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    match edge {
        Edge::Api => decide::api(status, &body),
        Edge::Dav | Edge::Nc => decide::webdav(status, &body),
        Edge::S3 => decide::s3(status, &body),
    }
}

fn my(path: &str) -> String {
    format!("cloudreve://my/{path}")
}

/// A row's API call: `(method, path, JSON body)` as the credential.
fn api(w: &World, row: &Row) -> RequestBuilder {
    let t = tag(row.cred);
    let link = &w.secret(Cred::Link).secret;
    let shared = |name: &str| match name {
        "" => format!("cloudreve://{link}@share"),
        _ => format!("cloudreve://{link}@share/{name}"),
    };
    let uri_query = |p: &str, uri: String| format!("{p}?uri={}", query_escape(&uri));
    let other = match row.cred {
        Cred::OauthB => World::user_id(&w.ann),
        _ => World::user_id(&w.bob),
    };
    let is_link = row.cred == Cred::Link;
    let (method, path, body) = match row.op {
        Op::List if is_link => (Method::GET, uri_query("/file", shared("")), json!(null)),
        Op::List => (Method::GET, uri_query("/file", my("Public")), json!(null)),
        Op::Read if is_link => url_of(shared("in.txt")),
        Op::Sibling => url_of(shared("in.png")),
        Op::Read => url_of(my("Public/in.txt")),
        Op::Write => (
            Method::POST,
            "/file/create".into(),
            json!({"uri": my(&format!("Public/{t}-new.txt")), "type": "file"}),
        ),
        Op::Delete => (
            Method::DELETE,
            "/file".into(),
            json!({"uris": [my(&format!("Public/{}", del_name(row.cred, Edge::Api)))]}),
        ),
        Op::EmptyTrash => (Method::DELETE, "/file/trash".into(), json!({})),
        Op::DeleteVersion => (
            Method::DELETE,
            "/file/version".into(),
            json!({"uri": my(&format!("Public/{t}-v.txt")), "version": w.versions[t]}),
        ),
        Op::MakeLink => (
            Method::PUT,
            "/share".into(),
            json!({"uri": my("Public/in.txt")}),
        ),
        Op::Grant => (
            Method::PUT,
            "/file/permission".into(),
            json!({"uri": my("Public/in.txt"), "users": {other: "read"}, "groups": {}}),
        ),
        Op::Preview => (
            Method::GET,
            uri_query("/file/thumb", my("Public/in.png")),
            json!(null),
        ),
        Op::Search => (
            Method::GET,
            uri_query("/file", "cloudreve://my?name=in".into()),
            json!(null),
        ),
        Op::Release => (
            Method::POST,
            format!("/guard/incident/{}/release", w.incidents[t]),
            json!({}),
        ),
        op => panic!("no API call for {op:?}"),
    };
    let mut req = w.server.client.request(method, w.server.api(&path));
    if let Some(token) = bearer(w, row.cred) {
        req = req.bearer_auth(token);
    }
    if !body.is_null() {
        req = req.json(&body);
    }
    req
}

fn url_of(uri: String) -> (Method, String, Value) {
    (Method::POST, "/file/url".into(), json!({"uris": [uri]}))
}

/// The bearer token of an API credential (`None`: a link's anonymous visitor).
fn bearer(w: &World, c: Cred) -> Option<String> {
    match c {
        Cred::Session => Some(w.ann.access_token.clone()),
        Cred::OauthA | Cred::OauthB => Some(w.secret(c).secret.clone()),
        Cred::Link => None,
        other => panic!("{other:?} is no API credential"),
    }
}

/// `drive` (a path of Ann's drive) as the credential sees it: below its folder.
fn rel(c: Cred, drive: &str) -> String {
    let root = match c {
        Cred::DavRo => "Public",
        Cred::S3Ro | Cred::S3Rw => "Public",
        _ => "",
    };
    let inside = drive.strip_prefix(root).unwrap_or(drive);
    format!("/{}", inside.trim_start_matches('/'))
}

fn request(w: &World, method: &str, path: &str) -> RequestBuilder {
    w.server.client.request(
        Method::from_bytes(method.as_bytes()).unwrap(),
        w.server.url(path),
    )
}

/// A `/dav` request with Basic credentials.
fn dav(w: &World, row: &Row) -> RequestBuilder {
    let t = tag(row.cred);
    let (method, drive) = match row.op {
        Op::List => ("PROPFIND", "Public".to_owned()),
        Op::Read => ("GET", "Public/in.txt".to_owned()),
        Op::Write => ("PUT", format!("Public/{t}-new.txt")),
        Op::Delete => (
            "DELETE",
            format!("Public/{}", del_name(row.cred, Edge::Dav)),
        ),
        op => panic!("no /dav request for {op:?}"),
    };
    let path = format!("/dav{}", rel(row.cred, &drive));
    request(w, method, &path)
        .basic_auth(ANN, Some(&w.secret(row.cred).secret))
        .header("Depth", depth(method))
        .body(if method == "PUT" { "new" } else { "" })
}

/// The `Depth` a method takes: one level for a listing, the whole for the rest (a DELETE
/// with another depth is a bad request).
fn depth(method: &str) -> &'static str {
    match method {
        "PROPFIND" => "1",
        _ => "infinity",
    }
}

/// A request on a Nextcloud path with Basic credentials.
fn nc(w: &World, row: &Row) -> RequestBuilder {
    let t = tag(row.cred);
    let c = row.cred;
    let files = |drive: &str| format!("/remote.php/dav/files/{ANN}{}", rel(c, drive));
    let versions = |name: &str| format!("/remote.php/dav/versions/{ANN}/versions/{}", w.ids[name]);
    let preview = |name: &str| format!("/index.php/core/preview?fileId={}&x=64&y=64", w.ids[name]);
    let shares = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
    let outside = match c {
        Cred::DavRo => "/../Private",
        _ => "/Private",
    };
    let (method, path, form) = match row.op {
        Op::List => ("PROPFIND", files("Public"), None),
        Op::Read => ("GET", files("Public/in.txt"), None),
        Op::Write => ("PUT", files(&format!("Public/{t}-new.txt")), None),
        Op::Chunked => (
            "MKCOL",
            format!("/remote.php/dav/uploads/{ANN}/{t}-transfer"),
            None,
        ),
        Op::Delete => (
            "DELETE",
            files(&format!("Public/{}", del_name(c, Edge::Nc))),
            None,
        ),
        Op::EmptyTrash => (
            "DELETE",
            format!("/remote.php/dav/trashbin/{ANN}/trash"),
            None,
        ),
        Op::Versions => ("PROPFIND", versions("in.txt"), None),
        Op::VersionsOut => ("PROPFIND", versions("secret.txt"), None),
        Op::MakeLink => ("POST", shares.into(), Some(rel(c, "Public/in.txt"))),
        Op::MakeLinkOut => ("POST", shares.into(), Some(outside.to_owned())),
        Op::Preview => ("GET", preview("in.png"), None),
        Op::PreviewOut => ("GET", preview("out.png"), None),
        op => panic!("no Nextcloud request for {op:?}"),
    };
    let req = request(w, method, &path)
        .basic_auth(ANN, Some(&w.secret(c).secret))
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .header("Depth", depth(method));
    match form {
        Some(p) => req.form(&[("path", p.as_str()), ("shareType", "3")]),
        None if method == "PUT" => req.body("new"),
        None => req,
    }
}

/// A signed request to the S3 listener; the keys see `/Public`, whose `bkt` is the bucket.
fn s3(w: &World, row: &Row) -> RequestBuilder {
    let t = tag(row.cred);
    let addr = stratus_server::s3::bound_addr(&w.server.state).expect("the S3 endpoint listens");
    let host = addr.to_string();
    let key = w.secret(row.cred);
    let (method, path, query, body): (&str, String, Vec<(&str, &str)>, &[u8]) = match row.op {
        Op::List => ("GET", "/bkt".into(), vec![("list-type", "2")], b""),
        Op::Read => ("GET", "/bkt/in.txt".into(), vec![], b""),
        Op::Write => ("PUT", format!("/bkt/{t}-new.txt"), vec![], b"new"),
        Op::Delete => (
            "DELETE",
            format!("/bkt/{}", del_name(row.cred, Edge::S3)),
            vec![],
            b"",
        ),
        Op::Unsigned => ("PUT", format!("/bkt/{t}-meta.txt"), vec![], b"meta"),
        Op::PresignLong => return presigned_too_long(w, &host, &key.access),
        op => panic!("no S3 request for {op:?}"),
    };
    let req = signed(w, row.cred, method, &path, &query, body);
    match row.op {
        Op::Unsigned => req.header("x-amz-meta-planted", "by whoever holds the request"),
        _ => req,
    }
}

/// An S3 request signed with the key of `c`: `path` raw, `query` pairs.
pub(crate) fn signed(
    w: &World,
    c: Cred,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: &[u8],
) -> RequestBuilder {
    let addr = stratus_server::s3::bound_addr(&w.server.state).expect("the S3 endpoint listens");
    let host = addr.to_string();
    let key = w.secret(c);
    let headers =
        stratus_tests::sigv4::sign(method, &host, path, query, body, (&key.access, &key.secret));
    let mut url = format!("http://{host}{}", stratus_tests::sigv4::encode_path(path));
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        url = format!("{url}?{}", q.join("&"));
    }
    let mut req = w
        .server
        .client
        .request(Method::from_bytes(method.as_bytes()).unwrap(), url)
        .body(body.to_vec());
    for (name, value) in headers {
        req = req.header(name, value);
    }
    req
}

/// A presigned GET good for more than AWS's seven days (the endpoint refuses it before it
/// looks at the signature).
fn presigned_too_long(w: &World, host: &str, access: &str) -> RequestBuilder {
    let now = chrono::Utc::now();
    let day = now.format("%Y%m%d");
    let credential = format!("{access}/{day}/us-east-1/s3/aws4_request");
    let url = format!(
        "http://{host}/bkt/in.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}\
         &X-Amz-Date={}&X-Amz-Expires=700000&X-Amz-SignedHeaders=host&X-Amz-Signature={}",
        query_escape(&credential),
        now.format("%Y%m%dT%H%M%SZ"),
        "0".repeat(64)
    );
    w.server.client.get(url)
}
