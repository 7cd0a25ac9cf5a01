//! What of a picture is read for its EXIF, bounded whatever the picture's size.
//!
//! The EXIF reader takes a TIFF (and the raw formats built on it) whole into memory, and a
//! PNG, HEIF or WebP chunk as long as the chunk says. So a TIFF is not handed to it: its
//! directories (IFD0 and the Exif, GPS and interoperability ones it points to) are read
//! through seeks, with their values, and written again as a small TIFF of their own
//! ([`tiff_directories`]), wherever in the file they are (libtiff writes them after the
//! pixels). The pixels are never read. Other formats are read through [`Window`], which
//! ends the file after its first [`WINDOW`] bytes.

use std::{
    collections::HashSet,
    io::{self, BufRead, Read, Seek, SeekFrom},
};

/// Bytes of a non-TIFF picture the EXIF reader may see: cameras put the EXIF first.
pub const WINDOW: u64 = 4 << 20;
/// Entries read per directory (a camera's have dozens; the count is a 16-bit field).
const MAX_ENTRIES: usize = 1024;
/// Bytes of one value read (a larger one, a maker note or a strip table, is left out).
const MAX_VALUE: usize = 256 << 10;
/// Bytes of values read in all.
const MAX_VALUES: usize = 1 << 20;

/// A TIFF's first bytes: byte order, then 42.
pub fn is_tiff(head: &[u8]) -> bool {
    head.starts_with(b"II*\0") || head.starts_with(b"MM\0*")
}

/// The directories of the TIFF `file` holds as a TIFF of their own (header, IFD0 with the
/// Exif and GPS directories and the Exif one's interoperability directory, their values
/// after each), to hand to the EXIF reader. Entries whose value cannot be read or is over
/// the caps are left out; `None` when the file is no TIFF or IFD0 cannot be read.
pub fn tiff_directories(file: &mut (impl Read + Seek)) -> Option<Vec<u8>> {
    let mut head = [0u8; 8];
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_exact(&mut head).ok()?;
    if !is_tiff(&head) {
        return None;
    }
    let order = Order(head[0] == b'I');
    let first = order.u32(&head[4..8]);
    let mut reader = Directories {
        file,
        order,
        seen: HashSet::new(),
        value_bytes: 0,
    };
    let ifd0 = reader.directory(first, Context::Tiff)?;
    let mut out = head[..4].to_vec();
    out.extend_from_slice(&order.put32(8));
    write(&mut out, &ifd0, order);
    Some(out)
}

#[derive(Clone, Copy)]
struct Order(bool);

impl Order {
    fn u16(self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        if self.0 {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    }

    fn u32(self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        if self.0 {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    }

    fn put16(self, v: u16) -> [u8; 2] {
        if self.0 {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    }

    fn put32(self, v: u32) -> [u8; 4] {
        if self.0 {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    }
}

/// The directory a pointer tag leads to.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Tiff,
    Exif,
    Other,
}

/// The directory a tag of `ctx` points to, if it is a pointer (the EXIF reader's own list).
fn child(ctx: Context, tag: u16) -> Option<Context> {
    match (ctx, tag) {
        (Context::Tiff, 0x8769) => Some(Context::Exif),
        (Context::Tiff, 0x8825) | (Context::Exif, 0xA005) => Some(Context::Other),
        _ => None,
    }
}

/// An entry as read: its value's bytes, or the directory it points to.
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    value: Value,
}

enum Value {
    Bytes(Vec<u8>),
    Directory(Vec<Entry>),
}

struct Directories<'a, R> {
    file: &'a mut R,
    order: Order,
    /// Directories read already: a loop of pointers is read once.
    seen: HashSet<u32>,
    value_bytes: usize,
}

impl<R: Read + Seek> Directories<'_, R> {
    fn read_at(&mut self, offset: u32, len: usize) -> Option<Vec<u8>> {
        self.file.seek(SeekFrom::Start(offset.into())).ok()?;
        let mut buf = vec![0u8; len];
        self.file.read_exact(&mut buf).ok()?;
        Some(buf)
    }

    fn directory(&mut self, offset: u32, ctx: Context) -> Option<Vec<Entry>> {
        if !self.seen.insert(offset) {
            return None;
        }
        let count = usize::from(self.order.u16(&self.read_at(offset, 2)?));
        let table = self.read_at(offset.checked_add(2)?, count.min(MAX_ENTRIES) * 12)?;
        let mut entries = Vec::new();
        for raw in table.chunks_exact(12) {
            let (tag, typ) = (self.order.u16(&raw[0..2]), self.order.u16(&raw[2..4]));
            let count = self.order.u32(&raw[4..8]);
            let Some(len) = unit(typ).and_then(|u| u.checked_mul(count as usize)) else {
                continue;
            };
            if let Some(ctx) = child(ctx, tag) {
                let sub = self.order.u32(&raw[8..12]);
                if let Some(sub) = self.directory(sub, ctx) {
                    entries.push(Entry {
                        tag,
                        typ,
                        count,
                        value: Value::Directory(sub),
                    });
                }
                continue;
            }
            let bytes = if len <= 4 {
                raw[8..8 + len].to_vec()
            } else if len > MAX_VALUE || self.value_bytes + len > MAX_VALUES {
                continue;
            } else {
                let at = self.order.u32(&raw[8..12]);
                match self.read_at(at, len) {
                    Some(bytes) => bytes,
                    None => continue,
                }
            };
            self.value_bytes += bytes.len();
            entries.push(Entry {
                tag,
                typ,
                count,
                value: Value::Bytes(bytes),
            });
        }
        Some(entries)
    }
}

