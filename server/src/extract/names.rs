//! Entry names: decoded to text, then split into the path the entry takes below the
//! destination. A name that would leave the destination is refused, never rewritten.

use encoding_rs::Encoding;

use super::ExtractError;

/// The legacy encoding named by `label` (`gbk`, `gb18030`, `shift_jis`, `sjis`, `big5`, ...,
/// as the WHATWG Encoding Standard names them); `None` for none or UTF-8.
pub fn encoding(label: Option<&str>) -> Result<Option<&'static Encoding>, ExtractError> {
    let Some(label) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let found = Encoding::for_label(label.as_bytes())
        .ok_or_else(|| ExtractError::Encoding(label.to_owned()))?;
    Ok((found != encoding_rs::UTF_8).then_some(found))
}

/// A zip entry's name: UTF-8 when the entry has the UTF-8 flag; else in `legacy` when one
/// was given; else UTF-8 when it is valid UTF-8, otherwise CP437 (`cp437`, the zip
/// reader's own reading), as other tools do.
pub fn zip_name(
    raw: &[u8],
    utf8_flag: bool,
    legacy: Option<&'static Encoding>,
    cp437: &str,
) -> String {
    if utf8_flag {
        return String::from_utf8_lossy(raw).into_owned();
    }
    match legacy {
        Some(enc) => enc.decode_without_bom_handling(raw).0.into_owned(),
        None => cp437.to_owned(),
    }
}

/// A tar entry's name: UTF-8 when valid, else in `legacy`, else with replacement characters.
pub fn tar_name(raw: &[u8], legacy: Option<&'static Encoding>) -> String {
    match (std::str::from_utf8(raw), legacy) {
        (Ok(text), _) => text.to_owned(),
        (Err(_), Some(enc)) => enc.decode_without_bom_handling(raw).0.into_owned(),
        (Err(_), None) => String::from_utf8_lossy(raw).into_owned(),
    }
}

/// The path segments of an entry named `name` below the destination: `/` and `\` both
/// separate, `.` and empty segments are dropped. Refused: an absolute name, a drive letter
/// (`C:`), a `..` segment, a NUL. An empty path (the archive's own root) is `Ok(vec![])`.
pub fn safe_path(name: &str) -> Result<Vec<String>, ExtractError> {
    let unsafe_name = || ExtractError::UnsafeName(name.to_owned());
    if name.contains('\0') || name.starts_with(['/', '\\']) {
        return Err(unsafe_name());
    }
    let mut segments = Vec::new();
    for (i, segment) in name.split(['/', '\\']).enumerate() {
        match segment {
            "" | "." => {}
            ".." => return Err(unsafe_name()),
            s if i == 0 && is_drive(s) => return Err(unsafe_name()),
            s => segments.push(s.to_owned()),
        }
    }
    Ok(segments)
}

/// `C:` and the like, with or without more after the colon.
fn is_drive(segment: &str) -> bool {
    let b = segment.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_split_into_segments() {
        assert_eq!(safe_path("a/b/c.txt").unwrap(), ["a", "b", "c.txt"]);
        assert_eq!(safe_path("./a//b/").unwrap(), ["a", "b"]);
        assert_eq!(safe_path("dir\\file").unwrap(), ["dir", "file"]);
        assert!(safe_path("./").unwrap().is_empty());
        assert_eq!(safe_path("a..b").unwrap(), ["a..b"]);
    }

    #[test]
    fn names_that_leave_the_destination_are_refused() {
        for bad in [
            "../evil",
            "a/../../evil",
            "a/..",
            "/etc/passwd",
            "\\windows\\evil",
            "..\\evil",
            "C:\\evil",
            "c:evil",
            "a\0b",
        ] {
            assert!(
                matches!(safe_path(bad), Err(ExtractError::UnsafeName(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn legacy_names_decode_with_the_given_encoding() {
        let gbk = encoding(Some("gbk")).unwrap();
        assert!(gbk.is_some());
        // "中文" in GBK.
        let raw = [0xD6, 0xD0, 0xCE, 0xC4];
        assert_eq!(zip_name(&raw, false, gbk, "ignored"), "中文");
        assert_eq!(zip_name("é".as_bytes(), true, gbk, "ignored"), "é");
        assert_eq!(zip_name(&raw, false, None, "cp437"), "cp437");
        assert_eq!(tar_name(&raw, gbk), "中文");
        assert!(encoding(Some("utf-8")).unwrap().is_none());
        assert!(encoding(Some("sjis")).unwrap().is_some());
        assert!(matches!(
            encoding(Some("nope")),
            Err(ExtractError::Encoding(_))
        ));
    }
}
