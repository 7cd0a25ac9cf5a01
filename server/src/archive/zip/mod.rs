//! A streaming writer of *stored* (uncompressed) zip archives that never seeks back.
//!
//! It is "sans I/O": every call returns the bytes to send next, and file data is passed
//! through [`ZipEncoder::data`] (which only hashes and counts it), so the caller forwards the
//! storage driver's chunks untouched. Each file gets a local header with general-purpose bit
//! 3 set (CRC and sizes zero) followed by its bytes and a data descriptor carrying the CRC-32
//! computed on the way; the central directory at the end repeats them, which is what unzip
//! tools, browsers and the `zip` crate read.
//!
//! Zip64 (APPNOTE 4.5.3) is used where a field would overflow: a file of 4 GiB or more gets a
//! zip64 extra field in its local header and an 8-byte data descriptor (the caller knows the
//! size up front and says so in [`ZipEncoder::start_file`]); central-directory records carry
//! the 64-bit sizes and offsets that do not fit; the end record gets the zip64 record and
//! locator once there are 65535 entries or more, or the directory starts or ends past 4 GiB.
//! Names are UTF-8 (bit 11) and checked by [`check_path`].
//!
//! Memory: one small record per entry is kept for the central directory (about 60 bytes plus
//! the name), which the format needs at the end; file data is never held.

#[cfg(test)]
mod tests;

use bytes::{BufMut, Bytes, BytesMut};
use chrono::{DateTime, Datelike, Timelike, Utc};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const END: u32 = 0x0605_4b50;
const ZIP64_EXTRA: u16 = 0x0001;

/// Bit 3: CRC and sizes follow the data in a data descriptor.
const FLAG_DESCRIPTOR: u16 = 1 << 3;
/// Bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// "Version needed": 2.0 for folders and data descriptors, 4.5 for zip64.
const V20: u16 = 20;
const V45: u16 = 45;
/// "Version made by": Unix (3) in the high byte, so the external attributes are modes.
const MADE_BY_UNIX: u16 = 3 << 8;
const FILE_MODE: u32 = 0o100_644;
const DIR_MODE: u32 = 0o040_755;
/// The MS-DOS directory attribute, for readers that ignore Unix modes.
const DOS_DIR: u32 = 0x10;

/// A 32-bit field holding this value means "see the zip64 extra field".
const MAX32: u64 = 0xFFFF_FFFF;
/// Entry counts from this value on need the zip64 end record.
const MAX16: u64 = 0xFFFF;
/// The central directory is handed out in pieces of about this size.
const TRAILER_PIECE: usize = 64 * 1024;

/// Why an entry could not be written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// The entry name is empty, absolute, has an empty, `.` or `..` segment, a backslash or
    /// a control character, or is longer than 65535 bytes.
    #[error("illegal entry name {0:?}")]
    IllegalName(String),
    /// A file was started while another was open, or data was written with none open.
    #[error("zip entries must be written one after another")]
    OutOfOrder,
    /// A file reached 4 GiB although it was started without zip64.
    #[error("entry {0:?} grew past 4 GiB without zip64")]
    NeedsZip64(String),
}

/// Whether a file of `size` bytes must be written with zip64 fields.
pub fn needs_zip64(size: u64) -> bool {
    size >= MAX32
}

/// Checks a `/`-separated entry path: relative, no empty, `.` or `..` segment, no `\`, no
/// control character, at most 65535 bytes (the length field is 16 bits).
pub fn check_path(path: &str) -> Result<(), ZipError> {
    let bad = path.is_empty()
        || path.len() > usize::from(u16::MAX)
        || path.starts_with('/')
        || path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        || path.chars().any(|c| c == '\\' || c.is_control());
    if bad {
        Err(ZipError::IllegalName(path.to_owned()))
    } else {
        Ok(())
    }
}

/// What the central directory needs to know of one entry.
#[derive(Debug)]
struct Record {
    /// Full name; folders end with `/`.
    name: Box<str>,
    crc: u32,
    size: u64,
    offset: u64,
    time: u16,
    date: u16,
    dir: bool,
    /// The local header carried a zip64 extra field.
    zip64_local: bool,
}

/// The file being written.
#[derive(Debug)]
struct Open {
    record: Record,
    hasher: crc32fast::Hasher,
}

/// The encoder; see the module documentation.
#[derive(Debug, Default)]
pub struct ZipEncoder {
    records: Vec<Record>,
    /// Bytes handed out so far (headers and data).
    offset: u64,
    open: Option<Open>,
}