/// Bytes of one item of TIFF type `typ`; `None` for a type the reader does not know.
fn unit(typ: u16) -> Option<usize> {
    Some(match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => return None,
    })
}

/// Appends the directory `entries` at the end of `out` (at an even offset), then their
/// values and the directories they point to; the next-directory link is 0.
fn write(out: &mut Vec<u8>, entries: &[Entry], order: Order) {
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let start = out.len();
    out.extend_from_slice(&order.put16(entries.len() as u16));
    out.resize(start + 2 + entries.len() * 12, 0);
    out.extend_from_slice(&order.put32(0));
    for (i, entry) in entries.iter().enumerate() {
        let at = start + 2 + i * 12;
        let field = match &entry.value {
            Value::Bytes(bytes) if bytes.len() <= 4 => {
                let mut field = [0u8; 4];
                field[..bytes.len()].copy_from_slice(bytes);
                field
            }
            Value::Bytes(bytes) => {
                if out.len() % 2 == 1 {
                    out.push(0);
                }
                let offset = out.len() as u32;
                out.extend_from_slice(bytes);
                order.put32(offset)
            }
            Value::Directory(sub) => {
                let offset = out.len() as u32 + (out.len() % 2) as u32;
                write(out, sub, order);
                order.put32(offset)
            }
        };
        out[at..at + 2].copy_from_slice(&order.put16(entry.tag));
        out[at + 2..at + 4].copy_from_slice(&order.put16(entry.typ));
        out[at + 4..at + 8].copy_from_slice(&order.put32(entry.count));
        out[at + 8..at + 12].copy_from_slice(&field);
    }
}

/// A reader that ends `limit` bytes into the one it wraps (which starts at its position 0):
/// what reads, seeks and buffers through it never goes further.
pub struct Window<R> {
    inner: R,
    pos: u64,
    limit: u64,
}

impl<R: Seek> Window<R> {
    pub fn new(mut inner: R, limit: u64) -> io::Result<Self> {
        inner.seek(SeekFrom::Start(0))?;
        Ok(Self {
            inner,
            pos: 0,
            limit,
        })
    }

    fn left(&self) -> usize {
        usize::try_from(self.limit.saturating_sub(self.pos)).unwrap_or(usize::MAX)
    }
}

impl<R: Read + Seek> Read for Window<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let max = buf.len().min(self.left());
        let n = self.inner.read(&mut buf[..max])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead + Seek> BufRead for Window<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let left = self.left();
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(left)])
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

