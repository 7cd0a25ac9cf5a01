//! What makes a change look like ransomware: a name or extension such programs give the
//! files they encrypt or the notes they leave, and new content that is noise where the old
//! content was readable. One list, here.

/// Extensions ransomware appends to the files it encrypted (compared without case).
const EXTENSIONS: &[&str] = &[
    "encrypted",
    "locked",
    "crypt",
    "crypted",
    "crypto",
    "enc",
    "wncry",
    "wnry",
    "wcry",
    "locky",
    "cerber",
    "zepto",
    "odin",
    "thor",
    "aesir",
    "ryk",
    "conti",
    "lockbit",
    "djvu",
    "stop",
    "ransom",
    "pay",
    "kraken",
    "cry",
    "rdm",
    "micro",
    "vvv",
    "ecc",
    "ezz",
    "exx",
    "xyz",
    "zzz",
    "aaa",
    "abc",
    "ccc",
];

/// Beginnings of the names of ransom notes (compared without case).
const NOTES: &[&str] = &[
    "how_to_decrypt",
    "how-to-decrypt",
    "how to decrypt",
    "readme_restore",
    "readme-restore",
    "restore_files",
    "restore-my-files",
    "decrypt_instructions",
    "decrypt-instructions",
    "help_decrypt",
    "your_files_are_encrypted",
    "!readme",
    "_readme",
    "read_me_to_decrypt",
    "recovery_key",
];

/// Whether `name` (a file's last path segment) looks like a file ransomware made.
pub fn suspicious_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if NOTES.iter().any(|n| lower.starts_with(n)) {
        return true;
    }
    lower
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext))
}

/// Shannon entropy of `bytes` in bits per byte (0 for nothing).
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u64; 256];
    for b in bytes {
        counts[*b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Above this many bits per byte a sample of a few KiB is compressed or encrypted.
const NOISE: f64 = 7.5;
/// Samples shorter than this say too little (a short text can have few repeats).
const LEAST_SAMPLE: usize = 512;

/// Whether `sample` looks like compressed or encrypted bytes.
pub fn is_noise(sample: &[u8]) -> bool {
    sample.len() >= LEAST_SAMPLE && entropy(sample) > NOISE
}

/// Extensions of formats that are compressed already: overwriting one with noise is normal.
const COMPRESSED: &[&str] = &[
    "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "jpg", "jpeg", "png", "gif", "webp",
    "heic", "avif", "mp3", "mp4", "m4a", "mov", "mkv", "webm", "ogg", "opus", "flac", "pdf",
    "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "jar", "apk", "dmg", "iso",
];

/// Whether a file named `name` normally holds compressed bytes.
pub fn compressed_type(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| COMPRESSED.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ransomware_names_are_told() {
        assert!(suspicious_name("report.docx.encrypted"));
        assert!(suspicious_name("photo.JPG.locked"));
        assert!(suspicious_name("HOW_TO_DECRYPT_FILES.txt"));
        assert!(suspicious_name("README_RESTORE.html"));
        assert!(!suspicious_name("report.docx"));
        assert!(!suspicious_name("encrypted"));
    }

    #[test]
    fn noise_is_told_from_text() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(40);
        assert!(!is_noise(text.as_bytes()));
        let mut x: u32 = 12345;
        let noise: Vec<u8> = (0..8192)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        assert!(is_noise(&noise));
        assert!(!is_noise(&noise[..100]));
        assert!(compressed_type("a.ZIP") && !compressed_type("a.txt"));
    }
}
