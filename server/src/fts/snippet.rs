//! The `content` of a hit: the part of a file's text (about `fts_chunk_size` bytes) holding the
//! most matched words, HTML-escaped, with each match wrapped in `<em>`…`</em>`, the only tags
//! the web client renders.

use super::tokens::{QueryTerm, each_token_where};

/// Most matches looked at in one text.
const MAX_MATCHES: usize = 2000;

/// The snippet of `text` for `query`, at most about `size` bytes of text.
pub fn snippet(text: &str, query: &[QueryTerm], size: usize) -> String {
    let matches = matches(text, query);
    let size = size.max(16);
    let (start, end) = match best_window(&matches, size) {
        Some(first) => {
            // A little context before the first match, starting at a character boundary.
            let mut s = matches[first].0.saturating_sub(size / 8);
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            (s, boundary_before(text, (s + size).min(text.len())))
        }
        None => (0, boundary_before(text, size.min(text.len()))),
    };
    let mut out = String::with_capacity(end - start + 64);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(ms, me) in &matches {
        if ms < at || me > end {
            continue;
        }
        escape_into(&text[at..ms], &mut out);
        out.push_str("<em>");
        escape_into(&text[ms..me], &mut out);
        out.push_str("</em>");
        at = me;
    }
    escape_into(&text[at..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Byte ranges of matched tokens, in order, overlapping CJK bigrams merged.
fn matches(text: &str, query: &[QueryTerm]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    // Only words starting like a query term are stemmed and compared.
    let firsts: Vec<char> = query.iter().filter_map(|q| q.term.chars().next()).collect();
    each_token_where(
        text,
        |c| firsts.contains(&c),
        |t| {
            let hit = query.iter().any(|q| {
                if q.prefix {
                    t.term.starts_with(&q.term)
                } else {
                    q.term == t.term
                }
            });
            if hit {
                // A lone-character query marks only its character, not the bigram around it.
                let (s, e) = if t.cjk
                    && query
                        .iter()
                        .any(|q| q.prefix && t.term.starts_with(&q.term))
                    && !query.iter().any(|q| q.term == t.term)
                {
                    let first = t.term.chars().next().map_or(0, char::len_utf8);
                    (t.start, t.start + first)
                } else {
                    (t.start, t.end)
                };
                match out.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => out.push((s, e)),
                }
            }
            out.len() < MAX_MATCHES
        },
    );
    out
}

/// The index of the match starting the window of `size` bytes holding the most matches.
fn best_window(matches: &[(usize, usize)], size: usize) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    let mut j = 0;
    for i in 0..matches.len() {
        j = j.max(i);
        while j + 1 < matches.len() && matches[j + 1].1 <= matches[i].0 + size {
            j += 1;
        }
        let count = j - i + 1;
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((i, count));
        }
    }
    best.map(|(i, _)| i)
}

fn boundary_before(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fts::tokens::query_terms;

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let s = snippet("<b>Running</b> fast & far", &query_terms("run"), 200);
        assert_eq!(s, "&lt;b&gt;<em>Running</em>&lt;/b&gt; fast &amp; far");
    }

    #[test]
    fn cjk_words_inside_sentences() {
        let s = snippet("我们学习中文很好", &query_terms("中文"), 200);
        assert_eq!(s, "我们学习<em>中文</em>很好");
    }

    #[test]
    fn the_window_holds_the_matches() {
        let text = format!("{} needle {}", "x ".repeat(500), "y ".repeat(500));
        let s = snippet(&text, &query_terms("needle"), 100);
        assert!(s.contains("<em>needle</em>"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'));
    }
}
