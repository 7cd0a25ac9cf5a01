//! Plain text out of a file's bytes, by its extension: text, Markdown and source code as they
//! are, HTML without its markup, PDF (`lopdf`), Office Open XML and OpenDocument (their XML
//! parts through `zip` and `quick-xml`). Every reader is bounded: at most `read_cap` bytes of
//! the file are read, decompressed parts stop at [`Limits::inflated`] bytes (a zip bomb is an
//! error, not an exhausted disk or memory), and at most [`Limits::text`] bytes of text are kept.
//! Failures are answered in words, for the index row that records them.

mod html;
mod pdf;
mod zipped;

use std::{
    fs::File,
    io::{Read, Seek, SeekFrom},
};

/// Bounds of one extraction.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of the file read at most (larger files are refused before this is called).
    pub read: u64,
    /// Bytes of plain text kept.
    pub text: usize,
    /// Decompressed bytes read from an archive's parts, in all.
    pub inflated: u64,
}

/// How a file's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Html,
    Pdf,
    /// Office Open XML (docx, xlsx, pptx).
    Ooxml,
    /// OpenDocument (odt, ods, odp).
    Odf,
}

/// Plain text, Markdown, data and source code, read as UTF-8 text.
const PLAIN: &[&str] = &[
    "txt",
    "text",
    "md",
    "markdown",
    "rst",
    "adoc",
    "org",
    "tex",
    "csv",
    "tsv",
    "log",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "xml",
    "svg",
    "rs",
    "go",
    "py",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "java",
    "kt",
    "kts",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "cs",
    "fs",
    "swift",
    "m",
    "mm",
    "rb",
    "php",
    "pl",
    "pm",
    "lua",
    "r",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "sql",
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "dart",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "clj",
    "el",
    "vim",
    "proto",
    "gradle",
    "cmake",
    "mk",
    "dockerfile",
    "properties",
    "env",
    "srt",
    "vtt",
];

/// The extensions of the formats other than plain text ([`Format::of`] reads them).
const DOCUMENTS: &[&str] = &[
    "html", "htm", "xhtml", "pdf", "docx", "xlsx", "pptx", "docm", "xlsm", "pptm", "odt", "ods",
    "odp",
];

impl Format {
    /// Every extension (lower case, no dot) that has a format: a name `….ext` with one of
    /// them is what [`Format::of`] answers `Some` for, so queries can select the same files.
    pub fn extensions() -> impl Iterator<Item = &'static str> {
        DOCUMENTS.iter().chain(PLAIN).copied()
    }

    /// The format's name on the extraction's command line.
    pub fn key(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Ooxml => "ooxml",
            Format::Odf => "odf",
        }
    }

    /// The format named `key` ([`Format::key`]).
    pub fn from_key(key: &str) -> Option<Format> {
        [
            Format::Plain,
            Format::Html,
            Format::Pdf,
            Format::Ooxml,
            Format::Odf,
        ]
        .into_iter()
        .find(|f| f.key() == key)
    }

    /// The format of a file named `name`, if its text can be read.
    pub fn of(name: &str) -> Option<Format> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" | "xhtml" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" | "xlsx" | "pptx" | "docm" | "xlsm" | "pptm" => Format::Ooxml,
            "odt" | "ods" | "odp" => Format::Odf,
            e if PLAIN.contains(&e) => Format::Plain,
            _ => return None,
        })
    }
}

/// The text of `file` read as `format`. Runs in the extraction's own process
/// (`super::isolate`), which bounds its time and memory.
pub fn extract(file: File, format: Format, limits: Limits) -> Result<String, String> {
    let mut text = match format {
        Format::Plain => plain(file, limits)?,
        Format::Html => html::text(&plain(file, limits)?),
        Format::Pdf => pdf::text(file, limits)?,
        Format::Ooxml => zipped::ooxml(file, limits)?,
        Format::Odf => zipped::odf(file, limits)?,
    };
    cap(&mut text, limits.text);
    Ok(text)
}

/// The first `limits.read` bytes (and at most 4 times the text kept: a text file's text is its
/// bytes) as text, invalid UTF-8 replaced; a file with NUL bytes in its start is not text.
fn plain(mut file: File, limits: Limits) -> Result<String, String> {
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let want = limits.read.min(limits.text as u64 * 4);
    let mut bytes = Vec::new();
    file.take(want)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary content (NUL bytes), not text".into());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
pub fn cap(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("a.MD"), Some(Format::Plain));
        assert_eq!(Format::of("main.rs"), Some(Format::Plain));
        assert_eq!(Format::of("x.docx"), Some(Format::Ooxml));
        assert_eq!(Format::of("x.ods"), Some(Format::Odf));
        assert_eq!(Format::of("x.pdf"), Some(Format::Pdf));
        assert_eq!(Format::of("x.jpg"), None);
        assert_eq!(Format::of("Makefile"), None);
        for f in [
            Format::Plain,
            Format::Html,
            Format::Pdf,
            Format::Ooxml,
            Format::Odf,
        ] {
            assert_eq!(Format::from_key(f.key()), Some(f));
        }
    }

    #[test]
    fn cap_keeps_whole_characters() {
        let mut s = "中文".to_owned();
        cap(&mut s, 4);
        assert_eq!(s, "中");
    }
}
