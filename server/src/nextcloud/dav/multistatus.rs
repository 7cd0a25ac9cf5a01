//! The `207 Multi-Status` answers of the collections dav-server does not serve (the trash
//! bin and the versions of the sync clients): every response lists every property it has,
//! whatever the PROPFIND body asked, as Nextcloud's clients read the ones they know.

use std::fmt::Write;

use poem::{
    IntoResponse, Response,
    http::{StatusCode, header},
};
use stratus_entity::file;

use crate::dav::meta::Meta;

/// A property's content.
pub enum Value {
    /// Text, escaped when written.
    Text(String),
    /// An empty collection marker (`<d:resourcetype><d:collection/></d:resourcetype>`).
    Collection,
}

/// One `<d:response>`: an href (already percent-encoded) and its properties, each named with
/// its prefix (`d:`, `oc:`, `nc:`).
pub struct Entry {
    pub href: String,
    pub props: Vec<(&'static str, Value)>,
}

/// The properties every row shows: type, size, dates, ETag, id and, for files, content type.
pub fn row_props(row: &file::Model) -> Vec<(&'static str, Value)> {
    let meta = Meta::of(row);
    let mut props = vec![
        (
            "d:getlastmodified",
            Value::Text(httpdate::fmt_http_date(meta.modified)),
        ),
        ("d:getetag", Value::Text(format!("\"{}\"", meta.etag))),
        ("oc:fileid", Value::Text(row.id.to_string())),
        ("oc:size", Value::Text(row.size.max(0).to_string())),
    ];
    if meta.dir {
        props.push(("d:resourcetype", Value::Collection));
    } else {
        props.push(("d:resourcetype", Value::Text(String::new())));
        props.push(("d:getcontentlength", Value::Text(meta.len.to_string())));
        let mime = mime_guess::from_path(&row.name).first_or_octet_stream();
        props.push(("d:getcontenttype", Value::Text(mime.to_string())));
    }
    props
}

/// A folder-like entry with nothing but its type.
pub fn collection(href: String) -> Entry {
    Entry {
        href,
        props: vec![("d:resourcetype", Value::Collection)],
    }
}

/// The 207 answer holding `entries`.
pub fn answer(entries: &[Entry]) -> Response {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" \
         xmlns:oc=\"http://owncloud.org/ns\" xmlns:nc=\"http://nextcloud.org/ns\">",
    );
    for e in entries {
        let _ = write!(
            out,
            "<d:response><d:href>{}</d:href><d:propstat><d:prop>",
            escape(&e.href)
        );
        for (name, value) in &e.props {
            match value {
                Value::Text(t) if t.is_empty() => {
                    let _ = write!(out, "<{name}/>");
                }
                Value::Text(t) => {
                    let _ = write!(out, "<{name}>{}</{name}>", escape(t));
                }
                Value::Collection => {
                    let _ = write!(out, "<{name}><d:collection/></{name}>");
                }
            }
        }
        out.push_str("</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>");
    }
    out.push_str("</d:multistatus>");
    (StatusCode::MULTI_STATUS, out)
        .with_header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
        .into_response()
}

/// `text` with XML's special characters escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One path segment percent-encoded for an href.
pub fn segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, SEGMENT).to_string()
}

/// What a path segment keeps unencoded: letters, digits and `-._~`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_are_escaped_and_collections_marked() {
        let resp = answer(&[
            collection("/a%20b/".into()),
            Entry {
                href: "/x".into(),
                props: vec![("nc:trashbin-filename", Value::Text("<&>".into()))],
            },
        ]);
        assert_eq!(resp.status(), StatusCode::MULTI_STATUS);
        let body = resp.into_body().into_string().await.unwrap();
        assert!(body.contains("<d:href>/a%20b/</d:href>"), "{body}");
        assert!(body.contains("<d:resourcetype><d:collection/></d:resourcetype>"));
        assert!(body.contains("<nc:trashbin-filename>&lt;&amp;&gt;</nc:trashbin-filename>"));
        assert_eq!(segment("a b/ü"), "a%20b%2F%C3%BC");
    }
}
