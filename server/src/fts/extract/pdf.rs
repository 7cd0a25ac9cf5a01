//! PDF text with `lopdf`, a maintained pure-Rust reader. The file (at most the read cap) is
//! loaded into memory, as the format's cross-reference table needs. `lopdf` bounds each
//! stream it inflates, not their sum, and inflates every object stream while loading: a few
//! KB of nested compression could ask for gigabytes. So one load has a budget ([`Budget`]):
//! object streams inflate within [`Budget::inflated`] bytes in all and at most
//! [`MAX_OBJECTS`] objects are kept; past either the file is refused as too large to index.
//! (With an object filter `lopdf` does not rebuild a damaged file's page tree: such a file
//! fails as unreadable, as it would in most readers.)
//! Content streams then inflate under [`Limits::inflated`] per page. This runs in the
//! extraction's own process (`super::super::isolate`), whose memory and time are capped, so
//! a parser still able to exhaust one of them on an input nobody tried only ends that run.

use std::{
    cell::Cell,
    fs::File,
    io::{Read, Seek, SeekFrom},
};

use lopdf::{DecompressError, Document, Error, LoadOptions, Object, ObjectId};

use super::Limits;

/// Objects one load keeps (a long report has tens of thousands).
pub const MAX_OBJECTS: u64 = 500_000;
/// Bytes object streams may inflate to in one load, per byte of the file (and at least
/// [`Limits::inflated`]): they hold the document's dictionaries, a fraction of a real file's
/// size once inflated.
const INFLATE_PER_BYTE_READ: u64 = 2;

/// What is left of one load's budget (per thread: `lopdf` calls the object filter on the
/// loading thread, and the filter is a plain function).
#[derive(Clone, Copy)]
struct Budget {
    inflated: u64,
    objects: u64,
    spent: Option<Spent>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Spent {
    Inflated,
    Objects,
}

thread_local! {
    static BUDGET: Cell<Budget> = const {
        Cell::new(Budget { inflated: 0, objects: 0, spent: None })
    };
}

pub fn text(mut file: File, limits: Limits) -> Result<String, String> {
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limits.read)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let doc = load(&bytes, limits)?;
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

/// The document in `bytes`, loaded within the budget of `limits`.
fn load(bytes: &[u8], limits: Limits) -> Result<Document, String> {
    let budget = (bytes.len() as u64)
        .saturating_mul(INFLATE_PER_BYTE_READ)
        .max(limits.inflated);
    BUDGET.set(Budget {
        inflated: budget,
        objects: MAX_OBJECTS,
        spent: None,
    });
    let options = LoadOptions {
        filter: Some(within_budget),
        // The bound `lopdf` itself applies to each stream it inflates outside the filter
        // (cross-reference streams, object streams it needs to find the others).
        max_decompressed_size: Some(usize::try_from(budget).unwrap_or(usize::MAX)),
        ..LoadOptions::default()
    };
    let loaded = Document::load_mem_with_options(bytes, options);
    let over = matches!(
        loaded,
        Err(Error::Decompress(
            DecompressError::MemoryLimitExceeded { .. }
        ))
    );
    match BUDGET.get().spent {
        Some(Spent::Objects) => Err(format!("too large to index: over {MAX_OBJECTS} objects")),
        Some(Spent::Inflated) => Err(too_large(budget)),
        None if over => Err(too_large(budget)),
        None => loaded.map_err(|e| format!("unreadable PDF: {e}")),
    }
}

fn too_large(budget: u64) -> String {
    format!("too large to index: its compressed objects inflate past {budget} bytes")
}

/// The object filter of a load: counts the objects, and inflates each object stream itself
/// against what is left of the budget (leaving it inflated, so `lopdf` does not inflate it
/// again). Once the budget is spent every further object is dropped and the load is refused.
fn within_budget(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let mut budget = BUDGET.get();
    let keep = spend(&mut budget, object);
    BUDGET.set(budget);
    if !keep {
        return None;
    }
    // `lopdf` keeps the object it passed (`object`, as changed here) of the file's objects,
    // and what is returned of an object stream's members. Members are never streams, so a
    // stream's big content is not copied for nothing.
    Some(match object {
        Object::Stream(_) => (id, Object::Null),
        member => (id, member.clone()),
    })
}

fn spend(budget: &mut Budget, object: &mut Object) -> bool {
    if budget.spent.is_some() {
        return false;
    }
    if budget.objects == 0 {
        budget.spent = Some(Spent::Objects);
        return false;
    }
    budget.objects -= 1;
    let Object::Stream(stream) = object else {
        return true;
    };
    if !stream.dict.has_type(b"ObjStm") {
        return true;
    }
    let left = usize::try_from(budget.inflated).unwrap_or(usize::MAX);
    match stream.get_plain_content_with_limit(left) {
        Ok(content) => {
            budget.inflated -= content.len() as u64;
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(content);
            true
        }
        Err(Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
            budget.spent = Some(Spent::Inflated);
            false
        }
        // A broken stream is `lopdf`'s to report (or skip) as it would without the budget.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};

    use flate2::{Compression, write::ZlibEncoder};

    use super::*;

    fn deflate(bytes: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    }

    /// A PDF of one empty page and the object streams `streams` (plain content, deflated here
    /// `deflates` times each).
    fn pdf(streams: &[(u32, u32, Vec<u8>)], deflates: usize) -> File {
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec(),
        ];
        for (n, first, content) in streams {
            let mut packed = content.clone();
            for _ in 0..deflates {
                packed = deflate(&packed);
            }
            let filters = vec!["/FlateDecode"; deflates].join(" ");
            let mut o = format!(
                "<< /Type /ObjStm /N {n} /First {first} /Filter [{filters}] /Length {} >>\nstream\n",
                packed.len()
            )
            .into_bytes();
            o.extend_from_slice(&packed);
            o.extend_from_slice(b"\nendstream");
            objects.push(o);
        }
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let size = objects.len() + 1;
        out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&out).unwrap();
        file.rewind().unwrap();
        file
    }

