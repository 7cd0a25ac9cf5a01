//! PDF text with `lopdf`, a maintained pure-Rust reader. The file (at most the read cap) is
//! loaded into memory, as the format's cross-reference table needs; content streams inflate
//! under the same budget as zip parts. `lopdf` answers errors for the malformed files tried,
//! but a parser can still panic on an input nobody tried: the caller runs this under
//! `catch_unwind` on a blocking thread with a timeout.

use std::{
    fs::File,
    io::{Read, Seek, SeekFrom},
};

use lopdf::Document;

use super::Limits;

pub fn text(mut file: File, limits: Limits) -> Result<String, String> {
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limits.read)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let doc = Document::load_mem(&bytes).map_err(|e| format!("unreadable PDF: {e}"))?;
    drop(bytes);
    if doc.is_encrypted() {
        return Err("encrypted PDF".into());
    }
    let inflated = usize::try_from(limits.inflated).unwrap_or(usize::MAX);
    let mut out = String::new();
    let mut first_error = None;
    // A page that cannot be read is left out; the file fails only when no page could be.
    for page in doc.get_pages().keys() {
        match doc.extract_text_with_limit(&[*page], inflated) {
            Ok(t) => {
                out.push_str(&t);
                out.push('\n');
            }
            Err(e) => {
                first_error.get_or_insert_with(|| format!("page {page}: {e}"));
            }
        }
        if out.len() >= limits.text {
            break;
        }
    }
    match first_error {
        Some(e) if out.trim().is_empty() => Err(e),
        _ if out.trim().is_empty() && doc.get_pages().is_empty() => Err("no pages".into()),
        _ => Ok(out),
    }
}
