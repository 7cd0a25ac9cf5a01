//! The blocking archive readers: each entry in archive order with a reader of its bytes, so
//! no entry is ever held whole. Zip and 7z need to seek (their directory is at the end), so
//! every reader works on a local file (see [`super::blob`]).

use std::{
    fs::File,
    io::{self, BufReader, Read, Seek, SeekFrom},
};

use chrono::{DateTime, Utc};
use encoding_rs::Encoding;

use super::{ExtractError, format::Format, names};

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    /// A link, device, FIFO or other special entry: never created, never followed.
    Special,
}

/// One entry's header.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The name as stored, decoded.
    pub name: String,
    pub kind: Kind,
    /// Uncompressed size as the header says (checked again while reading).
    pub size: u64,
    pub modified: Option<DateTime<Utc>>,
}

/// What a visitor answers: go on to the next entry, or stop here.
pub type Visit<'a> = dyn FnMut(u64, Entry, &mut dyn Read) -> Result<bool, ExtractError> + 'a;

/// Unix file-type bits.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;

/// Bytes of a 7z header allowed per entry the caller may have: a header holds each entry's
/// UTF-16 name, times and attributes (7-Zip writes about 30 bytes for a short name).
const SEVEN_HEADER_PER_ENTRY: u64 = 64;
/// The least header bound: the same bound caps the dictionary its compressed header is
/// decoded with (7-Zip compresses headers with a 1 MiB dictionary).
const SEVEN_HEADER_MIN: u64 = 4 << 20;

/// The password of an encrypted archive (zip ZipCrypto or AES, 7z AES), when the task has one.
pub type Password<'a> = Option<&'a str>;

