//! Settings of thumbnails and media metadata: each generator and reader, its tool and limits.

use super::{BYTES, Kind};

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Thumbnails
    ("thumb_width", Kind::Int { min: 16, max: 4096 }),
    ("thumb_height", Kind::Int { min: 16, max: 4096 }),
    ("thumb_entity_suffix", Kind::Text),
    ("thumb_slave_sidecar_suffix", Kind::Text),
    ("thumb_encode_method", Kind::OneOf(&["png", "jpg", "webp"])),
    ("thumb_encode_quality", Kind::Int { min: 1, max: 100 }),
    ("thumb_gc_after_gen", Kind::Bool),
    ("thumb_builtin_enabled", Kind::Bool),
    ("thumb_builtin_max_size", BYTES),
    ("thumb_vips_enabled", Kind::Bool),
    ("thumb_vips_path", Kind::Text),
    ("thumb_vips_exts", Kind::Text),
    ("thumb_vips_max_size", BYTES),
    ("thumb_ffmpeg_enabled", Kind::Bool),
    ("thumb_ffmpeg_path", Kind::Text),
    ("thumb_ffmpeg_exts", Kind::Text),
    ("thumb_ffmpeg_max_size", BYTES),
    ("thumb_ffmpeg_seek", Kind::Text),
    ("thumb_libreoffice_enabled", Kind::Bool),
    ("thumb_libreoffice_path", Kind::Text),
    ("thumb_libreoffice_exts", Kind::Text),
    ("thumb_libreoffice_max_size", BYTES),
    ("thumb_music_cover_enabled", Kind::Bool),
    ("thumb_music_cover_exts", Kind::Text),
    ("thumb_music_cover_max_size", BYTES),
    ("thumb_poppler_enabled", Kind::Bool),
    ("thumb_poppler_path", Kind::Text),
    ("thumb_poppler_exts", Kind::Text),
    ("thumb_poppler_max_size", BYTES),
    ("thumb_heif_enabled", Kind::Bool),
    ("thumb_heif_path", Kind::Text),
    ("thumb_heif_exts", Kind::Text),
    ("thumb_heif_max_size", BYTES),
    ("thumb_generator_timeout", Kind::Int { min: 1, max: 3600 }),
    (
        "thumb_generator_max_memory",
        Kind::Int {
            min: 64 << 20,
            max: i64::MAX,
        },
    ),
    // Media metadata
    ("media_meta", Kind::Bool),
    ("media_meta_exif", Kind::Bool),
    ("media_meta_exif_size_local", BYTES),
    ("media_meta_exif_size_remote", BYTES),
    ("media_meta_exif_brute_force", Kind::Bool),
    ("media_meta_music", Kind::Bool),
    ("media_meta_music_size_local", BYTES),
    ("media_exif_music_size_remote", BYTES),
    ("media_meta_ffprobe", Kind::Bool),
    ("media_meta_ffprobe_path", Kind::Text),
    ("media_meta_ffprobe_size_local", BYTES),
    ("media_meta_ffprobe_size_remote", BYTES),
    (
        "media_meta_ffprobe_timeout",
        Kind::Int { min: 1, max: 3600 },
    ),
    (
        "media_meta_ffprobe_max_memory",
        Kind::Int {
            min: 64 << 20,
            max: i64::MAX,
        },
    ),
    (
        "media_meta_ffprobe_probe_size",
        Kind::Int {
            min: 32,
            max: i64::MAX,
        },
    ),
    (
        "media_meta_ffprobe_analyze_duration",
        Kind::Int { min: 1, max: 3600 },
    ),
    // Thumbnails and media metadata (spec 4.18 §9)
    ("thumb_ffmpeg_extra_args", Kind::Text),
    ("thumb_libraw_enabled", Kind::Bool),
    ("thumb_libraw_path", Kind::Text),
    ("thumb_libraw_max_size", BYTES),
    ("thumb_libraw_exts", Kind::Text),
    ("media_meta_geocoding", Kind::Bool),
    (
        "media_meta_geocoding_mapbox_ak",
        Kind::Secret { min_len: 0 },
    ),
];
