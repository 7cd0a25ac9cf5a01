//! Search conditions carried in the query part of a listing URI (spec §4.1), e.g.
//! `cloudreve://my/Docs?name=*.jpg&case_folding`, and the admin-defined category queries
//! (settings `explorer_category_{image,video,audio,document}_query`) written in the same syntax.
//!
//! Parsing follows Cloudreve's keys with two deliberate differences: values that cannot be
//! understood (a non-numeric size, an unknown category or type) are refused with
//! [`UriError::Malformed`] instead of being silently dropped, and the number of terms is
//! capped so one request cannot build an unbounded SQL condition. Unknown keys are ignored,
//! as Cloudreve does, so newer clients keep working.

use chrono::{DateTime, Utc};

use super::uri::{FileUri, UriError, percent_decode_strict};

/// Most `name` terms one query may hold (the default category queries use about a dozen).
pub const MAX_NAME_TERMS: usize = 256;
/// Most `meta_<key>` terms one query may hold.
pub const MAX_METADATA_TERMS: usize = 64;
/// Longest single name or metadata term, in bytes.
pub const MAX_TERM_BYTES: usize = 1024;

/// A predefined file category (`category=`), expanded from a site setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Pictures.
    Image,
    /// Videos.
    Video,
    /// Music and other audio.
    Audio,
    /// Office documents, PDFs, text.
    Document,
}

impl Category {
    /// The value used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Image => "image",
            Category::Video => "video",
            Category::Audio => "audio",
            Category::Document => "document",
        }
    }

    /// The site setting holding this category's query.
    pub fn setting_key(self) -> &'static str {
        match self {
            Category::Image => "explorer_category_image_query",
            Category::Video => "explorer_category_video_query",
            Category::Audio => "explorer_category_audio_query",
            Category::Document => "explorer_category_document_query",
        }
    }

    /// Parses a wire value, ignoring ASCII case.
    pub fn parse(value: &str) -> Option<Category> {
        [
            Category::Image,
            Category::Video,
            Category::Audio,
            Category::Document,
        ]
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(value))
    }
}

/// `type=`: restrict results to files or to folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKindFilter {
    /// Files only.
    File,
    /// Folders only.
    Folder,
}

/// Parsed search conditions. All conditions are combined with AND; the `names` among
/// themselves with AND, or with OR when `use_or` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// `name` terms, non-empty. A term with `*` is a wildcard pattern over the whole name,
    /// any other term a substring (see [`name_pattern_to_like`]).
    pub names: Vec<String>,
    /// `name_op_or` / `use_or`: a name matching any term is enough.
    pub use_or: bool,
    /// `case_folding`: names are compared case-insensitively.
    pub case_folding: bool,
    /// `category`: to be replaced by the admin query, see [`SearchQuery::expand_category`].
    pub category: Option<Category>,
    /// `type`: files or folders only.
    pub kind: Option<FileKindFilter>,
    /// `meta_<key>=<value>`: the object has metadata `<key>` (exact) whose value contains
    /// `<value>` case-insensitively; an empty value only asks for the key to exist.
    pub metadata: Vec<(String, String)>,
    /// `exact_meta_<key>=<value>`: the object has public metadata `<key>` whose value is exactly
    /// `<value>`. Each metadata term is a condition of its own; all must hold.
    pub exact_metadata: Vec<(String, String)>,
    /// `size_gte`: at least this many bytes (a value of 0 means no bound, as in Cloudreve).
    pub size_gte: Option<i64>,
    /// `size_lte`: at most this many bytes (a value of 0 means no bound, as in Cloudreve).
    pub size_lte: Option<i64>,
    /// `created_gte`: created at or after (unix seconds on the wire).
    pub created_gte: Option<DateTime<Utc>>,
    /// `created_lte`: created at or before.
    pub created_lte: Option<DateTime<Utc>>,
    /// `updated_gte`: updated at or after.
    pub updated_gte: Option<DateTime<Utc>>,
    /// `updated_lte`: updated at or before.
    pub updated_lte: Option<DateTime<Utc>>,
    /// The conditions a user gave beside a `category`, which must hold as well as the
    /// category's query (see [`SearchQuery::expand_category`]).
    pub also: Option<Box<SearchQuery>>,
}

