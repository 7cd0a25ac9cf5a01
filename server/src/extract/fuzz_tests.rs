//! Property tests of the extract path against untrusted archives: small real archives of every
//! format (`seeds/`, made by zip, 7z, tar, gzip, bzip2, xz and zstd), mutated at random, and
//! random bytes, go through the readers and the pump exactly as a task runs them. Whatever the
//! bytes, nothing panics, every entry that comes out has a path of plain names below the
//! destination, and no more bytes come out than the cap allows.

use std::io::{Seek, SeekFrom, Write};

use futures_util::StreamExt;
use proptest::prelude::*;

use super::{
    Caps, ExtractError, entries,
    format::{self, Format},
    names,
    pump::{Item, Options, Pump, Start},
};
use crate::fs::uri::FileUri;

const SEEDS: &[(&str, &[u8])] = &[
    ("small.zip", include_bytes!("seeds/small.zip")),
    ("small.7z", include_bytes!("seeds/small.7z")),
    ("locked.7z", include_bytes!("seeds/locked.7z")),
    ("small.tar.gz", include_bytes!("seeds/small.tar.gz")),
    ("small.tar.bz2", include_bytes!("seeds/small.tar.bz2")),
    ("small.tar.xz", include_bytes!("seeds/small.tar.xz")),
    ("small.tar.zst", include_bytes!("seeds/small.tar.zst")),
];

const ALL_FORMATS: &[Format] = &[
    Format::Zip,
    Format::SevenZ,
    Format::Tar,
    Format::TarGz,
    Format::TarBz2,
    Format::TarXz,
    Format::TarZst,
];

/// The caps of every run: small, so that a mutated size field meets them.
const CAPS: Caps = Caps {
    bytes: 256 * 1024,
    entries: 64,
};

/// One change to an archive's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, 1 << bit)),
        (
            any::<usize>(),
            proptest::collection::vec(
                prop_oneof![Just(0u8), Just(0xFF), Just(0x7F), any::<u8>()],
                1..9
            )
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match m {
        Mutation::Set(i, b) if !bytes.is_empty() => {
            let i = at(*i, bytes.len());
            bytes[i] = *b;
        }
        Mutation::Flip(i, bit) if !bytes.is_empty() => {
            let i = at(*i, bytes.len());
            bytes[i] ^= bit;
        }
        Mutation::Insert(i, b) => {
            let i = at(*i, bytes.len() + 1);
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Remove(i, n) if !bytes.is_empty() => {
            let i = at(*i, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Truncate(n) => bytes.truncate(at(*n, bytes.len() + 1)),
        _ => {}
    }
}

/// A seed archive with up to eight mutations, and the format its name and bytes say.
fn mutated_archive() -> impl Strategy<Value = (Format, Vec<u8>)> {
    (0..SEEDS.len(), proptest::collection::vec(mutation(), 0..8)).prop_map(|(seed, mutations)| {
        let (name, bytes) = SEEDS[seed];
        let mut bytes = bytes.to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let format = format::detect(name, &bytes).unwrap_or(Format::Tar);
        (format, bytes)
    })
}

/// Random bytes read as any format, with a format's magic in front now and then.
fn random_archive() -> impl Strategy<Value = (Format, Vec<u8>)> {
    (
        proptest::sample::select(ALL_FORMATS),
        proptest::collection::vec(any::<u8>(), 0..2048),
        any::<bool>(),
    )
        .prop_map(|(format, mut bytes, magic)| {
            if magic {
                let head: &[u8] = match format {
                    Format::Zip => b"PK\x03\x04",
                    Format::SevenZ => b"7z\xBC\xAF\x27\x1C\x00\x04",
                    Format::TarGz => b"\x1F\x8B\x08\x00",
                    Format::TarBz2 => b"BZh9",
                    Format::TarXz => b"\xFD7zXZ\x00",
                    Format::TarZst => b"\x28\xB5\x2F\xFD",
                    Format::Tar => b"",
                };
                bytes.splice(0..0, head.iter().copied());
            }
            (format, bytes)
        })
}

fn file_of(bytes: &[u8]) -> std::fs::File {
    let mut file = tempfile::tempfile().expect("temp file");
    file.write_all(bytes).expect("write");
    file.seek(SeekFrom::Start(0)).expect("seek");
    file
}

/// A plain name as the file system takes it: what a path from the pump must be made of.
fn plain(segment: &str) -> bool {
    !segment.is_empty() && segment != "." && segment != ".." && !segment.contains(['/', '\\', '\0'])
}

/// Runs the pump over `bytes` as a task does and checks what comes out. A reader that panics
/// is reported by `finish` as "the archive reader failed".
fn run_pump(format: Format, bytes: &[u8], password: Option<&str>) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut file = file_of(bytes);
        if let Ok(Some(headers)) = entries::headers(&mut file, format, None, CAPS.entries, password)
        {
            prop_assert!(headers.len() as u64 <= CAPS.entries);
        }
        let options = Options {
            password: password.map(str::to_owned),
            ..Options::default()
        };
        let mut pump = Pump::start(file, format, None, CAPS, Start::default(), options);
        let staging = FileUri::parse("cloudreve://my/dst/staging").expect("uri");
        let mut total = 0u64;
        while let Some(item) = pump.items.recv().await {
            let path = match item {
                Item::Dir { path, .. } => path,
                Item::File { path, mut body, .. } => {
                    while let Some(Ok(chunk)) = body.next().await {
                        total += chunk.len() as u64;
                    }
                    path
                }
                Item::Skipped { .. } => continue,
            };
            prop_assert!(
                !path.is_empty() && path.iter().all(|s| plain(s)),
                "{:?}",
                path
            );
            let mut uri = staging.clone();
            for segment in &path {
                match uri.join(segment) {
                    Ok(next) => uri = next,
                    // Refused by the file system's own name rules: the task stops there.
                    Err(_) => break,
                }
            }
            prop_assert!(uri.segments().starts_with(staging.segments()));
        }
        prop_assert!(total <= CAPS.bytes, "{} bytes out", total);
        if let Err(ExtractError::Corrupt(message)) = pump.finish().await {
            prop_assert!(
                !message.starts_with("the archive reader failed"),
                "{}",
                message
            );
        }
        Ok(())
    })
}

