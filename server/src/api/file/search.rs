//! `GET /file/search`: full-text search (Cloudreve 4.14) over Stratus's own index, with the
//! response shapes of the spec (§4.3) and Stratus's filters beside `query` and `offset`.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::api::{
    dto::file::FileResponse,
    envelope::{ApiError, ErrorCode},
    present::file as present,
};
use crate::{
    auth::caller::Caller,
    fs::{
        nav::{self, FsCtx},
        shown::Item,
        uri::{FileUri, FsKind},
    },
    fts::{
        error::FtsError,
        search::{self, Filters, Hit, Place},
    },
    state::AppState,
};

/// One hit: the file as the caller reaches it, and the best-matching text.
#[derive(Debug, Object)]
pub struct SearchHit {
    pub file: FileResponse,
    /// About `fts_chunk_size` bytes of the file's text, HTML-escaped, the matched words in
    /// `<em>`…`</em>`.
    pub content: String,
}

/// `GET /file/search` data.
#[derive(Debug, Object)]
pub struct SearchResponse {
    pub hits: Vec<SearchHit>,
    /// An estimate: more hits may follow while `hits.length < total`.
    pub total: i64,
}

/// The query parameters beside `query` and `offset`.
pub struct Extra {
    pub uri: Option<String>,
    pub name: Option<String>,
    pub ext: Option<String>,
    pub updated_gte: Option<i64>,
    pub updated_lte: Option<i64>,
    pub created_gte: Option<i64>,
    pub created_lte: Option<i64>,
}

impl From<FtsError> for ApiError {
    fn from(err: FtsError) -> Self {
        match err {
            FtsError::Disabled => ApiError::code(ErrorCode::FeatureNotEnabled),
            FtsError::EmptyQuery | FtsError::BadFilter(_) => {
                ApiError::new(ErrorCode::ParamError, err.to_string())
            }
            FtsError::Fs(e) => e.into(),
            FtsError::Db(e) => ApiError::code(ErrorCode::InternalSetting).with_cause(e),
        }
    }
}

fn time(field: &str, secs: Option<i64>) -> Result<Option<DateTime<Utc>>, FtsError> {
    secs.map(|s| {
        DateTime::from_timestamp(s, 0)
            .ok_or_else(|| FtsError::BadFilter(format!("{field}: not a time")))
    })
    .transpose()
}

pub async fn search(
    state: &AppState,
    caller: &Caller,
    query: &str,
    offset: i64,
    extra: Extra,
) -> Result<SearchResponse, ApiError> {
    caller.signed_in()?;
    let within = match extra.uri.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => {
            let uri = FileUri::parse(u).map_err(|e| FtsError::BadFilter(format!("uri: {e}")))?;
            if !matches!(uri.fs, FsKind::My | FsKind::Share) {
                return Err(FtsError::BadFilter("uri: a my or share folder".into()).into());
            }
            Some(uri.without_query())
        }
        None => None,
    };
    let filters = Filters {
        within,
        name: extra.name.filter(|n| !n.is_empty()),
        exts: extra
            .ext
            .unwrap_or_default()
            .split(',')
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect(),
        updated_gte: time("updated_gte", extra.updated_gte)?,
        updated_lte: time("updated_lte", extra.updated_lte)?,
        created_gte: time("created_gte", extra.created_gte)?,
        created_lte: time("created_lte", extra.created_lte)?,
    };
    let ctx = FsCtx::new(state, caller);
    let offset = usize::try_from(offset).unwrap_or(0);
    let page = search::search(&ctx, query, offset, &filters).await?;
    let hits = present_hits(state, page.hits).await?;
    Ok(SearchResponse {
        hits,
        total: page.total,
    })
}

/// Presents the page's hits with one `present::responses` call per way of reaching them
/// (own files, files inside saved shares, files through grants that allow the same), so the
/// page costs two queries per way, not two per hit.
async fn present_hits(state: &AppState, hits: Vec<Hit>) -> Result<Vec<SearchHit>, ApiError> {
    let mut files: Vec<Option<FileResponse>> = Vec::new();
    files.resize_with(hits.len(), || None);
    let mut places: Vec<&Place> = Vec::new();
    for hit in &hits {
        if !places.contains(&&hit.place) {
            places.push(&hit.place);
        }
    }
    for place in places {
        let group: Vec<usize> = (0..hits.len())
            .filter(|&i| hits[i].place == *place)
            .collect();
        let (capability, owned) = match place {
            Place::Own => (nav::capability(FsKind::My), true),
            Place::Saved => (nav::capability(FsKind::Share), false),
            Place::Granted(capability) => (capability.clone(), false),
        };
        let items: Vec<Item<'_>> = group
            .iter()
            .map(|&i| Item {
                file: &hits[i].file,
                uri: hits[i].uri.clone(),
            })
            .collect();
        let shown = present::responses(&state.db, &state.ids, &items, &capability, owned).await?;
        for (i, file) in group.into_iter().zip(shown) {
            files[i] = Some(file);
        }
    }
    Ok(hits
        .into_iter()
        .zip(files)
        .filter_map(|(hit, file)| {
            file.map(|file| SearchHit {
                file,
                content: hit.content,
            })
        })
        .collect())
}
