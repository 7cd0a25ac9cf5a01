//! Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp): zip archives whose text
//! is in a few XML parts. Only those parts are inflated, through a budget shared by the whole
//! file ([`Limits::inflated`]): a part that would inflate past it (a zip bomb renamed `.docx`)
//! makes the extraction fail instead of filling memory or disk.

use std::{
    fs::File,
    io::{BufReader, Read},
};

use quick_xml::{Reader, events::Event};
use zip::ZipArchive;

use super::Limits;

/// Most entries an archive may list (a real document has dozens to a few thousands).
const MAX_ENTRIES: usize = 20_000;

/// The parts holding a document's text, in reading order.
fn ooxml_part(name: &str) -> bool {
    name == "word/document.xml"
        || (name.starts_with("word/header") && name.ends_with(".xml"))
        || (name.starts_with("word/footer") && name.ends_with(".xml"))
        || name == "word/footnotes.xml"
        || name == "xl/sharedStrings.xml"
        || (name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml"))
        || (name.starts_with("ppt/slides/slide") && name.ends_with(".xml"))
        || (name.starts_with("ppt/notesSlides/") && name.ends_with(".xml"))
}

/// Elements whose end separates words (paragraphs, cells, runs of slides).
const BREAKS: &[&[u8]] = &[b"p", b"h", b"tab", b"br", b"si", b"c", b"table-cell", b"tr"];

pub fn ooxml(file: File, limits: Limits) -> Result<String, String> {
    read_parts(file, limits, ooxml_part)
}

pub fn odf(file: File, limits: Limits) -> Result<String, String> {
    read_parts(file, limits, |name| name == "content.xml")
}

fn read_parts(file: File, limits: Limits, wanted: impl Fn(&str) -> bool) -> Result<String, String> {
    let mut archive =
        ZipArchive::new(BufReader::new(file)).map_err(|e| format!("not a zip archive: {e}"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!("{} entries in the archive", archive.len()));
    }
    let mut names: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|i| {
            archive
                .name_for_index(i)
                .and_then(|n| n.ok())
                .map(|n| (i, n.into_owned()))
        })
        .filter(|(_, n)| wanted(n))
        .collect();
    if names.is_empty() {
        return Err("no text part in the document".into());
    }
    // Slides and sheets in their number order (slide2 before slide10).
    names.sort_by_key(|(_, n)| natural_key(n));
    let mut budget = limits.inflated;
    let mut out = String::new();
    for (i, name) in names {
        let part = archive
            .by_index(i)
            .map_err(|e| format!("cannot open {name}: {e}"))?;
        if part.size() > budget {
            return Err(format!(
                "{name} inflates to {} bytes, over the {} bytes allowed",
                part.size(),
                limits.inflated
            ));
        }
        // The declared size may lie: the reader is cut one byte past the budget to notice.
        let mut counted = Counted {
            inner: part.take(budget + 1),
            read: 0,
        };
        xml_text(&mut counted, &mut out, limits.text).map_err(|e| format!("{name}: {e}"))?;
        if counted.read > budget {
            return Err(format!(
                "the parts inflate past the {} bytes allowed",
                limits.inflated
            ));
        }
        budget -= counted.read;
        if out.len() >= limits.text {
            break;
        }
        out.push('\n');
    }
    Ok(out)
}

fn natural_key(name: &str) -> (String, u64) {
    let stem = name.trim_end_matches(".xml");
    let digits: String = stem
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = digits.parse().unwrap_or(0);
    (stem[..stem.len() - digits.len()].to_owned(), n)
}

struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Appends the character data of an XML part to `out`, a space at each break element, until
/// `out` holds `max` bytes.
fn xml_text(part: impl Read, out: &mut String, max: usize) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Text(t)) => match t.unescape() {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str(&String::from_utf8_lossy(&t)),
            },
            Ok(Event::CData(t)) => out.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::End(e)) if BREAKS.contains(&e.local_name().as_ref()) => out.push(' '),
            Ok(Event::Empty(e)) if BREAKS.contains(&e.local_name().as_ref()) => out.push(' '),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("malformed XML: {e}")),
        }
        if out.len() >= max {
            return Ok(());
        }
        buf.clear();
    }
}