impl<R: Seek> Seek for Window<R> {
    fn seek(&mut self, from: SeekFrom) -> io::Result<u64> {
        let mut end = || -> io::Result<u64> {
            let here = self.inner.stream_position()?;
            let len = self.inner.seek(SeekFrom::End(0))?;
            self.inner.seek(SeekFrom::Start(here))?;
            Ok(len.min(self.limit))
        };
        let target = match from {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => end()?.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = self.inner.seek(SeekFrom::Start(target))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Write};

    use super::*;

    /// Counts the bytes read from the file it wraps.
    struct Counting<R> {
        inner: R,
        read: std::rc::Rc<std::cell::Cell<u64>>,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    impl<R: Seek> Seek for Counting<R> {
        fn seek(&mut self, from: SeekFrom) -> io::Result<u64> {
            self.inner.seek(from)
        }
    }

    /// A little-endian directory at `base`: its entries `(tag, type, count, value)`, the
    /// values over 4 bytes after it; `value` of a pointer is the LONG it holds.
    fn ifd(base: u32, entries: &[(u16, u16, u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = (entries.len() as u16).to_le_bytes().to_vec();
        let mut values = Vec::new();
        let values_at = base + 2 + entries.len() as u32 * 12 + 4;
        for (tag, typ, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if value.len() <= 4 {
                let mut field = value.clone();
                field.resize(4, 0);
                out.extend_from_slice(&field);
            } else {
                out.extend_from_slice(&(values_at + values.len() as u32).to_le_bytes());
                values.extend_from_slice(value);
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&values);
        out
    }

    fn ascii(s: &str) -> (u32, Vec<u8>) {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        (v.len() as u32, v)
    }

    fn rationals(parts: &[(u32, u32)]) -> Vec<u8> {
        parts
            .iter()
            .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
            .collect()
    }

    /// IFD0, Exif and GPS directories laid out from `base`, the strip at `strip`.
    fn directories(base: u32, strip: u32, strip_len: u32) -> Vec<u8> {
        let (exif_at, gps_at) = (base + 0x400, base + 0x800);
        let (make_n, make) = ascii("Canon");
        let (model_n, model) = ascii("EOS R5");
        let (when_n, when) = ascii("2024:05:06 07:08:09");
        let (n_n, n) = ascii("N");
        let mut out = ifd(
            base,
            &[
                (0x0100, 4, 1, 8000u32.to_le_bytes().to_vec()),
                (0x0101, 4, 1, 4000u32.to_le_bytes().to_vec()),
                (0x010F, 2, make_n, make),
                (0x0110, 2, model_n, model),
                (0x0111, 4, 1, strip.to_le_bytes().to_vec()),
                (0x0117, 4, 1, strip_len.to_le_bytes().to_vec()),
                (0x8769, 4, 1, exif_at.to_le_bytes().to_vec()),
                (0x8825, 4, 1, gps_at.to_le_bytes().to_vec()),
            ],
        );
        out.resize(0x400, 0);
        out.extend(ifd(
            exif_at,
            &[
                (0x829A, 5, 1, rationals(&[(1, 250)])),
                (0x9003, 2, when_n, when),
            ],
        ));
        out.resize(0x800, 0);
        out.extend(ifd(
            gps_at,
            &[
                (0x0001, 2, n_n, n),
                (0x0002, 5, 3, rationals(&[(48, 1), (51, 1), (30, 1)])),
            ],
        ));
        out
    }

    /// A TIFF of a 96 MiB strip (a hole in the file: no disk is used for it) with its
    /// directories before the strip, or after it as libtiff writes them.
    fn big_tiff(directories_last: bool) -> std::fs::File {
        let strip_len: u32 = 96 << 20;
        let mut file = tempfile::tempfile().unwrap();
        let (base, strip) = if directories_last {
            (8 + strip_len, 8)
        } else {
            (8, 8 + 0x1000)
        };
        file.set_len(u64::from(strip) + u64::from(strip_len) + 0x1000)
            .unwrap();
        file.write_all(b"II*\0").unwrap();
        file.write_all(&base.to_le_bytes()).unwrap();
        file.seek(SeekFrom::Start(base.into())).unwrap();
        file.write_all(&directories(base, strip, strip_len))
            .unwrap();
        file
    }

    #[test]
    fn a_large_tiff_gives_its_exif_from_its_directories_alone() {
        for directories_last in [false, true] {
            let read = std::rc::Rc::new(std::cell::Cell::new(0));
            let counting = Counting {
                inner: big_tiff(directories_last),
                read: read.clone(),
            };
            let keys = crate::media_meta::exif::read(&mut BufReader::new(counting));
            let get = |k: &str| {
                keys.iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("exif:camera_make"), Some("Canon"), "{keys:?}");
            assert_eq!(get("exif:camera_model"), Some("EOS R5"));
            assert_eq!(get("exif:exposure_time"), Some("1/250"));
            assert_eq!(get("exif:taken_at"), Some("2024-05-06T07:08:09Z"));
            assert_eq!(get("exif:latitude"), Some("48.858333"));
            assert_eq!(get("exif:x"), Some("8000"));
            // A few buffer fills around the directories, never the strip.
            assert!(read.get() < 256 << 10, "{} bytes read", read.get());
        }
    }

    #[test]
    fn a_huge_png_chunk_is_read_only_to_the_window() {
        let mut file = tempfile::tempfile().unwrap();
        file.set_len(96 << 20).unwrap();
        file.write_all(b"\x89PNG\r\n\x1a\n").unwrap();
        // An eXIf chunk that says it is 2 GiB long.
        file.write_all(&0x7fff_ffffu32.to_be_bytes()).unwrap();
        file.write_all(b"eXIf").unwrap();
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let counting = Counting {
            inner: file,
            read: read.clone(),
        };
        assert!(crate::media_meta::exif::read(&mut BufReader::new(counting)).is_empty());
        // The window, and the buffer fills around its end and a seek back to the start.
        assert!(
            read.get() <= WINDOW + (64 << 10),
            "{} bytes read",
            read.get()
        );
    }

    #[test]
    fn a_loop_of_directories_is_read_once() {
        // IFD0 whose Exif pointer leads back to IFD0.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend(ifd(8, &[(0x8769, 4, 1, 8u32.to_le_bytes().to_vec())]));
        let compact = tiff_directories(&mut io::Cursor::new(tiff)).unwrap();
        assert_eq!(&compact[8..10], &[0, 0], "the looping pointer is left out");
    }
}