impl ZipEncoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries written so far.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no entry was written yet.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// A folder entry (`path` without the trailing `/`): its local header, to send as is.
    pub fn directory(&mut self, path: &str, modified: DateTime<Utc>) -> Result<Bytes, ZipError> {
        if self.open.is_some() {
            return Err(ZipError::OutOfOrder);
        }
        check_path(path)?;
        let record = self.record(format!("{path}/"), modified, true, false)?;
        let header = local_header(&record, 0);
        self.offset += header.len() as u64;
        self.records.push(record);
        Ok(header)
    }

    /// Starts a file: returns its local header. Send its bytes through [`Self::data`], then
    /// [`Self::finish_file`]. `zip64` must be [`needs_zip64`] of the size about to be sent.
    pub fn start_file(
        &mut self,
        path: &str,
        modified: DateTime<Utc>,
        zip64: bool,
    ) -> Result<Bytes, ZipError> {
        if self.open.is_some() {
            return Err(ZipError::OutOfOrder);
        }
        check_path(path)?;
        let record = self.record(path.to_owned(), modified, false, zip64)?;
        let header = local_header(&record, FLAG_DESCRIPTOR);
        self.offset += header.len() as u64;
        self.open = Some(Open {
            record,
            hasher: crc32fast::Hasher::new(),
        });
        Ok(header)
    }

    /// Accounts for a piece of the open file's bytes, which the caller sends unchanged.
    pub fn data(&mut self, chunk: &[u8]) -> Result<(), ZipError> {
        let open = self.open.as_mut().ok_or(ZipError::OutOfOrder)?;
        open.hasher.update(chunk);
        open.record.size += chunk.len() as u64;
        self.offset += chunk.len() as u64;
        Ok(())
    }

    /// Bytes of the open file so far.
    pub fn written(&self) -> u64 {
        self.open.as_ref().map_or(0, |o| o.record.size)
    }

    /// Ends the open file: returns its data descriptor.
    pub fn finish_file(&mut self) -> Result<Bytes, ZipError> {
        let Open { mut record, hasher } = self.open.take().ok_or(ZipError::OutOfOrder)?;
        if needs_zip64(record.size) && !record.zip64_local {
            return Err(ZipError::NeedsZip64(record.name.into()));
        }
        record.crc = hasher.finalize();
        let mut b = BytesMut::with_capacity(24);
        b.put_u32_le(DATA_DESCRIPTOR);
        b.put_u32_le(record.crc);
        if record.zip64_local {
            b.put_u64_le(record.size);
            b.put_u64_le(record.size);
        } else {
            b.put_u32_le(record.size as u32);
            b.put_u32_le(record.size as u32);
        }
        self.offset += b.len() as u64;
        self.records.push(record);
        Ok(b.freeze())
    }

    /// Ends the archive: the central directory and end records, in pieces.
    pub fn finish(self) -> Result<Trailer, ZipError> {
        if self.open.is_some() {
            return Err(ZipError::OutOfOrder);
        }
        Ok(Trailer {
            records: self.records.into_iter(),
            start: self.offset,
            offset: self.offset,
            count: 0,
            done: false,
        })
    }

    fn record(
        &self,
        name: String,
        modified: DateTime<Utc>,
        dir: bool,
        zip64_local: bool,
    ) -> Result<Record, ZipError> {
        if name.len() > usize::from(u16::MAX) {
            return Err(ZipError::IllegalName(name));
        }
        let (time, date) = dos_time(modified);
        Ok(Record {
            name: name.into_boxed_str(),
            crc: 0,
            size: 0,
            offset: self.offset,
            time,
            date,
            dir,
            zip64_local,
        })
    }
}

/// The central directory and end records, produced lazily by [`ZipEncoder::finish`].
#[derive(Debug)]
pub struct Trailer {
    records: std::vec::IntoIter<Record>,
    /// Where the central directory starts.
    start: u64,
    /// Where the next piece starts.
    offset: u64,
    count: u64,
    done: bool,
}

impl Iterator for Trailer {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.done {
            return None;
        }
        let mut b = BytesMut::with_capacity(TRAILER_PIECE + 1024);
        while b.len() < TRAILER_PIECE {
            match self.records.next() {
                Some(record) => {
                    central_header(&mut b, &record);
                    self.count += 1;
                }
                None => {
                    let end = self.offset + b.len() as u64;
                    end_records(&mut b, self.count, self.start, end - self.start, end);
                    self.done = true;
                    break;
                }
            }
        }
        self.offset += b.len() as u64;
        Some(b.freeze())
    }
}

