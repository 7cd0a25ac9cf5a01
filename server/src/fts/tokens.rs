//! The one tokenizer of the index, applied to a file's text and name when indexing and to the
//! query when searching, so both engines (SQLite FTS5, PostgreSQL `tsvector`) store and match
//! the same whole tokens and neither needs a language configuration of its own:
//!
//! - runs of CJK characters (Han, kana, Hangul) become overlapping bigrams, so a two-character
//!   word inside a sentence is found without a dictionary; a lone character stays a token;
//! - other words (letters and digits) are lowercased and stemmed (Snowball English), so
//!   `running` finds `runs`.
//!
//! Tokens hold letters and digits only (no quotes, spaces or operators), which is what lets the
//! query and the stored terms be written as engine syntax without escaping.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};

/// Longest word kept, in characters (longer runs are hashes, base64, noise).
const MAX_WORD_CHARS: usize = 64;

/// Whether `c` is written without spaces between words (CJK ideographs, kana, Hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // Extensions B–F, compatibility supplement
}

/// A word character outside CJK runs.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// One token and where its text lies in the input (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub start: usize,
    pub end: usize,
    /// A CJK token (a bigram, or a lone character).
    pub cjk: bool,
}

/// The tokens of `text`, in order, each with its byte range.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    each_token(text, |t| {
        out.push(t);
        true
    });
    out
}

/// Calls `f` with each token of `text` until it answers `false`.
pub fn each_token(text: &str, f: impl FnMut(Token) -> bool) {
    each_token_where(text, |_| true, f);
}

/// [`each_token`], skipping each word (not CJK token) whose lowercased first character fails
/// `first`, before it is lowercased and stemmed: stemming only rewrites a word's ending, so a
/// caller matching known terms passes their first characters and stems only the words that
/// may match (most of the cost of cutting a snippet from a long text).
pub fn each_token_where(
    text: &str,
    first: impl Fn(char) -> bool,
    mut f: impl FnMut(Token) -> bool,
) {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_cjk(c) {
            let mut run: Vec<(usize, char)> = Vec::new();
            while let Some(&(i, c)) = chars.peek() {
                if !is_cjk(c) {
                    break;
                }
                run.push((i, c));
                chars.next();
            }
            let end_of = |k: usize| run[k].0 + run[k].1.len_utf8();
            if run.len() == 1 {
                let t = Token {
                    term: run[0].1.to_string(),
                    start,
                    end: end_of(0),
                    cjk: true,
                };
                if !f(t) {
                    return;
                }
                continue;
            }
            for k in 0..run.len() - 1 {
                let t = Token {
                    term: [run[k].1, run[k + 1].1].iter().collect(),
                    start: run[k].0,
                    end: end_of(k + 1),
                    cjk: true,
                };
                if !f(t) {
                    return;
                }
            }
        } else if is_word(c) {
            let mut end = start;
            let mut count = 0;
            while let Some(&(i, c)) = chars.peek() {
                if !is_word(c) {
                    break;
                }
                end = i + c.len_utf8();
                count += 1;
                chars.next();
            }
            if count > MAX_WORD_CHARS || !c.to_lowercase().next().is_some_and(&first) {
                continue;
            }
            let lower = text[start..end].to_lowercase();
            let term = stemmer.stem(&lower).into_owned();
            if term.is_empty() {
                continue;
            }
            if !f(Token {
                term,
                start,
                end,
                cjk: false,
            }) {
                return;
            }
        } else {
            chars.next();
        }
    }
}

/// The distinct terms of `parts`, at most `max_bytes` of them in all (PostgreSQL caps a
/// `tsvector` near 1 MiB), separated by spaces.
pub fn index_terms(parts: &[&str], max_bytes: usize) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for part in parts {
        each_token(part, |t| {
            if out.len() + t.term.len() + 1 > max_bytes {
                return false;
            }
            if seen.insert(t.term.clone()) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&t.term);
            }
            true
        });
    }
    out
}

/// The distinct terms of a query, in order: each must be found. A lone CJK character is
/// matched as the start of a bigram (see [`QueryTerm::prefix`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub term: String,
    pub prefix: bool,
}

/// At most this many query terms are used.
pub const MAX_QUERY_TERMS: usize = 32;

pub fn query_terms(query: &str) -> Vec<QueryTerm> {
    let mut out: Vec<QueryTerm> = Vec::new();
    each_token(query, |t| {
        let prefix = t.cjk && t.term.chars().count() == 1;
        if !out.iter().any(|q| q.term == t.term) {
            out.push(QueryTerm {
                term: t.term,
                prefix,
            });
        }
        out.len() < MAX_QUERY_TERMS
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn cjk_runs_become_bigrams_and_words_stems() {
        assert_eq!(
            terms("我们学习中文"),
            ["我们", "们学", "学习", "习中", "中文"]
        );
        assert_eq!(terms("Running DOGS, 42x"), ["run", "dog", "42x"]);
        assert_eq!(terms("好"), ["好"]);
        assert_eq!(terms("Rust是好的"), ["rust", "是好", "好的"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Hello 中文 world";
        for t in tokens(text) {
            assert!(!text[t.start..t.end].is_empty());
        }
        assert_eq!(&text[tokens(text)[1].start..tokens(text)[1].end], "中文");
    }

    #[test]
    fn index_terms_are_distinct_and_capped() {
        assert_eq!(index_terms(&["a b a", "b c"], 100), "a b c");
        assert_eq!(index_terms(&["alpha beta gamma"], 11), "alpha beta");
    }

    #[test]
    fn stemming_keeps_the_first_character() {
        // What `each_token_where` relies on, including Snowball's irregular forms.
        for w in [
            "Dying",
            "skies",
            "Yelling",
            "happiness",
            "hoping",
            "ÉCOLE",
            "generously",
        ] {
            let t = &tokens(w)[0].term;
            assert_eq!(t.chars().next(), w.to_lowercase().chars().next(), "{w}");
        }
    }

    #[test]
    fn words_failing_the_filter_are_skipped() {
        let mut seen = Vec::new();
        each_token_where(
            "Running dogs 中文 rabbits",
            |c| c == 'r',
            |t| {
                seen.push(t.term);
                true
            },
        );
        assert_eq!(seen, ["run", "中文", "rabbit"]);
    }

    #[test]
    fn a_lone_cjk_query_character_is_a_prefix() {
        let q = query_terms("中 rust rust");
        assert_eq!(q.len(), 2);
        assert!(q[0].prefix);
        assert!(!q[1].prefix);
    }
}
