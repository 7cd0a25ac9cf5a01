//! Finds the module paths one source file of `server/src` names through `crate::` or
//! `super::`: in `use` items (groups expanded) and inline in code. Comments and string
//! literals are blanked first, so a path in a doc comment or a message is not an import.
//! `super` is resolved against the file's module and any inline `mod name { … }` around it.

/// One path a file names, resolved to its absolute module path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// Line of the path's first segment, from 1.
    pub line: usize,
    /// As written, e.g. `super::nav::resolve`.
    pub written: String,
    /// From the crate root, without `crate`: `["fs", "nav", "resolve"]`.
    pub path: Vec<String>,
}

/// The imports of a file whose module path (from the crate root) is `module`: `["fs", "tree"]`
/// for `fs/tree.rs`, `["fs"]` for `fs/mod.rs`, `[]` for `lib.rs`.
pub fn imports(source: &str, module: &[String]) -> Vec<Import> {
    let tokens = tokenize(&blank(source));
    let mut found = Vec::new();
    // Inline modules around the current token, with the brace depth their body opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].text.as_str() {
            "{" => depth += 1,
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.text == "{") => {
                inline.push((tokens[i + 1].text.clone(), depth + 1));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let line = tokens[i].line;
                let mut paths = Vec::new();
                let end = use_tree(&tokens, i + 1, Vec::new(), &mut paths);
                for written in paths {
                    if let Some(path) = resolve(&written, &here(module, &inline)) {
                        found.push(Import {
                            line,
                            written: written.join("::"),
                            path,
                        });
                    }
                }
                i = end;
                continue;
            }
            "crate" | "super"
                if tokens.get(i + 1).is_some_and(|t| t.text == "::")
                    && !i
                        .checked_sub(1)
                        .is_some_and(|p| matches!(tokens[p].text.as_str(), "$" | "in" | "::")) =>
            {
                let line = tokens[i].line;
                let mut written = vec![tokens[i].text.clone()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|t| t.text == "::")
                    && tokens.get(j + 1).is_some_and(|t| is_ident(&t.text))
                {
                    written.push(tokens[j + 1].text.clone());
                    j += 2;
                }
                if let Some(path) = resolve(&written, &here(module, &inline)) {
                    found.push(Import {
                        line,
                        written: written.join("::"),
                        path,
                    });
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The module path of a token: the file's module and the inline modules around it.
fn here(module: &[String], inline: &[(String, usize)]) -> Vec<String> {
    let mut path = module.to_vec();
    path.extend(inline.iter().map(|(name, _)| name.clone()));
    path
}

/// Parses a use tree from `tokens[i]` with the segments before it in `prefix`; pushes every
/// complete path and returns the index after the tree (past the `;` at the top level).
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    while let Some(t) = tokens.get(i) {
        match t.text.as_str() {
            "::" => i += 1,
            "{" => {
                i += 1;
                loop {
                    i = use_tree(tokens, i, path.clone(), out);
                    match tokens.get(i).map(|t| t.text.as_str()) {
                        Some(",") => i += 1,
                        Some("}") => return finish(tokens, i + 1),
                        _ => return i,
                    }
                    if tokens.get(i).is_some_and(|t| t.text == "}") {
                        return finish(tokens, i + 1);
                    }
                }
            }
            "*" => {
                out.push(path);
                return finish(tokens, i + 1);
            }
            "self" if !path.is_empty() => {
                out.push(path);
                return finish(tokens, i + 1);
            }
            "as" => {
                out.push(path);
                return finish(tokens, i + 2);
            }
            "," | "}" | ";" => {
                if !path.is_empty() {
                    out.push(path);
                }
                return if t.text == ";" { i + 1 } else { i };
            }
            text if is_ident(text) => {
                path.push(text.to_string());
                i += 1;
            }
            _ => return i + 1,
        }
    }
    i
}

/// After a complete subtree: steps over a top-level `;`, leaves `,` and `}` to the caller.
fn finish(tokens: &[Token], i: usize) -> usize {
    if tokens.get(i).is_some_and(|t| t.text == ";") {
        i + 1
    } else {
        i
    }
}

/// The absolute path of `written` (which starts with `crate` or `super`) seen from `here`;
/// `None` for a path that stays relative (`self::…`, a crate name, a local item).
fn resolve(written: &[String], here: &[String]) -> Option<Vec<String>> {
    match written.first().map(String::as_str) {
        Some("crate") => Some(written[1..].to_vec()),
        Some("super") => {
            let mut base = here.to_vec();
            let mut rest = written;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.extend(rest.iter().filter(|s| *s != "self").cloned());
            Some(base)
        }
        _ => None,
    }
}

#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
}

