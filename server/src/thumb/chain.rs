//! The generator chain: which generator makes the thumbnail of a file, from the site settings.
//!
//! Each generator has Cloudreve's keys: `thumb_<name>_enabled`, `_path` (the executable),
//! `_exts` (comma-separated extensions) and `_max_size` (largest source, bytes). Stratus adds
//! `poppler` (PDF first page with `pdftoppm`) and `heif` (HEIC/HEIF/AVIF with libheif's
//! `heif-convert`) under the same scheme. A file goes to the enabled generators whose
//! extension list holds its extension and whose size limit it meets, in the chain's order:
//! the built-in one first (it stays the default for the pictures it decodes), then the tools
//! for one family of formats, then the broad ones (libvips, ffmpeg, LibreOffice), then the
//! music cover. When one fails the next is tried.

use std::collections::HashMap;

use crate::settings::{DEFAULTS, parse_bool};

/// The generators, in chain order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Builtin,
    LibRaw,
    Heif,
    Poppler,
    Vips,
    Ffmpeg,
    LibreOffice,
    MusicCover,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Builtin,
        Kind::LibRaw,
        Kind::Heif,
        Kind::Poppler,
        Kind::Vips,
        Kind::Ffmpeg,
        Kind::LibreOffice,
        Kind::MusicCover,
    ];

    /// The word in the settings keys (`thumb_<key>_enabled`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Builtin => "builtin",
            Kind::LibRaw => "libraw",
            Kind::Heif => "heif",
            Kind::Poppler => "poppler",
            Kind::Vips => "vips",
            Kind::Ffmpeg => "ffmpeg",
            Kind::LibreOffice => "libreoffice",
            Kind::MusicCover => "music_cover",
        }
    }

    /// The generator a `POST /admin/tool/thumbExecutable` name stands for: Cloudreve's
    /// console names (`vips`, `ffmpeg`, `libreOffice`, `libRaw`) and the settings words.
    pub fn from_name(name: &str) -> Option<Kind> {
        let name = name.trim().to_ascii_lowercase().replace(['-', '_'], "");
        Kind::ALL
            .into_iter()
            .find(|k| k.external() && k.key().replace('_', "") == name)
    }

    /// The generator whose settings word is `key`.
    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Whether it runs an executable (the built-in generator and the music cover do not).
    pub fn external(self) -> bool {
        !matches!(self, Kind::Builtin | Kind::MusicCover)
    }

    /// The built-in generator's extensions when `thumb_builtin_exts` is empty (it has no
    /// row of its own in Cloudreve's settings).
    const BUILTIN_EXTS: &'static str = "jpg,jpeg,png,webp,gif";
}

/// The install-time value of a setting (the chain falls back to it when a value is empty).
fn default_of(key: &str) -> &'static str {
    match key {
        "thumb_builtin_exts" => Kind::BUILTIN_EXTS,
        _ => DEFAULTS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| *v),
    }
}

/// One generator as the settings configure it.
#[derive(Debug, Clone)]
pub struct Generator {
    pub kind: Kind,
    pub enabled: bool,
    /// The executable (empty for in-process generators).
    pub path: String,
    pub exts: Vec<String>,
    pub max_size: i64,
}

impl Generator {
    /// Whether it takes a file of this name and size.
    pub fn takes(&self, name: &str, size: i64) -> bool {
        let ext = ext_of(name);
        self.enabled && size > 0 && size <= self.max_size && self.exts.contains(&ext)
    }
}