fn local_header(r: &Record, flags: u16) -> Bytes {
    let extra = if r.zip64_local { 20 } else { 0 };
    let mut b = BytesMut::with_capacity(30 + r.name.len() + extra);
    b.put_u32_le(LOCAL_HEADER);
    b.put_u16_le(if r.zip64_local { V45 } else { V20 });
    b.put_u16_le(flags | FLAG_UTF8);
    b.put_u16_le(0); // stored
    b.put_u16_le(r.time);
    b.put_u16_le(r.date);
    b.put_u32_le(0); // CRC: in the data descriptor (files) or zero (folders)
    // Sizes: in the data descriptor; with zip64 both must point at the extra field.
    let size = if r.zip64_local { MAX32 as u32 } else { 0 };
    b.put_u32_le(size);
    b.put_u32_le(size);
    b.put_u16_le(r.name.len() as u16);
    b.put_u16_le(extra as u16);
    b.put_slice(r.name.as_bytes());
    if r.zip64_local {
        b.put_u16_le(ZIP64_EXTRA);
        b.put_u16_le(16);
        b.put_u64_le(0);
        b.put_u64_le(0);
    }
    b.freeze()
}

fn central_header(b: &mut BytesMut, r: &Record) {
    // The zip64 extra field holds exactly the values whose 32-bit field overflows, in this order.
    let big_size = needs_zip64(r.size);
    let big_offset = r.offset >= MAX32;
    let mut extra = Vec::with_capacity(3);
    if big_size {
        extra.extend([r.size, r.size]);
    }
    if big_offset {
        extra.push(r.offset);
    }
    let zip64 = !extra.is_empty() || r.zip64_local;
    let version = if zip64 { V45 } else { V20 };
    let extra_len = if extra.is_empty() {
        0
    } else {
        4 + 8 * extra.len()
    };
    let (flags, mode) = if r.dir {
        (FLAG_UTF8, (DIR_MODE << 16) | DOS_DIR)
    } else {
        (FLAG_UTF8 | FLAG_DESCRIPTOR, FILE_MODE << 16)
    };
    let size32 = if big_size { MAX32 } else { r.size } as u32;
    b.put_u32_le(CENTRAL_HEADER);
    b.put_u16_le(MADE_BY_UNIX | version);
    b.put_u16_le(version);
    b.put_u16_le(flags);
    b.put_u16_le(0); // stored
    b.put_u16_le(r.time);
    b.put_u16_le(r.date);
    b.put_u32_le(r.crc);
    b.put_u32_le(size32);
    b.put_u32_le(size32);
    b.put_u16_le(r.name.len() as u16);
    b.put_u16_le(extra_len as u16);
    b.put_u16_le(0); // comment
    b.put_u16_le(0); // disk
    b.put_u16_le(0); // internal attributes
    b.put_u32_le(mode);
    b.put_u32_le(if big_offset { MAX32 } else { r.offset } as u32);
    b.put_slice(r.name.as_bytes());
    if !extra.is_empty() {
        b.put_u16_le(ZIP64_EXTRA);
        b.put_u16_le((8 * extra.len()) as u16);
        for v in extra {
            b.put_u64_le(v);
        }
    }
}

/// The end of central directory record, preceded by the zip64 record and locator when a
/// count, size or offset does not fit its classic field. `end` is where they start.
fn end_records(b: &mut BytesMut, count: u64, cd_start: u64, cd_size: u64, end: u64) {
    let zip64 = count >= MAX16 || cd_start >= MAX32 || cd_size >= MAX32;
    if zip64 {
        b.put_u32_le(ZIP64_END);
        b.put_u64_le(44); // size of the rest of this record
        b.put_u16_le(MADE_BY_UNIX | V45);
        b.put_u16_le(V45);
        b.put_u32_le(0); // this disk
        b.put_u32_le(0); // disk of the central directory
        b.put_u64_le(count);
        b.put_u64_le(count);
        b.put_u64_le(cd_size);
        b.put_u64_le(cd_start);
        b.put_u32_le(ZIP64_LOCATOR);
        b.put_u32_le(0);
        b.put_u64_le(end);
        b.put_u32_le(1); // disks
    }
    let count16 = count.min(MAX16) as u16;
    b.put_u32_le(END);
    b.put_u16_le(0);
    b.put_u16_le(0);
    b.put_u16_le(count16);
    b.put_u16_le(count16);
    b.put_u32_le(cd_size.min(MAX32) as u32);
    b.put_u32_le(cd_start.min(MAX32) as u32);
    b.put_u16_le(0); // comment
}

/// MS-DOS time and date (2-second resolution, years 1980–2107), in UTC.
fn dos_time(t: DateTime<Utc>) -> (u16, u16) {
    let year = t.year().clamp(1980, 2107);
    if year != t.year() {
        let (month, day) = if year == 1980 { (1, 1) } else { (12, 31) };
        return (0, (((year - 1980) as u16) << 9) | (month << 5) | day);
    }
    let time = ((t.hour() as u16) << 11) | ((t.minute() as u16) << 5) | (t.second() as u16 / 2);
    let date = (((year - 1980) as u16) << 9) | ((t.month() as u16) << 5) | t.day() as u16;
    (time, date)
}