proptest! {
    // Each case writes a file and runs a reader thread: 96 unless PROPTEST_CASES says.
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            ProptestConfig::default().cases
        } else {
            96
        },
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_archives_never_panic_escape_or_overflow(
        (format, bytes) in mutated_archive(),
        password in proptest::option::of(Just("Secret")),
    ) {
        run_pump(format, &bytes, password)?;
    }

    #[test]
    fn random_bytes_never_panic_in_any_reader((format, bytes) in random_archive()) {
        run_pump(format, &bytes, None)?;
    }

    #[test]
    fn hostile_entry_names_never_leave_the_destination(
        entries in proptest::collection::vec(
            (hostile_name(), proptest::collection::vec(any::<u8>(), 0..64)),
            1..6,
        ),
    ) {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let mut tar = tar::Builder::new(Vec::new());
        for (name, data) in &entries {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            if zip.start_file(name.as_str(), options).is_ok() {
                zip.write_all(data).expect("zip write");
            }
            let mut header = tar::Header::new_gnu();
            let raw = name.as_bytes();
            let n = raw.len().min(99);
            header.as_old_mut().name[..n].copy_from_slice(&raw[..n]);
            header.set_size(data.len() as u64);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            tar.append(&header, data.as_slice()).expect("tar append");
        }
        let zip = zip.finish().expect("zip finish").into_inner();
        let tar = tar.into_inner().expect("tar finish");
        run_pump(Format::Zip, &zip, None)?;
        run_pump(Format::Tar, &tar, None)?;
    }

    #[test]
    fn safe_paths_are_plain_names_or_refused(name in hostile_name()) {
        match names::safe_path(&name) {
            Ok(path) => prop_assert!(path.iter().all(|s| plain(s)), "{:?} from {:?}", path, name),
            Err(e) => prop_assert!(matches!(e, ExtractError::UnsafeName(_))),
        }
    }
}

/// Entry names made of the pieces that try to leave a folder.
fn hostile_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(".."),
        Just("."),
        Just("/"),
        Just("\\"),
        Just("C:"),
        Just("\0"),
        Just("a"),
        Just("é"),
        Just("%2e"),
        Just(" "),
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..10).prop_map(|v| v.concat()),
        ".{0,20}",
    ]
}
