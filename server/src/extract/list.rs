//! The entries of an archive in the drive without extracting it (`GET /file/archive`): zip
//! and 7z from their directories, tar by reading through the stream without keeping any
//! entry's bytes. Links and special entries are left out, as extraction leaves them out.

use chrono::{DateTime, Utc};

use super::{
    Caps, ExtractError, blob,
    entries::{self, Entry, Kind},
    names,
};
use crate::{
    auth::caller::Caller,
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    state::AppState,
};

/// One listed entry.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    pub size: u64,
    pub updated_at: Option<DateTime<Utc>>,
    pub is_directory: bool,
}

/// The entries of the archive at `uri` (its `entity` version, or its current one), with zip
/// names without the UTF-8 flag decoded from `encoding`. At most the caller's group's
/// `max_walked_files` entries.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    uri: &FileUri,
    entity: Option<&str>,
    encoding: Option<&str>,
) -> Result<Vec<Listed>, ExtractError> {
    let fs = FsCtx::new(state, caller);
    let legacy = names::encoding(encoding)?;
    let caps = Caps::of(&fs.user()?.group.settings);
    let node = nav::resolve(&fs, uri).await?;
    if node.is_folder() {
        return Err(ExtractError::Invalid("a folder is not an archive"));
    }
    let (mut file, format) = blob::fetch(state, &node.file, entity).await?;
    tokio::task::spawn_blocking(move || {
        let mut listed = Vec::new();
        let mut keep = |e: Entry| {
            if listed.len() as u64 >= caps.entries {
                return Err(ExtractError::TooManyEntries(caps.entries));
            }
            if e.kind != Kind::Special {
                listed.push(Listed {
                    is_directory: e.kind == Kind::Dir,
                    name: e.name,
                    size: e.size,
                    updated_at: e.modified,
                });
            }
            Ok(true)
        };
        match entries::headers(&mut file, format, legacy)? {
            Some(headers) => {
                for e in headers {
                    keep(e)?;
                }
            }
            None => entries::each(file, format, legacy, 0, &mut |_, e, _| keep(e))?,
        }
        Ok(listed)
    })
    .await
    .map_err(|e| ExtractError::Corrupt(e.to_string()))?
}
