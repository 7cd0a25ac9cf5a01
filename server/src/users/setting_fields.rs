//! Validation of the fields of a settings change: each refusal names the field.

use super::{MAX_NICK_CHARS, UsersError};

/// Most extensions `version_retention_ext` may list.
const MAX_RETENTION_EXTS: usize = 100;
/// Longest extension in `version_retention_ext`, in characters.
const MAX_EXT_CHARS: usize = 32;

fn param_error(msg: impl Into<String>) -> UsersError {
    UsersError::field(msg)
}

pub(super) fn validate_nick(nick: &str) -> Result<String, UsersError> {
    let nick = nick.trim();
    let len = nick.chars().count();
    if len == 0 {
        return Err(param_error("nick: must not be empty"));
    }
    if len > MAX_NICK_CHARS {
        return Err(param_error(format!(
            "nick: at most {MAX_NICK_CHARS} characters"
        )));
    }
    if nick.chars().any(char::is_control) {
        return Err(param_error("nick: must not contain control characters"));
    }
    Ok(nick.to_owned())
}

/// A language tag such as `en`, `zh-CN` or `zh_TW`; empty clears the setting.
pub(super) fn validate_language(language: &str) -> Result<String, UsersError> {
    let language = language.trim();
    let valid = language.len() <= 35
        && language
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(language.to_owned())
    } else {
        Err(param_error("language: not a language tag"))
    }
}

/// A CSS colour (hex, `rgb[a]()` or `hsl[a]()`); empty clears the setting.
pub(super) fn validate_theme(theme: &str) -> Result<String, UsersError> {
    let theme = theme.trim();
    if theme.is_empty() || is_css_colour(theme) {
        Ok(theme.to_owned())
    } else {
        Err(param_error(
            "preferred_theme: not a colour (#rrggbb, rgb(), rgba(), hsl() or hsla())",
        ))
    }
}

fn is_css_colour(value: &str) -> bool {
    if value.len() > 64 {
        return false;
    }
    if let Some(hex) = value.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let lower = value.to_ascii_lowercase();
    let Some((name, rest)) = lower.split_once('(') else {
        return false;
    };
    let Some(args) = rest.strip_suffix(')') else {
        return false;
    };
    let args: Vec<&str> = args.split(',').map(str::trim).collect();
    let number = |arg: &str, percent: bool| {
        let digits = if percent {
            arg.strip_suffix('%')
        } else {
            Some(arg.strip_suffix('%').unwrap_or(arg))
        };
        digits
            .and_then(|d| d.parse::<f64>().ok())
            .is_some_and(f64::is_finite)
    };
    match (name.trim(), args.as_slice()) {
        ("rgb", [r, g, b]) => [r, g, b].iter().all(|a| number(a, false)),
        ("rgba", [r, g, b, a]) => [r, g, b, a].iter().all(|x| number(x, false)),
        ("hsl", [h, s, l]) => number(h, false) && number(s, true) && number(l, true),
        ("hsla", [h, s, l, a]) => {
            number(h, false) && number(s, true) && number(l, true) && number(a, false)
        }
        _ => false,
    }
}

/// Extensions, each without a leading dot, lower-cased, de-duplicated.
pub(super) fn validate_exts(exts: &[String]) -> Result<Vec<String>, UsersError> {
    if exts.len() > MAX_RETENTION_EXTS {
        return Err(param_error(format!(
            "version_retention_ext: at most {MAX_RETENTION_EXTS} extensions"
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(exts.len());
    for (i, ext) in exts.iter().enumerate() {
        let ext = ext.trim().trim_start_matches('.').to_lowercase();
        let valid = !ext.is_empty()
            && ext.chars().count() <= MAX_EXT_CHARS
            && !ext
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\' | '.'));
        if !valid {
            return Err(param_error(format!(
                "version_retention_ext[{i}]: not a file extension"
            )));
        }
        if !out.contains(&ext) {
            out.push(ext);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        for ok in [
            "#1976d2",
            "#FFF",
            "#ffff",
            "#11223344",
            "rgb(1, 2, 3)",
            "rgba(1,2,3,0.5)",
            "hsl(120, 50%, 40%)",
            "HSLA(120,50%,40%,1)",
        ] {
            assert!(is_css_colour(ok), "{ok}");
        }
        for bad in [
            "1976d2",
            "#12",
            "#ggg",
            "red",
            "rgb(1,2)",
            "rgb(1,2,3",
            "hsl(1,2,3)",
            "url(x)",
            "rgb(a,b,c)",
        ] {
            assert!(!is_css_colour(bad), "{bad}");
        }
    }

    #[test]
    fn fields_are_checked() {
        assert_eq!(validate_nick("  Ann  ").unwrap(), "Ann");
        assert!(validate_nick("   ").is_err());
        assert!(validate_nick(&"x".repeat(101)).is_err());
        assert!(validate_nick("a\u{0}b").is_err());
        assert_eq!(validate_language("zh-CN").unwrap(), "zh-CN");
        assert!(validate_language("en US").is_err());
        assert_eq!(
            validate_exts(&[".TXT".into(), "md".into(), "txt".into()]).unwrap(),
            vec!["txt", "md"]
        );
        assert!(validate_exts(&["a/b".into()]).is_err());
        assert!(validate_exts(&["".into()]).is_err());
    }
}