fn is_ident(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::` and single punctuation characters, with their lines.
fn tokenize(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                text: chars[start..i].iter().collect(),
                line,
            });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    tokens
}

/// The source with comments and the insides of string and character literals replaced by
/// spaces (newlines kept, so lines still count).
fn blank(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let keep_line = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut nest = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nest += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nest -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nest == 0 {
                        break;
                    }
                } else {
                    out.push(keep_line(chars[i]));
                    i += 1;
                }
            }
        } else if !prev_ident
            && (c == 'r' || (c == 'b' && next == Some('r')))
            && raw_start(&chars, i).is_some()
        {
            let (hashes, open) = raw_start(&chars, i).unwrap_or_default();
            out.extend(std::iter::repeat_n(' ', open - i + 1));
            i = open + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(keep_line(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&ch) = chars.get(i) {
                    out.push(keep_line(ch));
                }
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && char_literal_end(&chars, i).is_some() {
            let end = char_literal_end(&chars, i).unwrap_or(i);
            out.extend(std::iter::repeat_n(' ', end - i + 1));
            i = end + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// For a raw string starting at `i` (`r"`, `r#"`, `br##"`…): the number of `#` and the index
/// of the opening quote.
fn raw_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = if chars[i] == 'b' { i + 2 } else { i + 1 };
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((hashes, j))
}

/// The index of the closing quote of a character literal opening at `i`, or `None` for a
/// lifetime (`'a`).
fn char_literal_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1)? {
        '\\' => (i + 3..chars.len().min(i + 13)).find(|&j| chars[j] == '\''),
        _ => (chars.get(i + 2) == Some(&'\'')).then_some(i + 2),
    }
}

#[cfg(test)]
mod tests {
    use super::imports;

    fn paths(source: &str, module: &[&str]) -> Vec<String> {
        let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
        imports(source, &module)
            .into_iter()
            .map(|i| i.path.join("::"))
            .collect()
    }

    #[test]
    fn use_groups_are_expanded_and_super_resolved() {
        let src =
            "use crate::{api::{envelope::ApiError, dto}, fs::nav as n};\nuse super::tree::*;\n";
        assert_eq!(
            paths(src, &["fs", "list"]),
            ["api::envelope::ApiError", "api::dto", "fs::nav", "fs::tree"]
        );
    }

    #[test]
    fn inline_paths_count_but_comments_strings_and_visibility_do_not() {
        let src = "//! see crate::api\npub(crate) fn f() -> crate::api::X { let s = \"crate::dav::y\"; \
                   let c = '\"'; /* crate::web */ crate::share::access::check::<u8>(); }\n";
        assert_eq!(paths(src, &["fs", "x"]), ["api::X", "share::access::check"]);
    }

    #[test]
    fn super_in_an_inline_module_stays_inside_the_file() {
        let src = "fn a<'a>(x: &'a str) {}\nmod tests {\n use super::*;\n fn t() { super::super::web::f(); }\n}\nuse super::state;\n";
        assert_eq!(paths(src, &["users"]), ["users", "web::f", "state"]);
    }

    #[test]
    fn raw_strings_are_blanked() {
        let src = "const Q: &str = r#\"crate::api \"quoted\" \"#; use crate::db;";
        assert_eq!(paths(src, &["fs"]), ["db"]);
    }
}
