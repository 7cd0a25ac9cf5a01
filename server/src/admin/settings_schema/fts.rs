//! Settings of full-text search (`fts/`) and of Cloudreve's Meilisearch and Tika, which Stratus
//! keeps without effect.

use super::{BYTES, Kind};

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Full-text search (spec 4.18 §9)
    ("fts_enabled", Kind::Bool),
    ("fts_index_type", Kind::OneOf(&["meilisearch"])),
    ("fts_extractor_type", Kind::OneOf(&["tika"])),
    ("fts_meilisearch_endpoint", Kind::Url),
    ("fts_meilisearch_api_key", Kind::Secret { min_len: 0 }),
    ("fts_meilisearch_page_size", Kind::Int { min: 1, max: 1000 }),
    ("fts_meilisearch_embed_enabled", Kind::Bool),
    ("fts_meilisearch_embed_config", Kind::JsonObject),
    ("fts_tika_endpoint", Kind::Url),
    ("fts_tika_exts", Kind::Text),
    ("fts_tika_max_file_size", BYTES),
    (
        "fts_chunk_size",
        Kind::Int {
            min: 100,
            max: 1 << 20,
        },
    ),
    ("fts_text_max_bytes", BYTES),
    ("fts_extract_timeout", Kind::Int { min: 1, max: 3600 }),
];