/// The headers of a zip or 7z without reading any entry's bytes; `None` for formats whose
/// headers are spread through the stream (tar). More than `max_entries` entries are refused
/// before they are held: a zip by the count its directory states, a 7z by the size of its
/// header, which the parser reads whole and turns into entries all at once.
pub fn headers(
    file: &mut File,
    format: Format,
    legacy: Option<&'static Encoding>,
    max_entries: u64,
    password: Password<'_>,
) -> Result<Option<Vec<Entry>>, ExtractError> {
    file.seek(SeekFrom::Start(0))?;
    match format {
        Format::Zip => {
            let zip = zip::ZipArchive::new(BufReader::new(&mut *file)).map_err(zip_error)?;
            if zip.len() as u64 > max_entries {
                return Err(ExtractError::TooManyEntries(max_entries));
            }
            let entries = (0..zip.len())
                .map(|i| zip.by_index_data(i).map(|e| zip_entry(&e, legacy)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(zip_error)?;
            Ok(Some(entries))
        }
        Format::SevenZ => {
            let bound = max_entries
                .saturating_mul(SEVEN_HEADER_PER_ENTRY)
                .max(SEVEN_HEADER_MIN);
            let archive = sevenz_rust2::Archive::read_with_memory_limit(
                &mut BufReader::new(&mut *file),
                &seven_password(password),
                usize::try_from(bound.div_ceil(1024)).unwrap_or(usize::MAX),
            )
            .map_err(|e| match e {
                sevenz_rust2::Error::MaxMemLimited { .. } => {
                    ExtractError::HeaderTooLarge(max_entries)
                }
                other => seven_error(other, password),
            })?;
            Ok(Some(archive.files.iter().map(seven_entry).collect()))
        }
        Format::Tar | Format::TarGz | Format::TarBz2 | Format::TarXz | Format::TarZst => Ok(None),
    }
}

/// Calls `visit` with each entry from the `skip`th on, and a reader of its bytes (empty for
/// anything but files), until it answers `false` or the archive ends.
pub fn each(
    file: File,
    format: Format,
    legacy: Option<&'static Encoding>,
    skip: u64,
    password: Password<'_>,
    visit: &mut Visit<'_>,
) -> Result<(), ExtractError> {
    let mut file = file;
    file.seek(SeekFrom::Start(0))?;
    let buffered = BufReader::with_capacity(64 * 1024, file);
    match format {
        Format::Zip => each_zip(buffered, legacy, skip, password, visit),
        Format::SevenZ => each_seven(buffered, skip, password, visit),
        Format::Tar => each_tar(buffered, legacy, skip, visit),
        Format::TarGz => each_tar(
            flate2::read::MultiGzDecoder::new(buffered),
            legacy,
            skip,
            visit,
        ),
        Format::TarBz2 => each_tar(
            bzip2::read::MultiBzDecoder::new(buffered),
            legacy,
            skip,
            visit,
        ),
        Format::TarXz => each_tar(
            lzma_rust2::XzReader::new(buffered, true),
            legacy,
            skip,
            visit,
        ),
        Format::TarZst => each_tar(super::zstd::Frames::new(buffered), legacy, skip, visit),
    }
}

fn zip_error(e: zip::result::ZipError) -> ExtractError {
    match e {
        zip::result::ZipError::Io(e) => ExtractError::Io(e),
        other => ExtractError::Corrupt(other.to_string()),
    }
}

/// A 7z failure; a password error is [`ExtractError::Encrypted`] without a password and
/// [`ExtractError::WrongPassword`] with one.
fn seven_error(e: sevenz_rust2::Error, password: Password<'_>) -> ExtractError {
    match e {
        sevenz_rust2::Error::PasswordRequired | sevenz_rust2::Error::MaybeBadPassword(_) => {
            if password.is_some() {
                ExtractError::WrongPassword
            } else {
                ExtractError::Encrypted
            }
        }
        other => ExtractError::Corrupt(other.to_string()),
    }
}

fn seven_password(password: Password<'_>) -> sevenz_rust2::Password {
    password.map_or_else(sevenz_rust2::Password::empty, sevenz_rust2::Password::from)
}

fn zip_entry<M: ZipMeta>(e: &M, legacy: Option<&'static Encoding>) -> Entry {
    let kind = match e.mode().map(|m| m & S_IFMT) {
        _ if e.dir() => Kind::Dir,
        None | Some(0) | Some(S_IFREG) => Kind::File,
        Some(S_IFDIR) => Kind::Dir,
        Some(_) => Kind::Special,
    };
    Entry {
        name: e.decoded_name(legacy),
        kind,
        size: e.len(),
        modified: e.modified(),
    }
}

/// The zip metadata a header and an open entry share.
trait ZipMeta {
    fn dir(&self) -> bool;
    fn mode(&self) -> Option<u32>;
    fn len(&self) -> u64;
    fn modified(&self) -> Option<DateTime<Utc>>;
    fn decoded_name(&self, legacy: Option<&'static Encoding>) -> String;
}

macro_rules! zip_meta {
    ($t:ty) => {
        impl ZipMeta for $t {
            fn dir(&self) -> bool {
                self.is_dir()
            }
            fn mode(&self) -> Option<u32> {
                self.unix_mode()
            }
            fn len(&self) -> u64 {
                self.size()
            }
            fn modified(&self) -> Option<DateTime<Utc>> {
                let time = self.last_modified()?;
                let naive: chrono::NaiveDateTime = time.try_into().ok()?;
                Some(naive.and_utc())
            }
            fn decoded_name(&self, legacy: Option<&'static Encoding>) -> String {
                let utf8 = self.flags().as_u16() & 0x0800 != 0;
                let cp437 = self.name().map(|n| n.into_owned()).unwrap_or_default();
                names::zip_name(self.name_raw(), utf8, legacy, &cp437)
            }
        }
    };
}
zip_meta!(zip::read::ZipFileEntry<'_>);
zip_meta!(zip::read::ZipFile<'_, BufReader<File>>);

fn each_zip(
    file: BufReader<File>,
    legacy: Option<&'static Encoding>,
    skip: u64,
    password: Password<'_>,
    visit: &mut Visit<'_>,
) -> Result<(), ExtractError> {
    let mut zip = zip::ZipArchive::new(file).map_err(zip_error)?;
    for i in skip as usize..zip.len() {
        let encrypted = zip.by_index_data(i).map_err(zip_error)?.encrypted();
        let entry = match (encrypted, password) {
            (false, _) => zip.by_index(i),
            (true, None) => return Err(ExtractError::Encrypted),
            (true, Some(pw)) => zip.by_index_decrypt(i, pw.as_bytes()),
        };
        let mut entry = entry.map_err(|e| match e {
            zip::result::ZipError::InvalidPassword => ExtractError::WrongPassword,
            other => zip_error(other),
        })?;
        let header = zip_entry(&entry, legacy);
        if header.kind != Kind::File {
            if !visit(i as u64, header, &mut io::empty())? {
                return Ok(());
            }
            continue;
        }
        if !visit(i as u64, header, &mut entry)? {
            return Ok(());
        }
    }
    Ok(())
}

fn seven_entry(e: &sevenz_rust2::ArchiveEntry) -> Entry {
    // p7zip keeps the Unix mode in the high 16 bits, marked by 0x8000.
    let attrs = e.windows_attributes();
    let unix = (e.has_windows_attributes && attrs & 0x8000 != 0).then_some(attrs >> 16);
    let kind = match unix.map(|m| m & S_IFMT) {
        _ if e.is_anti_item() => Kind::Special,
        _ if e.is_directory() => Kind::Dir,
        None | Some(0) | Some(S_IFREG) => Kind::File,
        Some(S_IFDIR) => Kind::Dir,
        Some(_) => Kind::Special,
    };
    let modified = e.has_last_modified_date.then(|| {
        let time: std::time::SystemTime = e.last_modified_date().into();
        DateTime::<Utc>::from(time)
    });
    Entry {
        name: e.name().to_owned(),
        kind,
        size: e.size(),
        modified,
    }
}

fn each_seven(
    file: BufReader<File>,
    skip: u64,
    password: Password<'_>,
    visit: &mut Visit<'_>,
) -> Result<(), ExtractError> {
    use sevenz_rust2::{ArchiveReader, EntryDecision};
    // Dictionaries up to 256 MiB (7-Zip's "ultra" uses 64 MiB); one decoding thread.
    let mut reader =
        ArchiveReader::new_with_memory_limit(file, seven_password(password), 256 * 1024)
            .map_err(|e| seven_error(e, password))?;
    reader.set_thread_count(1);
    let mut index = 0u64;
    let mut failed = None;
    let result = reader.for_each_entries_with_decision(|entry, data| {
        let i = index;
        index += 1;
        if i < skip {
            return Ok(EntryDecision::Continue);
        }
        let header = seven_entry(entry);
        let data: &mut dyn Read = if header.kind == Kind::File {
            data
        } else {
            &mut io::empty()
        };
        match visit(i, header, data) {
            Ok(true) => Ok(EntryDecision::Continue),
            Ok(false) => Ok(EntryDecision::Stop),
            Err(e) => {
                failed = Some(e);
                Ok(EntryDecision::Stop)
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    result.map_err(|e| seven_error(e, password))
}

fn each_tar<R: Read>(
    stream: R,
    legacy: Option<&'static Encoding>,
    skip: u64,
    visit: &mut Visit<'_>,
) -> Result<(), ExtractError> {
    use tar::EntryType as T;
    let mut archive = tar::Archive::new(stream);
    let entries = archive.entries().map_err(tar_error)?;
    for (i, entry) in entries.enumerate() {
        let mut entry = entry.map_err(tar_error)?;
        let i = i as u64;
        if i < skip {
            continue;
        }
        let kind = match entry.header().entry_type() {
            T::Regular | T::Continuous | T::GNUSparse => Kind::File,
            T::Directory => Kind::Dir,
            _ => Kind::Special,
        };
        let modified = entry
            .header()
            .mtime()
            .ok()
            .and_then(|t| DateTime::from_timestamp(t as i64, 0));
        let header = Entry {
            name: names::tar_name(&entry.path_bytes(), legacy),
            kind,
            size: entry.size(),
            modified,
        };
        let data: &mut dyn Read = if kind == Kind::File {
            &mut entry
        } else {
            &mut io::empty()
        };
        if !visit(i, header, data)? {
            return Ok(());
        }
    }
    Ok(())
}

/// The tar reader reports a damaged stream as an I/O error of kind `InvalidData` or
/// `UnexpectedEof`; anything else is a real read failure.
fn tar_error(e: io::Error) -> ExtractError {
    match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof | io::ErrorKind::Other => {
            ExtractError::Corrupt(e.to_string())
        }
        _ => ExtractError::Io(e),
    }
}