impl SearchQuery {
    /// Parses `k=v&k=v` (form encoding: `+` is a space, `%XX` escapes must be valid UTF-8).
    ///
    /// Flags (`name_op_or`, `use_or`, `case_folding`) are set by their bare presence or by
    /// `=`, `=true`, `=1`, and cleared by `=false` / `=0`. Empty `name` terms and empty values
    /// of single-valued keys are ignored (an empty form field). A single-valued key given
    /// twice, an unparsable number or time, a negative size, an unknown category or type,
    /// `meta_` without a key, or too many or too long terms → [`UriError::Malformed`].
    pub fn parse(query: &str) -> Result<SearchQuery, UriError> {
        let mut q = SearchQuery::default();
        let mut seen: Vec<String> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = form_decode(raw_key)?;
            let value = form_decode(raw_value)?;
            let single = matches!(
                key.as_str(),
                "category"
                    | "type"
                    | "size_gte"
                    | "size_lte"
                    | "created_gte"
                    | "created_lte"
                    | "updated_gte"
                    | "updated_lte"
            );
            if single {
                if value.is_empty() {
                    continue;
                }
                if seen.contains(&key) {
                    return Err(malformed(format!("search parameter {key} given twice")));
                }
                seen.push(key.clone());
            }
            q.set(&key, value)?;
        }
        if q.names.len() > MAX_NAME_TERMS {
            return Err(malformed(format!("more than {MAX_NAME_TERMS} name terms")));
        }
        if q.metadata.len() + q.exact_metadata.len() > MAX_METADATA_TERMS {
            return Err(malformed(format!(
                "more than {MAX_METADATA_TERMS} metadata terms"
            )));
        }
        Ok(q)
    }

    /// Sets what one `key=value` pair asks for (a single-valued key was checked already).
    fn set(&mut self, key: &str, value: String) -> Result<(), UriError> {
        match key {
            "name" => {
                if !value.is_empty() {
                    check_term(&value)?;
                    self.names.push(value);
                }
            }
            "name_op_or" | "use_or" => self.use_or = parse_flag(key, &value)?,
            "case_folding" => self.case_folding = parse_flag(key, &value)?,
            "category" => {
                self.category = Some(
                    Category::parse(&value)
                        .ok_or_else(|| malformed(format!("unknown category {value:?}")))?,
                );
            }
            "type" => {
                self.kind = Some(match value.to_ascii_lowercase().as_str() {
                    "file" => FileKindFilter::File,
                    "folder" => FileKindFilter::Folder,
                    _ => return Err(malformed(format!("unknown type {value:?}"))),
                });
            }
            "size_gte" => self.size_gte = parse_size(key, &value)?,
            "size_lte" => self.size_lte = parse_size(key, &value)?,
            "created_gte" => self.created_gte = Some(parse_time(key, &value)?),
            "created_lte" => self.created_lte = Some(parse_time(key, &value)?),
            "updated_gte" => self.updated_gte = Some(parse_time(key, &value)?),
            "updated_lte" => self.updated_lte = Some(parse_time(key, &value)?),
            _ => {
                if let Some(meta_key) = key.strip_prefix("exact_meta_") {
                    if meta_key.is_empty() {
                        return Err(malformed("exact_meta_ needs a metadata key"));
                    }
                    check_term(meta_key)?;
                    check_term(&value)?;
                    self.exact_metadata.push((meta_key.to_owned(), value));
                } else if let Some(meta_key) = key.strip_prefix("meta_") {
                    if meta_key.is_empty() {
                        return Err(malformed("meta_ needs a metadata key"));
                    }
                    check_term(meta_key)?;
                    check_term(&value)?;
                    self.metadata.push((meta_key.to_owned(), value));
                }
                // Any other key is not a search condition (Cloudreve ignores it too).
            }
        }
        Ok(())
    }

    /// The search in a URI's query part: `Ok(None)` when the URI has no query or the query
    /// holds no condition (a plain listing).
    pub fn from_uri(uri: &FileUri) -> Result<Option<SearchQuery>, UriError> {
        let Some(query) = uri.query.as_deref() else {
            return Ok(None);
        };
        let parsed = SearchQuery::parse(query)?;
        Ok((!parsed.is_empty()).then_some(parsed))
    }

    /// Whether no condition is set, i.e. the listing is not a search. The flags
    /// `use_or` / `case_folding` alone do not make a search.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.category.is_none()
            && self.kind.is_none()
            && self.metadata.is_empty()
            && self.exact_metadata.is_empty()
            && self.size_gte.is_none()
            && self.size_lte.is_none()
            && self.created_gte.is_none()
            && self.created_lte.is_none()
            && self.updated_gte.is_none()
            && self.updated_lte.is_none()
    }

    /// Applies the admin-defined query of this query's category (the value of setting
    /// `self.category.unwrap().setting_key()`).
    ///
    /// The category query takes the place of `category`, and whatever else the user gave
    /// (a name typed in the search box, a size, dates) is kept in [`SearchQuery::also`]: both
    /// must hold. Cloudreve replaces the whole query by the category's, so a name typed before
    /// choosing a category was lost; its clients send a category alone, which gives the same
    /// result here. The two stay apart because category queries combine their names with
    /// `use_or`, which would change the meaning of the user's names. A `category` inside the
    /// admin query is dropped, so expansion never recurses. Without a category, returns a copy
    /// of `self` and ignores `category_query`.
    pub fn expand_category(&self, category_query: &str) -> Result<SearchQuery, UriError> {
        if self.category.is_none() {
            return Ok(self.clone());
        }
        let mut expanded = SearchQuery::parse(category_query)?;
        expanded.category = None;
        let mut own = self.clone();
        own.category = None;
        if !own.is_empty() {
            expanded.also = Some(Box::new(own));
        }
        Ok(expanded)
    }

    /// Every `name` term as a SQL `LIKE` pattern (escape character `\`).
    pub fn name_like_patterns(&self) -> Vec<String> {
        self.names.iter().map(|n| name_pattern_to_like(n)).collect()
    }
}