/// The lower-case extension of `name` (empty without one).
pub fn ext_of(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Extra settings of the ffmpeg generator.
#[derive(Debug, Clone, Default)]
pub struct FfmpegOptions {
    /// Where the frame is taken (`thumb_ffmpeg_seek`, `HH:MM:SS.ss` or seconds).
    pub seek: String,
    /// `thumb_ffmpeg_extra_args`, split on white space, placed before the input.
    pub extra_args: Vec<String>,
}

/// All generators, in chain order.
#[derive(Debug, Clone)]
pub struct Chain {
    pub generators: Vec<Generator>,
    pub ffmpeg: FfmpegOptions,
}

impl Chain {
    /// The chain the settings `all` describe; a missing or empty key takes its default.
    pub fn from_settings(all: &HashMap<String, String>) -> Self {
        let text = |key: &str| all.get(key).map(|v| v.trim()).unwrap_or_default();
        let generators = Kind::ALL
            .into_iter()
            .map(|kind| {
                let value = |what: &str| {
                    let key = format!("thumb_{}_{what}", kind.key());
                    match text(&key) {
                        "" => default_of(&key),
                        v => v,
                    }
                };
                Generator {
                    kind,
                    enabled: parse_bool(value("enabled")),
                    path: value("path").to_owned(),
                    exts: split_exts(value("exts")),
                    max_size: value("max_size").parse().unwrap_or(0),
                }
            })
            .collect();
        let seek = match text("thumb_ffmpeg_seek") {
            "" => "00:00:01.00",
            v => v,
        };
        Self {
            generators,
            ffmpeg: FfmpegOptions {
                seek: seek.to_owned(),
                extra_args: text("thumb_ffmpeg_extra_args")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            },
        }
    }

    /// The generators that take a file of this name and size, in chain order.
    pub fn matching(&self, name: &str, size: i64) -> Vec<&Generator> {
        self.generators
            .iter()
            .filter(|g| g.takes(name, size))
            .collect()
    }

    /// The generator of `kind`.
    pub fn get(&self, kind: Kind) -> &Generator {
        self.generators
            .iter()
            .find(|g| g.kind == kind)
            .expect("every kind is in the chain")
    }

    /// The extensions some enabled generator takes, sorted, without repeats.
    pub fn exts(&self) -> Vec<String> {
        let mut exts: Vec<String> = self
            .generators
            .iter()
            .filter(|g| g.enabled)
            .flat_map(|g| g.exts.iter().cloned())
            .collect();
        exts.sort();
        exts.dedup();
        exts
    }
}

fn split_exts(list: &str) -> Vec<String> {
    list.split(',')
        .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(pairs: &[(&str, &str)]) -> Chain {
        Chain::from_settings(
            &pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_first_enabled_generator_for_the_extension_and_size_comes_first() {
        let kinds = |c: &Chain, name: &str, size: i64| -> Vec<Kind> {
            c.matching(name, size).iter().map(|g| g.kind).collect()
        };
        let defaults = chain(&[]);
        assert_eq!(kinds(&defaults, "a.PNG", 10), vec![Kind::Builtin]);
        assert_eq!(kinds(&defaults, "a.mp4", 10), Vec::<Kind>::new());
        assert_eq!(kinds(&defaults, "a.mp3", 10), vec![Kind::MusicCover]);
        let on = chain(&[
            ("thumb_vips_enabled", "1"),
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_poppler_enabled", "1"),
            ("thumb_libreoffice_enabled", "true"),
            ("thumb_builtin_max_size", "100"),
        ]);
        assert_eq!(kinds(&on, "a.png", 10), vec![Kind::Builtin, Kind::Vips]);
        assert_eq!(kinds(&on, "a.png", 101), vec![Kind::Vips]);
        // libvips's PDF loader is not among its trusted ones: PDFs go to poppler.
        assert_eq!(
            kinds(&on, "doc.pdf", 10),
            vec![Kind::Poppler, Kind::LibreOffice]
        );
        assert_eq!(kinds(&on, "clip.MP4", 10), vec![Kind::Ffmpeg]);
        assert_eq!(kinds(&on, "clip.mp4", 0), Vec::<Kind>::new());
        assert_eq!(kinds(&on, "mp4", 10), Vec::<Kind>::new());
        let custom = chain(&[
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_ffmpeg_exts", " .MKV, webm "),
        ]);
        assert_eq!(kinds(&custom, "a.mkv", 1), vec![Kind::Ffmpeg]);
        assert_eq!(kinds(&custom, "a.mp4", 1), Vec::<Kind>::new());
        assert!(custom.exts().contains(&"mkv".to_owned()));
        assert!(!custom.exts().contains(&"mp4".to_owned()));
    }

    #[test]
    fn console_names_pick_external_generators() {
        assert_eq!(Kind::from_name("libreOffice"), Some(Kind::LibreOffice));
        assert_eq!(Kind::from_name("libRaw"), Some(Kind::LibRaw));
        assert_eq!(Kind::from_name("ffmpeg"), Some(Kind::Ffmpeg));
        assert_eq!(Kind::from_name("builtin"), None);
        assert_eq!(Kind::from_name("music_cover"), None);
        assert_eq!(Kind::from_name("sh"), None);
    }
}
