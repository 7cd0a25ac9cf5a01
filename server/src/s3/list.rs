//! Listing a bucket (ListObjects v1 and v2) over the folder tree. With the delimiter `/` a
//! listing is one folder's children: its subfolders are the common prefixes. Without one it
//! walks the tree depth-first in name order. Either way a page costs the rows it shows plus
//! one statement per folder entered, and resuming after a key (a continuation token, a
//! marker, `start-after`) skips to it by name at each level instead of reading from the
//! start. Keys come in the tree's name order; folders are not listed as keys of their own
//! (a folder marker `a/` answers HEAD and GET, and shows as a common prefix).
//!
//! S3 lists keys in the byte order of their UTF-8, so a folder sorts as its name with the `/`
//! its keys continue with (`a-c` < `a/1` < `a0`), and PostgreSQL compares in the "C"
//! collation whatever the database's own: [`Order::Key`].

use std::collections::VecDeque;

use s3s::{S3Result, dto};
use stratus_entity::file;

use super::{access::Access, error, meta};
use crate::fs::drive::children::{self, Children, Order};

/// Children read per statement.
const PAGE: u64 = 500;

/// What a listing asks for.
pub struct Ask<'a> {
    pub prefix: &'a str,
    pub delimiter: Option<&'a str>,
    /// List only keys after this one (in this listing's order).
    pub after: &'a str,
    pub max: usize,
}

/// One page of a listing.
#[derive(Default)]
pub struct Page {
    pub objects: Vec<dto::Object>,
    pub prefixes: Vec<String>,
    /// More keys follow; the next page starts after `last`.
    pub truncated: bool,
    pub last: Option<String>,
}

/// A row's place in a folder's listing: its key below the folder ([`Order::Key`]).
fn key_of(row: &file::Model) -> String {
    Order::Key.cursor(row)
}

/// Children of `folder` in listing order ([`Order::Key`]), from `from` (included when
/// `inclusive`) and with names starting with `prefix`; the cursor of the next page when full.
async fn children(
    acc: &Access,
    folder: i64,
    from: &str,
    inclusive: bool,
    prefix: &str,
) -> S3Result<children::Page> {
    let ask = Children::new(folder, Order::Key, PAGE)
        .without_symbolic()
        .prefix(prefix);
    let ask = match inclusive {
        true => ask.from(from),
        false => ask.after(from),
    };
    ask.page(&acc.state.db).await.map_err(error::fs)
}

/// One folder being walked.
struct Frame {
    id: i64,
    /// Its key with a trailing `/` (empty for the bucket).
    key: String,
    /// Only names starting with this (the prefix's last part, at the top level).
    prefix: String,
    /// The key to resume from, when the resumed-after key lies below this folder.
    resume: Option<String>,
    /// The key of the last child read, for the next statement.
    cursor: Option<String>,
    rows: VecDeque<file::Model>,
    done: bool,
}

impl Frame {
    fn new(id: i64, key: String, prefix: String, after: &str) -> Self {
        // The part of `after` at this level, when `after` is below this folder.
        // A folder's part keeps its `/`, as its key does.
        let resume = after
            .strip_prefix(key.as_str())
            .filter(|rest| !rest.is_empty())
            .map(|rest| match rest.find('/') {
                Some(i) => rest[..=i].to_owned(),
                None => rest.to_owned(),
            });
        Self {
            id,
            key,
            prefix,
            resume,
            cursor: None,
            rows: VecDeque::new(),
            done: false,
        }
    }

    /// The next child, reading a page when the last one is used up.
    async fn next(&mut self, acc: &Access) -> S3Result<Option<file::Model>> {
        if self.rows.is_empty() && !self.done {
            let page = match (&self.cursor, &self.resume) {
                (Some(c), _) => children(acc, self.id, c, false, &self.prefix).await?,
                (None, Some(r)) => children(acc, self.id, r, true, &self.prefix).await?,
                (None, None) => children(acc, self.id, "", false, &self.prefix).await?,
            };
            self.done = page.next.is_none();
            self.cursor = page.next.or(self.cursor.take());
            self.rows = page.rows.into();
        }
        Ok(self.rows.pop_front())
    }
}

/// The folder `dir` (`a/b/`) names below the bucket folder; `None` when it is missing.
async fn base_folder(acc: &Access, bucket_id: i64, dir: &str) -> S3Result<Option<i64>> {
    let mut folder = bucket_id;
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        let child = crate::fs::path::child(&acc.state.db, folder, part)
            .await
            .map_err(error::fs)?;
        match child {
            Some(f) if f.r#type == file::kind::FOLDER && !f.is_symbolic => folder = f.id,
            _ => return Ok(None),
        }
    }
    Ok(Some(folder))
}

