//! The encoder's output read back with the `zip` crate (an independent reader).

use std::io::{Cursor, Read, Seek, SeekFrom};

use chrono::TimeZone;

use super::*;

fn t() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 17, 13, 45, 22).unwrap()
}

/// Writes one file in pieces, as the archive stream does.
fn file(enc: &mut ZipEncoder, out: &mut Vec<u8>, path: &str, bytes: &[u8]) {
    out.extend_from_slice(&enc.start_file(path, t(), false).unwrap());
    for piece in bytes.chunks(7) {
        enc.data(piece).unwrap();
        out.extend_from_slice(piece);
    }
    out.extend_from_slice(&enc.finish_file().unwrap());
}

fn finish(enc: ZipEncoder, out: &mut Vec<u8>) {
    for piece in enc.finish().unwrap() {
        out.extend_from_slice(&piece);
    }
}

fn read_all(archive: &mut zip::ZipArchive<impl Read + Seek>, name: &str) -> Vec<u8> {
    let mut entry = archive.by_name(name).unwrap();
    let mut bytes = Vec::new();
    // Reading to the end makes the reader check the CRC.
    entry.read_to_end(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_small_archive_reads_back_entry_by_entry() {
    let mut enc = ZipEncoder::new();
    let mut out = Vec::new();
    out.extend_from_slice(&enc.directory("docs", t()).unwrap());
    file(&mut enc, &mut out, "docs/a.txt", b"hello, zip");
    file(&mut enc, &mut out, "docs/empty.txt", b"");
    out.extend_from_slice(&enc.directory("docs/nothing here", t()).unwrap());
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    file(&mut enc, &mut out, "docs/résumé 日本.bin", &big);
    assert_eq!(enc.len(), 5);
    finish(enc, &mut out);

    let mut archive = zip::ZipArchive::new(Cursor::new(out)).unwrap();
    assert_eq!(archive.len(), 5);
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    for name in [
        "docs/",
        "docs/a.txt",
        "docs/empty.txt",
        "docs/nothing here/",
        "docs/résumé 日本.bin",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    assert_eq!(read_all(&mut archive, "docs/a.txt"), b"hello, zip");
    assert_eq!(read_all(&mut archive, "docs/empty.txt"), b"");
    assert_eq!(read_all(&mut archive, "docs/résumé 日本.bin"), big);
    let dir = archive.by_name("docs/nothing here/").unwrap();
    assert!(dir.is_dir());
    assert_eq!(dir.unix_mode(), Some(DIR_MODE));
    drop(dir);
    let entry = archive.by_name("docs/a.txt").unwrap();
    assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
    assert_eq!(entry.crc32(), crc32fast::hash(b"hello, zip"));
    assert_eq!(entry.unix_mode(), Some(FILE_MODE));
    let modified = entry.last_modified().unwrap();
    assert_eq!(
        (modified.year(), modified.month(), modified.day()),
        (2024, 5, 17)
    );
    assert_eq!(
        (modified.hour(), modified.minute(), modified.second()),
        (13, 45, 22)
    );
}

#[test]
fn local_headers_defer_crc_and_sizes_to_data_descriptors() {
    let mut enc = ZipEncoder::new();
    let mut out = Vec::new();
    file(&mut enc, &mut out, "a", b"abc");
    // Header (30 + 1 name byte), then the data, then the 16-byte descriptor.
    assert_eq!(&out[0..4], &LOCAL_HEADER.to_le_bytes());
    let flags = u16::from_le_bytes([out[6], out[7]]);
    assert_eq!(flags, FLAG_DESCRIPTOR | FLAG_UTF8);
    assert_eq!(&out[14..26], &[0; 12], "CRC and sizes are zero");
    assert_eq!(&out[31..34], b"abc");
    let descriptor = &out[34..];
    assert_eq!(descriptor.len(), 16);
    assert_eq!(&descriptor[0..4], &DATA_DESCRIPTOR.to_le_bytes());
    assert_eq!(&descriptor[4..8], &crc32fast::hash(b"abc").to_le_bytes());
    assert_eq!(&descriptor[8..16], &[3, 0, 0, 0, 3, 0, 0, 0]);
}

#[test]
fn an_empty_archive_is_just_the_end_record() {
    let mut out = Vec::new();
    finish(ZipEncoder::new(), &mut out);
    assert_eq!(out.len(), 22);
    assert_eq!(zip::ZipArchive::new(Cursor::new(out)).unwrap().len(), 0);
}

#[test]
fn entry_names_are_checked() {
    for bad in [
        "",
        "/etc/passwd",
        "../x",
        "a/../b",
        "a/./b",
        "a//b",
        "a\\b",
        "a/",
        "nul\0",
    ] {
        assert!(check_path(bad).is_err(), "{bad:?}");
        let mut enc = ZipEncoder::new();
        assert_eq!(
            enc.start_file(bad, t(), false),
            Err(ZipError::IllegalName(bad.to_owned()))
        );
        assert!(enc.directory(bad, t()).is_err());
    }
    assert!(check_path(&"x".repeat(70_000)).is_err());
    for good in ["a", "a/b c/d.txt", "..a/b..", "日本/ä"] {
        assert!(check_path(good).is_ok(), "{good:?}");
    }
}

#[test]
fn calls_out_of_order_are_refused() {
    let mut enc = ZipEncoder::new();
    assert_eq!(enc.data(b"x"), Err(ZipError::OutOfOrder));
    assert_eq!(enc.finish_file().unwrap_err(), ZipError::OutOfOrder);
    enc.start_file("a", t(), false).unwrap();
    assert_eq!(enc.start_file("b", t(), false), Err(ZipError::OutOfOrder));
    assert_eq!(enc.directory("c", t()), Err(ZipError::OutOfOrder));
    assert_eq!(enc.finish().unwrap_err(), ZipError::OutOfOrder);
}

#[test]
fn dates_outside_the_dos_range_are_clamped() {
    let early = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(dos_time(early), (0, (1 << 5) | 1));
    let late = Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(dos_time(late), (0, (127 << 9) | (12 << 5) | 31));
    assert_eq!(
        dos_time(t()),
        ((13 << 11) | (45 << 5) | 11, (44 << 9) | (5 << 5) | 17)
    );
}

#[test]
fn more_than_65535_entries_get_the_zip64_end_record() {
    const N: usize = 70_000;
    let mut enc = ZipEncoder::new();
    let mut out = Vec::new();
    for i in 0..N {
        if i % 2 == 0 {
            out.extend_from_slice(&enc.directory(&format!("d{i}"), t()).unwrap());
        } else {
            let body = i.to_string();
            file(&mut enc, &mut out, &format!("f{i}"), body.as_bytes());
        }
    }
    finish(enc, &mut out);
    assert_eq!(&out[out.len() - 22..out.len() - 18], &END.to_le_bytes());
    assert_eq!(&out[out.len() - 14..out.len() - 12], &[0xFF, 0xFF]);
    let mut archive = zip::ZipArchive::new(Cursor::new(out)).unwrap();
    assert_eq!(archive.len(), N);
    assert_eq!(read_all(&mut archive, "f69999"), b"69999");
    assert!(archive.by_name("d69998/").unwrap().is_dir());
}

/// An archive held as runs: bytes as written, and long runs of zeros only by length, so a
/// zip past 4 GiB fits in a few kilobytes and reads back through `Read + Seek`.
#[derive(Default)]
struct Sparse {
    runs: Vec<(u64, Run)>,
    len: u64,
    pos: u64,
}

enum Run {
    Bytes(Bytes),
    Zeros(u64),
}

impl Sparse {
    fn push(&mut self, bytes: Bytes) {
        let len = bytes.len() as u64;
        self.runs.push((self.len, Run::Bytes(bytes)));
        self.len += len;
    }

    fn zeros(&mut self, len: u64) {
        self.runs.push((self.len, Run::Zeros(len)));
        self.len += len;
    }

    fn at(&mut self, offset: u64, len: usize) -> Vec<u8> {
        self.pos = offset;
        let mut buf = vec![0; len];
        self.read_exact(&mut buf).unwrap();
        buf
    }
}

impl Read for Sparse {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let i = self.runs.partition_point(|(start, _)| *start <= self.pos) - 1;
        let (start, run) = &self.runs[i];
        let within = self.pos - start;
        let n = match run {
            Run::Bytes(b) => {
                let n = buf.len().min(b.len() - within as usize);
                buf[..n].copy_from_slice(&b[within as usize..within as usize + n]);
                n
            }
            Run::Zeros(len) => {
                let n = (buf.len() as u64).min(len - within) as usize;
                buf[..n].fill(0);
                n
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Sparse {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => self.len.checked_add_signed(d).unwrap(),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d).unwrap(),
        };
        Ok(self.pos)
    }
}

#[test]
fn a_zip_past_4_gib_uses_zip64_sizes_and_offsets() {
    const BIG: u64 = MAX32 + 4096;
    let zeros = vec![0u8; 1 << 20];
    let mut enc = ZipEncoder::new();
    let mut out = Sparse::default();
    out.push(enc.directory("top", t()).unwrap());
    assert!(needs_zip64(BIG) && !needs_zip64(MAX32 - 1));
    let header = enc.start_file("top/big.bin", t(), true).unwrap();
    let big_data_at = out.len + header.len() as u64;
    out.push(header);
    let mut left = BIG;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        enc.data(&zeros[..n]).unwrap();
        left -= n as u64;
    }
    out.zeros(BIG);
    let descriptor_at = out.len;
    out.push(enc.finish_file().unwrap());
    // This entry's local header starts past 4 GiB.
    let after_at = out.len;
    assert!(after_at > MAX32);
    out.push(enc.start_file("top/after.txt", t(), false).unwrap());
    enc.data(b"after the big one").unwrap();
    out.push(Bytes::from_static(b"after the big one"));
    out.push(enc.finish_file().unwrap());
    for piece in enc.finish().unwrap() {
        out.push(piece);
    }

    // The 24-byte zip64 data descriptor with 8-byte sizes.
    let d = out.at(descriptor_at, 24);
    assert_eq!(&d[0..4], &DATA_DESCRIPTOR.to_le_bytes());
    assert_eq!(u64::from_le_bytes(d[8..16].try_into().unwrap()), BIG);
    assert_eq!(u64::from_le_bytes(d[16..24].try_into().unwrap()), BIG);

    out.pos = 0;
    let mut archive = zip::ZipArchive::new(out).unwrap();
    assert_eq!(archive.len(), 3);
    assert_eq!(
        read_all(&mut archive, "top/after.txt"),
        b"after the big one"
    );
    let after = archive.by_name("top/after.txt").unwrap();
    assert_eq!(after.header_start(), after_at);
    drop(after);
    let mut big = archive.by_name("top/big.bin").unwrap();
    assert_eq!(big.size(), BIG);
    assert_eq!(big.data_start(), Some(big_data_at));
    let mut head = [1u8; 64];
    big.read_exact(&mut head).unwrap();
    assert_eq!(head, [0; 64]);
}
