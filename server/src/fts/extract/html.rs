//! HTML to text: tags dropped (with the content of `script` and `style`), the common entities
//! decoded, block ends turned into spaces so words of adjacent cells do not run together.

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
        let skip_to = if lower.starts_with("<script") {
            Some("</script")
        } else if lower.starts_with("<style") {
            Some("</style")
        } else if lower.starts_with("<!--") {
            Some("-->")
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

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(needle)
}

/// Appends `s` with its character references decoded.
fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
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
}