/// Turns a name term into a SQL `LIKE` pattern whose escape character is `\` (write
/// `LIKE ? ESCAPE '\'`: SQLite has no default escape character).
///
/// `\`, `%` and `_` are escaped first, then each `*` becomes `%`. A term with a `*` is matched
/// against the whole name (`*.jpg` → `%.jpg`); a term without one is a substring match
/// (`report` → `%report%`). Case folding is up to the caller (compare `LOWER()` of both
/// sides; note that SQLite's `LIKE` already ignores ASCII case).
pub fn name_pattern_to_like(pattern: &str) -> String {
    let mut like = String::with_capacity(pattern.len() + 2);
    for c in pattern.chars() {
        match c {
            '\\' => like.push_str("\\\\"),
            '%' => like.push_str("\\%"),
            '_' => like.push_str("\\_"),
            '*' => like.push('%'),
            c => like.push(c),
        }
    }
    if pattern.contains('*') {
        like
    } else {
        format!("%{like}%")
    }
}

/// Decodes one key or value of a form-encoded query.
fn form_decode(raw: &str) -> Result<String, UriError> {
    percent_decode_strict(&raw.replace('+', " "))
}

fn check_term(term: &str) -> Result<(), UriError> {
    if term.len() > MAX_TERM_BYTES {
        return Err(malformed(format!(
            "search term longer than {MAX_TERM_BYTES} bytes"
        )));
    }
    Ok(())
}

fn parse_flag(key: &str, value: &str) -> Result<bool, UriError> {
    match value.to_ascii_lowercase().as_str() {
        "" | "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(malformed(format!("{key} must be true or false"))),
    }
}

fn parse_int(key: &str, value: &str) -> Result<i64, UriError> {
    value
        .parse::<i64>()
        .map_err(|_| malformed(format!("{key} must be an integer")))
}

fn parse_size(key: &str, value: &str) -> Result<Option<i64>, UriError> {
    match parse_int(key, value)? {
        n if n < 0 => Err(malformed(format!("{key} must not be negative"))),
        0 => Ok(None),
        n => Ok(Some(n)),
    }
}

fn parse_time(key: &str, value: &str) -> Result<DateTime<Utc>, UriError> {
    DateTime::from_timestamp(parse_int(key, value)?, 0)
        .ok_or_else(|| malformed(format!("{key} is out of range")))
}