    fn limits() -> Limits {
        Limits {
            read: 25 << 20,
            text: 1 << 20,
            inflated: 16 << 20,
        }
    }

    #[test]
    fn object_streams_inflate_within_one_budget_for_the_whole_load() {
        // Three streams of 10 MiB of zeros each, deflated twice: a few hundred bytes each.
        // Each is within the 16 MiB a small file may inflate to; together they are not.
        let streams: Vec<_> = (0..3).map(|_| (1, 4, vec![0u8; 10 << 20])).collect();
        let file = pdf(&streams, 2);
        assert!(file.metadata().unwrap().len() < 16 << 10);
        let err = text(file, limits()).unwrap_err();
        // The budget of a small file is the per-document bound (16 MiB).
        assert_eq!(
            err,
            "too large to index: its compressed objects inflate past 16777216 bytes"
        );
    }

    #[test]
    fn objects_past_the_count_are_refused() {
        let n = MAX_OBJECTS as u32 + 1;
        let mut header = String::new();
        for i in 0..n {
            header.push_str(&format!("{} {} ", 100 + i, i * 2));
        }
        let first = header.len() as u32;
        let mut content = header.into_bytes();
        content.extend(std::iter::repeat_n(*b"0 ", n as usize).flatten());
        let err = text(pdf(&[(n, first, content)], 1), limits()).unwrap_err();
        assert_eq!(
            err,
            format!("too large to index: over {MAX_OBJECTS} objects")
        );
    }

    #[test]
    fn a_document_within_the_budget_loads() {
        let members = b"100 0 << /Kind /Note >>".to_vec();
        let mut bytes = Vec::new();
        pdf(&[(1, 6, members)], 1).read_to_end(&mut bytes).unwrap();
        let doc = load(&bytes, limits()).unwrap();
        // The member and the page tree are there as without the budget.
        let note = doc.get_object((100, 0)).unwrap().as_dict().unwrap();
        assert_eq!(note.get(b"Kind").unwrap().as_name().unwrap(), b"Note");
        assert_eq!(doc.get_pages().len(), 1);
    }
}
