//! The OCS envelope of `/ocs/v1.php` and `/ocs/v2.php`: `{ocs: {meta, data}}` as JSON when the
//! client asks for it (`format=json` or `Accept: application/json`), else the same as XML.
//!
//! v2 carries the HTTP status in `meta.statuscode`; v1 answers 100 for success and, as
//! Nextcloud does, HTTP 200 for everything but a missing sign-in (997, HTTP 401, so clients
//! prompt for credentials).

use poem::{
    Request, Response,
    http::{StatusCode, header},
};
use serde_json::{Value, json};

/// The OCS API version of the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    /// `v1.php` / `v2.php` of the path (below the `/ocs` mount, stripped or not).
    pub fn of(req: &Request) -> Self {
        let path = req.uri().path();
        if path.starts_with("/v1.php/") || path.starts_with("/ocs/v1.php/") {
            Self::V1
        } else {
            Self::V2
        }
    }
}

/// Whether the client asked for JSON.
pub fn wants_json(req: &Request) -> bool {
    let query = req.uri().query().unwrap_or_default();
    let format = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    match format.as_deref() {
        Some(f) => f.eq_ignore_ascii_case("json"),
        None => req
            .header(header::ACCEPT)
            .is_some_and(|a| a.to_ascii_lowercase().contains("application/json")),
    }
}

/// A successful answer with `data`.
pub fn ok(req: &Request, data: Value) -> Response {
    answer(req, StatusCode::OK, "OK", data)
}

/// A failed answer with `status` and `message` (and empty data).
pub fn fail(req: &Request, status: StatusCode, message: &str) -> Response {
    answer(req, status, message, json!([]))
}

/// The envelope of `data` with `status`.
pub fn answer(req: &Request, status: StatusCode, message: &str, data: Value) -> Response {
    let version = Version::of(req);
    let (code, http) = match version {
        Version::V2 => (status.as_u16(), status),
        Version::V1 => {
            let code = match status.as_u16() {
                200..=299 => 100,
                401 => 997,
                404 => 998,
                500..=599 => 996,
                other => other,
            };
            let http = if status == StatusCode::UNAUTHORIZED {
                status
            } else {
                StatusCode::OK
            };
            (code, http)
        }
    };
    let ok = status.is_success();
    let builder = Response::builder().status(http);
    let builder = if http == StatusCode::UNAUTHORIZED {
        builder.header(
            header::WWW_AUTHENTICATE,
            format!(
                "Basic realm=\"{}\", charset=\"UTF-8\"",
                crate::door::basic::REALM
            ),
        )
    } else {
        builder
    };
    if wants_json(req) {
        let meta = json!({
            "status": if ok { "ok" } else { "failure" },
            "statuscode": code,
            "message": message,
            "totalitems": "",
            "itemsperpage": "",
        });
        builder
            .content_type("application/json; charset=utf-8")
            .body(json!({"ocs": {"meta": meta, "data": data}}).to_string())
    } else {
        // The meta fields in Nextcloud's order (a JSON object's keys come sorted).
        let mut out = format!(
            "<?xml version=\"1.0\"?>\n<ocs><meta><status>{}</status><statuscode>{code}</statuscode>\
             <message>{}</message><totalitems></totalitems><itemsperpage></itemsperpage></meta>",
            if ok { "ok" } else { "failure" },
            quick_xml::escape::escape(message),
        );
        xml_element(&mut out, "data", &data);
        out.push_str("</ocs>\n");
        builder.content_type("text/xml; charset=UTF-8").body(out)
    }
}

/// `value` as XML under `name`: objects as child elements, arrays as `<element>`s, `true` as
/// `1` and `false` or `null` as empty, as Nextcloud writes them.
fn xml_element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                xml_element(out, xml_name(k), v);
            }
        }
        Value::Array(items) => {
            for v in items {
                xml_element(out, "element", v);
            }
        }
        Value::Bool(true) => out.push('1'),
        Value::Bool(false) | Value::Null => {}
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&quick_xml::escape::escape(s.as_str())),
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Keys are ours, but one that is not an XML name would break the document.
fn xml_name(key: &str) -> &str {
    let valid = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid { key } else { "element" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_xml_as_nextcloud_writes_them() {
        let mut out = String::new();
        xml_element(
            &mut out,
            "data",
            &json!({"a": true, "b": false, "c": ["x", 2], "d": "<&>"}),
        );
        assert_eq!(
            out,
            "<data><a>1</a><b></b><c><element>x</element><element>2</element></c>\
             <d>&lt;&amp;&gt;</d></data>"
        );
    }
}