fn malformed(msg: impl Into<String>) -> UriError {
    UriError::Malformed(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> SearchQuery {
        SearchQuery::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn ts(secs: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(secs, 0)
    }

    #[test]
    fn empty_queries() {
        for s in [
            "",
            "&",
            "&&",
            "case_folding",
            "use_or&case_folding=true",
            "x=1",
        ] {
            assert!(parse(s).is_empty(), "{s:?}");
        }
        assert_eq!(parse(""), SearchQuery::default());
    }

    #[test]
    fn every_key() {
        let q = parse(
            "name=my+file&name=%E6%96%87%E6%A1%A3&name_op_or&case_folding=1&type=folder\
             &meta_music:album=Deluxe&meta_sys:restore_uri=&meta_music:album=Live\
             &size_gte=10&size_lte=2048&created_gte=1700000000&created_lte=1700000100\
             &updated_gte=-5&updated_lte=0&unknown=whatever",
        );
        assert_eq!(q.names, ["my file", "文档"]);
        assert!(q.use_or);
        assert!(q.case_folding);
        assert_eq!(q.category, None);
        assert_eq!(q.kind, Some(FileKindFilter::Folder));
        assert_eq!(
            q.metadata,
            [
                ("music:album".to_owned(), "Deluxe".to_owned()),
                ("sys:restore_uri".to_owned(), String::new()),
                ("music:album".to_owned(), "Live".to_owned()),
            ]
        );
        assert_eq!(q.size_gte, Some(10));
        assert_eq!(q.size_lte, Some(2048));
        assert_eq!(q.created_gte, ts(1_700_000_000));
        assert_eq!(q.created_lte, ts(1_700_000_100));
        assert_eq!(q.updated_gte, ts(-5));
        assert_eq!(q.updated_lte, ts(0));
        assert!(!q.is_empty());
    }

    #[test]
    fn flags() {
        for (s, expected) in [
            ("use_or", true),
            ("use_or=", true),
            ("use_or=true", true),
            ("use_or=TRUE", true),
            ("use_or=1", true),
            ("name_op_or", true),
            ("use_or=false", false),
            ("use_or=0", false),
        ] {
            assert_eq!(parse(s).use_or, expected, "{s}");
        }
        assert!(parse("case_folding").case_folding);
        assert!(!parse("case_folding=false").case_folding);
        assert!(!parse("name=a").use_or);
        assert!(SearchQuery::parse("case_folding=yes").is_err());
    }

    #[test]
    fn single_conditions_make_a_search() {
        for s in [
            "name=a",
            "category=image",
            "type=file",
            "meta_k=",
            "size_gte=1",
            "size_lte=1",
            "created_gte=1",
            "created_lte=1",
            "updated_gte=1",
            "updated_lte=1",
        ] {
            assert!(!parse(s).is_empty(), "{s}");
        }
    }

    #[test]
    fn lenient_cases() {
        // Empty form fields and zero sizes are no condition, as in Cloudreve.
        assert!(parse("name=&category=&type=&size_gte=&size_gte=0&size_lte=0").is_empty());
        assert_eq!(parse("category=Image").category, Some(Category::Image));
        assert_eq!(parse("type=FILE").kind, Some(FileKindFilter::File));
        assert_eq!(parse("size_gte=%2B5").size_gte, Some(5));
        assert_eq!(parse("name=a%2Bb+c").names, ["a+b c"]);
        assert_eq!(parse("name=a=b").names, ["a=b"]);
    }

    #[test]
    fn malformed_queries() {
        let long = format!("name={}", "a".repeat(MAX_TERM_BYTES + 1));
        let many_names = vec!["name=a"; MAX_NAME_TERMS + 1].join("&");
        let many_meta = vec!["meta_k=a"; MAX_METADATA_TERMS + 1].join("&");
        for s in [
            "size_gte=abc",
            "size_gte=1.5",
            "size_lte=-1",
            "size_gte=99999999999999999999",
            "created_gte=tomorrow",
            "updated_lte=9223372036854775807",
            "category=music",
            "type=link",
            "type=file&type=folder",
            "size_gte=1&size_gte=1",
            "meta_=x",
            "name=%zz",
            "name=%C3%28",
            long.as_str(),
            many_names.as_str(),
            many_meta.as_str(),
        ] {
            assert!(
                matches!(SearchQuery::parse(s), Err(UriError::Malformed(_))),
                "{s:?} should be Malformed"
            );
        }
        assert!(SearchQuery::parse(&vec!["name=a"; MAX_NAME_TERMS].join("&")).is_ok());
    }

    #[test]
    fn from_uri() {
        let plain = FileUri::parse("cloudreve://my/Docs").expect("valid");
        assert_eq!(SearchQuery::from_uri(&plain), Ok(None));
        let flags_only = FileUri::parse("cloudreve://my?case_folding").expect("valid");
        assert_eq!(SearchQuery::from_uri(&flags_only), Ok(None));
        let search = FileUri::parse("cloudreve://my/Docs?name=*.jpg&case_folding").expect("valid");
        let q = SearchQuery::from_uri(&search)
            .expect("valid")
            .expect("a search");
        assert_eq!(q.names, ["*.jpg"]);
        assert!(q.case_folding);
        let bad = FileUri::parse("cloudreve://my?size_gte=x").expect("query kept raw");
        assert!(matches!(
            SearchQuery::from_uri(&bad),
            Err(UriError::Malformed(_))
        ));
    }

    #[test]
    fn like_patterns() {
        for (pattern, like) in [
            ("report", "%report%"),
            ("*.jpg", "%.jpg"),
            ("IMG_*", "IMG\\_%"),
            ("a*b*", "a%b%"),
            ("100%", "%100\\%%"),
            ("under_score", "%under\\_score%"),
            ("back\\slash", "%back\\\\slash%"),
            ("\\*%_", "\\\\%\\%\\_"),
            ("文档", "%文档%"),
            ("*", "%"),
            ("", "%%"),
        ] {
            assert_eq!(name_pattern_to_like(pattern), like, "{pattern:?}");
        }
        let q = parse("name=*.png&name=cat");
        assert_eq!(q.name_like_patterns(), ["%.png", "%cat%"]);
    }

    #[test]
    fn category_expansion_keeps_the_users_own_conditions_beside_it() {
        let image_query = "type=file&case_folding&use_or&name=*.bmp&name=*.png&name=*.jpg";
        let q = parse("category=image&name=holiday&size_gte=5");
        assert_eq!(q.category, Some(Category::Image));
        let expanded = q.expand_category(image_query).expect("valid admin query");
        assert_eq!(expanded.category, None);
        assert_eq!(expanded.kind, Some(FileKindFilter::File));
        assert!(expanded.use_or && expanded.case_folding);
        assert_eq!(expanded.names, ["*.bmp", "*.png", "*.jpg"]);
        assert_eq!(expanded.size_gte, None);
        let also = expanded
            .also
            .as_deref()
            .expect("the user's conditions are kept");
        assert_eq!(also, &parse("name=holiday&size_gte=5"));

        // A category alone is the admin query alone.
        let alone = parse("category=image").expand_category(image_query);
        assert_eq!(alone, Ok(parse(image_query)));

        // An admin query naming a category does not expand again.
        let looped = q
            .expand_category("category=video&type=file")
            .expect("valid");
        assert_eq!(looped.category, None);
        assert_eq!(looped.kind, Some(FileKindFilter::File));

        // No category: unchanged, whatever the admin query.
        let plain = parse("name=x");
        assert_eq!(plain.expand_category("type=zzz"), Ok(plain.clone()));

        // A broken admin query is reported.
        assert!(matches!(
            q.expand_category("type=zzz"),
            Err(UriError::Malformed(_))
        ));
    }

    #[test]
    fn default_category_settings_parse() {
        let defaults = crate::settings::DEFAULTS;
        for c in [
            Category::Image,
            Category::Video,
            Category::Audio,
            Category::Document,
        ] {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            let (_, value) = defaults
                .iter()
                .find(|(k, _)| *k == c.setting_key())
                .expect("default exists");
            let q = parse(value);
            assert!(q.use_or && q.case_folding, "{c:?}");
            assert_eq!(q.kind, Some(FileKindFilter::File));
            assert!(q.names.iter().all(|n| n.starts_with("*.")), "{c:?}");
        }
    }
}