/// What a page has taken so far.
struct Collected {
    page: Page,
    files: Vec<(String, file::Model)>,
    count: usize,
    max: usize,
}

impl Collected {
    /// Counts one more entry; false (and the page truncated) when the page is full.
    fn take(&mut self, key: &str) -> bool {
        if self.count == self.max {
            self.page.truncated = true;
            return false;
        }
        self.count += 1;
        self.page.last = Some(key.to_owned());
        true
    }

    fn prefix(&mut self, prefix: String) -> bool {
        let taken = self.take(&prefix);
        if taken {
            self.page.prefixes.push(prefix);
        }
        taken
    }

    fn file(&mut self, key: String, row: file::Model) -> bool {
        let taken = self.take(&key);
        if taken {
            self.files.push((key, row));
        }
        taken
    }
}

/// Lists `ask` in the bucket folder `bucket_id`.
pub async fn list(acc: &Access, bucket_id: i64, ask: &Ask<'_>) -> S3Result<Page> {
    // The folder the prefix names up to its last `/`: missing, nothing is listed.
    let (dir, last_part) = match ask.prefix.rfind('/') {
        Some(i) => (&ask.prefix[..=i], &ask.prefix[i + 1..]),
        None => ("", ask.prefix),
    };
    let Some(folder) = base_folder(acc, bucket_id, dir).await? else {
        return Ok(Page::default());
    };
    // Resuming after a key before this folder lists it from its start; after one past it,
    // nothing is left.
    let after = if ask.after.starts_with(dir) {
        ask.after
    } else if ask.after < dir {
        ""
    } else {
        return Ok(Page::default());
    };
    let top = Frame::new(folder, dir.to_owned(), last_part.to_owned(), after);
    let mut got = Collected {
        page: Page::default(),
        files: Vec::new(),
        count: 0,
        max: ask.max,
    };
    walk(acc, ask, after, top, &mut got).await?;
    let models: Vec<file::Model> = got.files.iter().map(|(_, f)| f.clone()).collect();
    let etags = meta::etags(&acc.state, &models).await.map_err(error::fs)?;
    got.page.objects = got
        .files
        .into_iter()
        .zip(etags)
        .map(|((key, f), etag)| object(key, &f, etag))
        .collect();
    Ok(got.page)
}

/// Walks from `top` until the page is full: a folder is a common prefix (delimiter `/`) or
/// is entered; a file is a key, or folds into a common prefix (another delimiter).
async fn walk(
    acc: &Access,
    ask: &Ask<'_>,
    after: &str,
    top: Frame,
    got: &mut Collected,
) -> S3Result<()> {
    let by_folder = ask.delimiter == Some("/");
    let mut stack = vec![top];
    while let Some(frame) = stack.last_mut() {
        let Some(row) = frame.next(acc).await? else {
            stack.pop();
            continue;
        };
        let resumed_here = frame.resume.as_deref() == Some(key_of(&row).as_str());
        let key = format!("{}{}", frame.key, row.name);
        if row.r#type == file::kind::FOLDER {
            let below = format!("{key}/");
            if !by_folder {
                let resume = if resumed_here { after } else { "" };
                stack.push(Frame::new(row.id, below, String::new(), resume));
            } else if resumed_here && after.starts_with(&below) {
                // Resuming after this prefix, or after a key below it: listed already.
            } else if !got.prefix(below) {
                return Ok(());
            }
            continue;
        }
        if resumed_here {
            // The key resumed after.
            continue;
        }
        if let Some(delim) = ask.delimiter.filter(|_| !by_folder)
            && let Some(i) = key[ask.prefix.len()..].find(delim)
        {
            let common = key[..ask.prefix.len() + i + delim.len()].to_owned();
            let new = got.page.prefixes.last() != Some(&common) && common.as_str() > after;
            if new && !got.prefix(common) {
                return Ok(());
            }
            continue;
        }
        if !got.file(key, row) {
            return Ok(());
        }
    }
    Ok(())
}

fn object(key: String, f: &file::Model, etag: String) -> dto::Object {
    dto::Object {
        key: Some(key),
        size: Some(Ord::max(f.size, 0)),
        e_tag: Some(dto::ETag::Strong(etag)),
        last_modified: Some(dto::Timestamp::from(std::time::SystemTime::from(
            f.updated_at,
        ))),
        storage_class: Some(dto::ObjectStorageClass::from_static(
            dto::ObjectStorageClass::STANDARD,
        )),
        ..Default::default()
    }
}
