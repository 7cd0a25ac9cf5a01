//! HTML to text: tags dropped (with the content of `script` and `style`), the common entities
//! decoded, block ends turned into spaces so words of adjacent cells do not run together.
//! One pass: each search starts where the last one ended and nothing is copied ahead of it,
//! so the work grows with the document's length (a document of a million comments included).

/// The visible text of an HTML document.
pub fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode_into(&rest[..lt], &mut out);
        rest = &rest[lt..];
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower.starts_with("<!--") {
            // A comment ends at its own `-->`: the text after it is the document's again.
            match rest[4..].find("-->") {
                Some(i) => {
                    out.push(' ');
                    rest = &rest[4 + i + 3..];
                    continue;
                }
                None => return out,
            }
        }
        let skip_to = if lower.starts_with("<script") {
            Some("</script")
        } else if lower.starts_with("<style") {
            Some("</style")
        } else {
            None
        };
        if let Some(end) = skip_to {
            match find_ci(rest, end) {
                Some(i) => rest = &rest[i + end.len()..],
                None => return out,
            }
        }
        match rest.find('>') {
            Some(gt) => {
                out.push(' ');
                rest = &rest[gt + 1..];
            }
            None => return out,
        }
    }
    decode_into(rest, &mut out);
    out
}

/// Where the ASCII `needle` (lower case, starting with `<`) first is in `hay`, letters of any
/// case; nothing is lowered or copied, so a search costs the bytes it passes.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == needle[0]) {
        let at = from + i;
        if hay
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Appends `s` with its character references decoded.
fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Bytes, not a string slice: the 12th byte may fall inside a character.
        let Some(semi) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_scripts_and_entities() {
        let t = super::text(
            "<html><head><style>p{}</style><script>var x=1</script></head>\
             <body><p>Fish&amp;chips</p><td>a</td><td>b&#20013;</td><!-- no --></body>",
        );
        let words: Vec<&str> = t.split_whitespace().collect();
        assert_eq!(words, ["Fish&chips", "a", "b中"]);
    }

    #[test]
    fn text_after_a_comment_is_kept() {
        let t = super::text("<p>one<!-- a > b -->two <b>three</b><!---->four</p>");
        let words: Vec<&str> = t.split_whitespace().collect();
        assert_eq!(words, ["one", "two", "three", "four"]);
    }

    #[test]
    fn an_entity_cut_inside_a_character_is_left_as_it_is() {
        assert_eq!(super::text("&aaaaaaaaaa中;x"), "&aaaaaaaaaa中;x");
    }

    /// A million comments, and as many unclosed-looking script ends, take one pass: the old
    /// scan lowered the rest of the document at each of them (17 s of CPU for this input).
    #[test]
    fn a_megabyte_of_comments_or_scripts_is_read_in_one_pass() {
        let comments = "<!---->".repeat((1 << 20) / 7) + "word";
        let scripts = "<script></SCRIPT>".repeat((1 << 20) / 17) + "word";
        let started = std::time::Instant::now();
        for doc in [comments, scripts] {
            assert_eq!(
                super::text(&doc).split_whitespace().collect::<Vec<_>>(),
                ["word"]
            );
        }
        // A generous bound: linear work on 2 MB is milliseconds, the quadratic one minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
