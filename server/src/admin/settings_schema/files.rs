//! Settings of the file system and transfers: sizes, timeouts, pages, the explorer, file apps,
//! file change events and client-side encryption.

use super::{BYTES, Kind, SECONDS, TEN_YEARS};

const COUNT: Kind = Kind::Int {
    min: 0,
    max: 1_000_000,
};

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Transfers and file system
    ("maxEditSize", BYTES),
    (
        "archive_timeout",
        Kind::Int {
            min: 1,
            max: TEN_YEARS,
        },
    ),
    (
        "upload_session_timeout",
        Kind::Int {
            min: 60,
            max: TEN_YEARS,
        },
    ),
    (
        "slave_api_timeout",
        Kind::Int {
            min: 1,
            max: 86_400,
        },
    ),
    ("folder_props_timeout", SECONDS),
    ("chunk_retries", Kind::Int { min: 0, max: 100 }),
    ("use_temp_chunk_buffer", Kind::Bool),
    ("s3_delete_final", Kind::Bool),
    ("max_parallel_transfer", Kind::Int { min: 1, max: 100 }),
    ("temp_path", Kind::Text),
    ("remote_download_allowed_cidrs", Kind::Cidrs),
    ("notification_allowed_cidrs", Kind::Cidrs),
    ("use_cursor_pagination", Kind::Bool),
    (
        "max_page_size",
        Kind::Int {
            min: 10,
            max: 100_000,
        },
    ),
    ("max_recursive_searched_folder", COUNT),
    ("max_folder_depth", Kind::Int { min: 1, max: 65535 }),
    (
        "max_batched_file",
        Kind::Int {
            min: 1,
            max: 1_000_000,
        },
    ),
    (
        "entity_url_default_ttl",
        Kind::Int {
            min: 1,
            max: TEN_YEARS,
        },
    ),
    ("entity_url_cache_margin", SECONDS),
    ("public_resource_maxage", SECONDS),
    ("viewer_session_timeout", SECONDS),
    ("use_sse_for_search", Kind::Bool),
    ("explorer_icons", Kind::JsonArray),
    ("explorer_category_image_query", Kind::Text),
    ("explorer_category_video_query", Kind::Text),
    ("explorer_category_audio_query", Kind::Text),
    ("explorer_category_document_query", Kind::Text),
    ("emojis", Kind::JsonObject),
    (
        "map_provider",
        Kind::OneOf(&["openstreetmap", "google", "mapbox"]),
    ),
    (
        "map_google_tile_type",
        Kind::OneOf(&["regular", "satellite", "terrain"]),
    ),
    ("mime_mapping", Kind::JsonObject),
    ("file_viewers", Kind::JsonArray),
    ("file_app_drawio_enabled", Kind::Bool),
    ("file_app_drawio_url", Kind::Url),
    ("file_app_excalidraw_enabled", Kind::Bool),
    ("file_app_excalidraw_url", Kind::Url),
    // File change events (spec 4.18 §9)
    ("fs_event_push_enabled", Kind::Bool),
    (
        "fs_event_push_max_age",
        // At least an hour: open streams mark their subscription seen every ten minutes.
        Kind::Int {
            min: 3600,
            max: 10 * 365 * 86_400,
        },
    ),
    ("fs_event_push_debounce", Kind::Int { min: 0, max: 3600 }),
    // Client-side encryption (spec 4.18 §9)
    ("encrypt_master_key", Kind::MasterKey),
    (
        "encrypt_master_key_vault",
        Kind::OneOf(&["setting", "env", "file"]),
    ),
    ("encrypt_master_key_file", Kind::Text),
    ("show_encryption_status", Kind::Bool),
];
