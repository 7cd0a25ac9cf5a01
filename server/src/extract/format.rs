//! Which kind of archive a blob is: its first bytes decide; the name only when they say
//! nothing (a plain tar has its mark at byte 257, which [`HEAD`] covers).

/// Bytes read from the start of a blob to detect its format.
pub const HEAD: usize = 512;

/// The archive formats this server reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Tar,
    TarGz,
    TarBz2,
    TarXz,
    TarZst,
    SevenZ,
}

/// The format of a blob named `name` starting with `head`; `None` for anything else.
pub fn detect(name: &str, head: &[u8]) -> Option<Format> {
    from_magic(head).or_else(|| from_name(name))
}

fn from_magic(head: &[u8]) -> Option<Format> {
    const SEVEN_Z: &[u8] = &[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C];
    const XZ: &[u8] = &[0xFD, b'7', b'z', b'X', b'Z', 0x00];
    const ZSTD: &[u8] = &[0x28, 0xB5, 0x2F, 0xFD];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if head.starts_with(SEVEN_Z) {
        Some(Format::SevenZ)
    } else if head.starts_with(&[0x1F, 0x8B]) {
        Some(Format::TarGz)
    } else if head.starts_with(b"BZh") {
        Some(Format::TarBz2)
    } else if head.starts_with(XZ) {
        Some(Format::TarXz)
    } else if head.starts_with(ZSTD) {
        Some(Format::TarZst)
    } else if head.get(257..262) == Some(b"ustar") {
        Some(Format::Tar)
    } else {
        None
    }
}

fn from_name(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| lower.ends_with(s));
    if ends(&[".zip"]) {
        Some(Format::Zip)
    } else if ends(&[".7z"]) {
        Some(Format::SevenZ)
    } else if ends(&[".tar.gz", ".tgz"]) {
        Some(Format::TarGz)
    } else if ends(&[".tar.bz2", ".tbz2", ".tbz"]) {
        Some(Format::TarBz2)
    } else if ends(&[".tar.xz", ".txz"]) {
        Some(Format::TarXz)
    } else if ends(&[".tar.zst", ".tzst"]) {
        Some(Format::TarZst)
    } else if ends(&[".tar"]) {
        Some(Format::Tar)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, detect};

    #[test]
    fn magic_bytes_win_over_the_name() {
        assert_eq!(detect("a.tar", b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(
            detect("x", &[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0]),
            Some(Format::SevenZ)
        );
        assert_eq!(detect("x", &[0x1F, 0x8B, 8]), Some(Format::TarGz));
        assert_eq!(detect("x", b"BZh91AY"), Some(Format::TarBz2));
        assert_eq!(
            detect("x", &[0x28, 0xB5, 0x2F, 0xFD, 4]),
            Some(Format::TarZst)
        );
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(detect("x", &tar), Some(Format::Tar));
    }

    #[test]
    fn the_name_decides_when_the_bytes_say_nothing() {
        assert_eq!(detect("A.ZIP", b""), Some(Format::Zip));
        assert_eq!(detect("a.tgz", b"??"), Some(Format::TarGz));
        assert_eq!(detect("a.tar.zst", b"??"), Some(Format::TarZst));
        assert_eq!(detect("a.rar", b"??"), None);
        assert_eq!(detect("a.txt", b"hello"), None);
    }
}
