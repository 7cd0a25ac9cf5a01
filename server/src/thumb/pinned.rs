//! The format a tool reads a source as: the one its extension names, never one the tool
//! guesses from the content.
//!
//! libvips and ffmpeg pick a reader by sniffing the bytes, so a file named `.tif` or `.mp4`
//! can be read as something else entirely: a MATLAB/HDF5 file whose dataset lives in another
//! file, an HLS playlist whose segments are other paths. The confinement of every run
//! (`sandbox::confine`) leaves such references nothing to find; pinning the reader also
//! keeps the formats with file references, and the parsers fuzzed least, out of reach:
//! - ffmpeg and ffprobe get the demuxer of the extension (`-f`), and only the `file`
//!   protocol, so no playlist or network demuxer is ever probed;
//! - libvips runs with its untrusted loaders blocked, and a source is thumbnailed only when
//!   `vipsheader` names the loader the extension stands for.

/// The ffmpeg demuxer that reads files with extension `ext` (lower case), or `None` when no
/// demuxer is pinned for it (the file is then not given to ffmpeg).
pub fn ffmpeg_demuxer(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "mp4" | "m4v" | "mov" | "3gp" | "3g2" | "m4a" | "mj2" | "f4v" => "mov",
        "mkv" | "webm" | "mka" => "matroska",
        "avi" | "divx" => "avi",
        "flv" => "flv",
        "asf" | "wmv" | "wma" => "asf",
        "mpg" | "mpeg" | "vob" => "mpeg",
        "m2v" => "mpegvideo",
        "ts" | "mts" | "m2ts" => "mpegts",
        "ogv" | "ogg" | "oga" | "opus" | "spx" => "ogg",
        "mxf" => "mxf",
        "rm" | "rmvb" => "rm",
        "swf" => "swf",
        "mp3" => "mp3",
        "flac" => "flac",
        "wav" => "wav",
        "aac" => "aac",
        "aiff" => "aiff",
        "ape" => "ape",
        "wv" => "wv",
        "mpc" => "mpc",
        _ => return None,
    })
}

/// ffmpeg's and ffprobe's input options for a source with extension `ext`: its demuxer and
/// the `file` protocol only. `None` when the extension has no pinned demuxer.
pub fn ffmpeg_input(ext: &str) -> Option<[&'static str; 4]> {
    let demuxer = ffmpeg_demuxer(&ext.to_ascii_lowercase())?;
    Some(["-protocol_whitelist", "file", "-f", demuxer])
}

/// The libvips loader (its nickname, as `vipsheader -f vips-loader` prints it) that reads
/// files with extension `ext` (lower case). Only loaders libvips trusts with hostile input
/// are here: the others are blocked in every run (`VIPS_BLOCK_UNTRUSTED`). Camera raw files
/// built on TIFF are read by the TIFF loader (their embedded preview).
pub fn vips_loader(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "jpg" | "jpeg" | "jpe" => "jpegload",
        "png" => "pngload",
        "webp" => "webpload",
        "gif" => "gifload",
        "heic" | "heif" | "avif" => "heifload",
        "tif" | "tiff" | "3fr" | "ari" | "arw" | "cr2" | "dcr" | "dcs" | "dng" | "drf" | "eip"
        | "erf" | "fff" | "iiq" | "k25" | "kdc" | "mef" | "mos" | "nef" | "nrw" | "obm" | "orf"
        | "pef" | "ptx" | "pxn" | "raw" | "rwl" | "rw2" | "sr2" | "srf" | "srw" => "tiffload",
        _ => return None,
    })
}

/// The extension of the staged source name (`src.<ext>`), lower case.
pub fn ext_of(src: &str) -> String {
    src.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_follow_the_extension_and_unknown_ones_get_none() {
        assert_eq!(
            ffmpeg_input("MP4"),
            Some(["-protocol_whitelist", "file", "-f", "mov"])
        );
        assert_eq!(ffmpeg_demuxer("webm"), Some("matroska"));
        // A playlist is never a format a source is read as.
        for ext in ["m3u8", "m3u", "hls", "txt", "concat", ""] {
            assert_eq!(ffmpeg_demuxer(ext), None, "{ext}");
        }
        assert_eq!(vips_loader("tif"), Some("tiffload"));
        assert_eq!(vips_loader("jpe"), Some("jpegload"));
        // The formats libvips reads with file references or untrusted parsers.
        for ext in [
            "mat", "csv", "fits", "fit", "fts", "img", "hdr", "svg", "pdf", "v",
        ] {
            assert_eq!(vips_loader(ext), None, "{ext}");
        }
        assert_eq!(ext_of("src.TIF"), "tif");
        assert_eq!(ext_of("src"), "");
    }

    #[test]
    fn every_default_extension_of_vips_and_ffmpeg_has_a_pinned_reader() {
        let defaults: std::collections::HashMap<_, _> =
            crate::settings::DEFAULTS.iter().copied().collect();
        for ext in defaults["thumb_vips_exts"].split(',') {
            assert!(vips_loader(ext).is_some(), "vips: {ext}");
        }
        for ext in defaults["thumb_ffmpeg_exts"].split(',') {
            assert!(ffmpeg_demuxer(ext).is_some(), "ffmpeg: {ext}");
        }
    }
}
