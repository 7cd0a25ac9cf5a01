//! The inline `onload` handlers that builds of the web UI put on their stylesheet links, turned
//! into the attributes they would set, so that the page works under the policy
//! ([`super::PAGE_POLICY`]), which runs no inline handler.
//!
//! Builds load their CSS without blocking the first paint with
//! `<link rel="stylesheet" href=… media="print" onload="this.media='all'">` (the official
//! Cloudreve web client does), or with loadCSS's
//! `<link rel="preload" as="style" href=… onload="this.onload=null;this.rel='stylesheet'">`.
//! Under the policy the handler never runs and no style applies. Setting what the handler
//! would set before the page is sent loads the stylesheet at once, as a plain link: the
//! page's look is the same, only its first paint waits for the CSS. A handler that does
//! anything else is left as it is.

/// The attributes an `onload` handler may set on its own link.
const SETTABLE: [&str; 2] = ["media", "rel"];

/// `html` with every `<link>` whose `onload` only sets [`SETTABLE`] attributes rewritten to
/// carry those values, without the handler (a `media` of `all` is dropped: it is the default).
pub fn apply(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = find_link(rest) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = tag_end(rest);
        let tag = &rest[..end];
        match rewrite(tag) {
            Some(rewritten) => out.push_str(&rewritten),
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next `<link` tag starts (any case, followed by a space or the tag's end).
fn find_link(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(i) = html[from..].find('<').map(|i| i + from) {
        let name = bytes.get(i + 1..i + 5);
        let next = bytes.get(i + 5).copied();
        if name.is_some_and(|n| n.eq_ignore_ascii_case(b"link"))
            && next.is_some_and(|c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// The length of the tag `html` starts with, through its `>` (quoted values may hold `>`);
/// the whole rest when it never closes.
fn tag_end(html: &str) -> usize {
    let mut quote = None;
    for (i, c) in html.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// One attribute of a tag: its name (lower case), its value (entities left as written) and
/// where it sits in the tag, leading space included.
struct Attribute<'a> {
    name: String,
    value: &'a str,
    span: std::ops::Range<usize>,
}

/// The attributes of `tag` (`<link …>`).
fn attributes(tag: &str) -> Vec<Attribute<'_>> {
    let bytes = tag.as_bytes();
    let mut attrs = Vec::new();
    let mut i = "<link".len();
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        if i == name_start {
            // `/` of `<link … />`, the closing `>`, or the end.
            if i < bytes.len() && bytes[i] == b'/' {
                i += 1;
                continue;
            }
            return attrs;
        }
        let name = tag[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = tag[j + 1..]
                        .find(q as char)
                        .map_or(tag.len(), |k| j + 1 + k);
                    value = &tag[j + 1..close];
                    j = (close + 1).min(tag.len());
                }
                _ => {
                    let from = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = &tag[from..j];
                }
            }
            i = j;
        }
        attrs.push(Attribute {
            name,
            value,
            span: start..i,
        });
    }
}

/// What `handler` sets, when it does nothing but set [`SETTABLE`] attributes of its own
/// element (and clear itself): `this.media='all'`, `this.onload=null;this.rel="stylesheet"`.
fn assignments(handler: &str) -> Option<Vec<(&'static str, String)>> {
    let handler = handler.replace("&quot;", "\"").replace("&#39;", "'");
    let mut set = Vec::new();
    for statement in handler.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (target, value) = statement.split_once('=')?;
        let target = target.trim().strip_prefix("this.")?;
        let value = value.trim();
        if target == "onload" && value == "null" {
            continue;
        }
        let name = SETTABLE.into_iter().find(|n| *n == target)?;
        let unquoted = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))?;
        if unquoted.contains(['"', '\'', '\\', '<', '>', '&']) {
            return None;
        }
        set.push((name, unquoted.to_owned()));
    }
    (!set.is_empty()).then_some(set)
}

/// `tag` with its handler's assignments applied, or `None` when it has no such handler.
fn rewrite(tag: &str) -> Option<String> {
    let attrs = attributes(tag);
    let onload = attrs.iter().find(|a| a.name == "onload")?;
    let set = assignments(onload.value)?;
    let mut out = String::with_capacity(tag.len());
    let mut last = 0;
    for attr in &attrs {
        if attr.name == "onload" || set.iter().any(|(name, _)| *name == attr.name) {
            out.push_str(&tag[last..attr.span.start]);
            last = attr.span.end;
        }
    }
    out.push_str(&tag[last..attrs.last().map_or(last, |a| a.span.end.max(last))]);
    for (name, value) in &set {
        if !(*name == "media" && value.eq_ignore_ascii_case("all")) {
            out.push_str(&format!(" {name}=\"{value}\""));
        }
    }
    out.push_str(&tag[attrs.last().map_or(last, |a| a.span.end.max(last))..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn a_print_stylesheet_switched_on_load_is_loaded_directly() {
        assert_eq!(
            apply(
                "<head><link rel=\"stylesheet\" href=\"/a.css\" media=\"print\" \
                 onload=\"this.media='all'\"></head>"
            ),
            "<head><link rel=\"stylesheet\" href=\"/a.css\"></head>"
        );
        // Any case, single quotes, a self-closing tag, a handler that also clears itself.
        assert_eq!(
            apply(
                "<LINK REL=stylesheet media='print' ONLOAD='this.onload=null;this.media=\"all\"' \
                 href='/b.css' />"
            ),
            "<LINK REL=stylesheet href='/b.css' />"
        );
        // A media other than `all` is kept as the handler would set it.
        assert_eq!(
            apply("<link rel=stylesheet href=/c.css media=print onload=\"this.media='screen'\">"),
            "<link rel=stylesheet href=/c.css media=\"screen\">"
        );
    }

    #[test]
    fn a_preloaded_stylesheet_becomes_a_stylesheet() {
        assert_eq!(
            apply(
                "<link rel=\"preload\" as=\"style\" href=\"/d.css\" \
                 onload=\"this.onload=null;this.rel='stylesheet'\">"
            ),
            "<link as=\"style\" href=\"/d.css\" rel=\"stylesheet\">"
        );
    }

    #[test]
    fn other_handlers_and_tags_are_left_alone() {
        for page in [
            "<link rel=stylesheet href=/e.css onload=\"alert(1)\">",
            "<link rel=stylesheet href=/e.css onload=\"this.media='all';alert(1)\">",
            "<link rel=stylesheet href=/e.css onload=\"this.href='//evil/x.css'\">",
            "<link rel=stylesheet media=print onload=\"this.media='a\\'ll'\">",
            "<img src=/x.png onload=\"this.media='all'\">",
            "<linked onload=\"this.media='all'\">",
            "<link rel=icon href=\"/i.png\"><p>a > b</p>",
            "<link rel=stylesheet href=\"/f.css?a>b\" media=print",
            "no tags at all",
        ] {
            assert_eq!(apply(page), page);
        }
        // Text around a rewritten link is untouched.
        assert_eq!(
            apply("<p>x</p><link media=print onload=\"this.media='all'\" href=/g.css><p>y</p>"),
            "<p>x</p><link href=/g.css><p>y</p>"
        );
    }
}
