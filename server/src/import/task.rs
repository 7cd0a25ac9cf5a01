//! The `import` task (io_intense): walks the source folder (into subfolders when
//! `recursive`) and adopts each file as a new file of the user's drive whose one version
//! points at the file where it lies: no byte is copied. Progress keys `indexed` (files seen)
//! and `imported`. Names already taken in the drive are skipped and logged. Every folder
//! walked has its folder in the drive, empty ones too. A run taken up again walks from the
//! start: a file an earlier run adopted is recognised by its blob and counted, not reported as
//! a clash.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file, group, user};

use super::source::{self, Entry};
use crate::{
    auth::caller::Caller,
    fs::{
        error::FsError,
        nav::FsCtx,
        tree::{self, Kind},
        uri::{FileUri, FsKind},
    },
    media_meta,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    storage::registry::UPLOADS_DIR,
    upload::{
        UploadError,
        adopt::{Adopt, Adopted, adopt},
    },
};

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportState {
    /// The source folder as the request named it.
    pub src: String,
    /// The folder in the user's drive, as names from the root.
    pub dst: Vec<String>,
    pub user_id: i64,
    pub policy_id: i64,
    pub recursive: bool,
    /// Queue the media metadata task of each imported picture.
    pub extract_media_meta: bool,
}

pub struct Import;

impl Import {
    pub const NAME: &'static str = queue::kinds::IMPORT;
}

impl TaskKind for Import {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// Counts of one run.
#[derive(Default)]
struct Tally {
    indexed: i64,
    imported: i64,
    skipped: i64,
}

/// What the walk needs at each file.
struct Walk<'a> {
    ctx: &'a TaskCtx,
    /// The drive's owner, for its folders.
    fs: FsCtx<'a>,
    task: &'a ImportState,
    root: PathBuf,
    max_storage: i64,
    tally: Tally,
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let task: ImportState = ctx.required_state()?;
    let max_storage = quota_of(ctx, task.user_id).await?;
    let root = ctx.state.config.data_dir.join(UPLOADS_DIR);
    let src = source::resolve(&root, &task.src).map_err(|e| TaskError::Fatal(e.to_string()))?;
    let root = std::fs::canonicalize(&root).map_err(retry)?;
    ctx.log(
        LogLine::new("import.start")
            .arg("src", task.src.clone())
            .arg("dst", format!("/{}", task.dst.join("/"))),
    );
    let caller = Caller::User(Arc::new(ctx.owner().await?));
    let mut walk = Walk {
        ctx,
        fs: FsCtx::new(&ctx.state, &caller),
        task: &task,
        root,
        max_storage,
        tally: Tally::default(),
    };
    // Folders still to read, each with its names below `src`.
    let mut folders: Vec<(PathBuf, Vec<String>)> = vec![(src, Vec::new())];
    while let Some((dir, below)) = folders.pop() {
        if !walk.folder(&below).await? {
            continue;
        }
        let read = dir.clone();
        let entries = tokio::task::spawn_blocking(move || source::entries(&read))
            .await
            .map_err(retry)?
            .map_err(retry)?;
        // Subfolders are read after this folder's files, in name order.
        let mut subfolders = Vec::new();
        for entry in entries {
            match entry {
                Entry::File { name, size } => walk.file(&dir, &below, &name, size).await?,
                Entry::Folder { name } if task.recursive => {
                    let mut names = below.clone();
                    names.push(name.clone());
                    subfolders.push((dir.join(&name), names));
                }
                Entry::Folder { .. } => {}
                Entry::Skipped { name, why } => {
                    walk.tally.skipped += 1;
                    ctx.log(
                        LogLine::new("import.skipped")
                            .arg("path", shown(&below, &name))
                            .arg("reason", why),
                    );
                }
            }
        }
        folders.extend(subfolders.into_iter().rev());
    }
    let t = &walk.tally;
    ctx.log(
        LogLine::new("import.done")
            .arg("imported", t.imported)
            .arg("indexed", t.indexed)
            .arg("skipped", t.skipped),
    );
    Ok(())
}

impl Walk<'_> {
    /// Makes the drive's folder for `below` (it may hold no file, or only skipped ones); false
    /// when the name is taken by a file or locked, and the folder is skipped.
    async fn folder(&mut self, below: &[String]) -> Result<bool, TaskError> {
        let uri = folder_uri(&self.task.dst, below)?;
        if uri.segments().is_empty() {
            return Ok(true);
        }
        let why = match tree::create(&self.fs, &uri, Kind::Folder, &[], false).await {
            Ok(_) => return Ok(true),
            Err(FsError::Exists(_) | FsError::ParentNotExist) => "the name is taken",
            Err(FsError::Lock(_)) => "locked",
            Err(FsError::IllegalName(_)) => "not a valid name",
            Err(e) => return Err(retry(e)),
        };
        self.tally.skipped += 1;
        let path = if below.is_empty() {
            format!("/{}", self.task.dst.join("/"))
        } else {
            below.join("/")
        };
        self.ctx.log(
            LogLine::new("import.skippedFolder")
                .arg("path", path)
                .arg("reason", why),
        );
        Ok(false)
    }

    /// Adopts one file.
    async fn file(
        &mut self,
        dir: &Path,
        below: &[String],
        name: &str,
        size: u64,
    ) -> Result<(), TaskError> {
        let ctx = self.ctx;
        let path = shown(below, name);
        self.tally.indexed += 1;
        ctx.progress("indexed", self.tally.indexed, self.tally.indexed, &path);
        let key = key_of(&self.root, &dir.join(name))?;
        let uri = target(&self.task.dst, below, name)?;
        let size = i64::try_from(size).map_err(|_| TaskError::Fatal("file too large".into()))?;
        let adopted = adopt(
            &ctx.state.db,
            Adopt {
                owner: self.task.user_id,
                max_storage: self.max_storage,
                uri: &uri,
                key: &key,
                size,
                policy_id: self.task.policy_id,
            },
        )
        .await;
        match adopted {
            Ok(Adopted::New(f)) => {
                self.tally.imported += 1;
                if self.task.extract_media_meta {
                    media_meta::queue_for(&ctx.state, &f).await;
                }
                crate::fts::queue_for(&ctx.state, &f).await;
            }
            Ok(Adopted::Taken(Some(f))) if self.adopted_before(&f, &key).await? => {
                self.tally.imported += 1;
            }
            Ok(Adopted::Taken(_)) => {
                self.tally.skipped += 1;
                ctx.log(LogLine::new("import.nameTaken").arg("path", path.clone()));
            }
            Err(UploadError::Fs(FsError::InsufficientCapacity)) => {
                self.tally.skipped += 1;
                ctx.log(LogLine::new("import.storageFull").arg("path", path.clone()));
            }
            Err(UploadError::Fs(FsError::Lock(_))) => {
                self.tally.skipped += 1;
                ctx.log(LogLine::new("import.locked").arg("path", path.clone()));
            }
            Err(e) => return Err(retry(e)),
        }
        ctx.progress("imported", self.tally.imported, self.tally.indexed, &path);
        Ok(())
    }

    /// Whether `f` is this very blob, adopted by an earlier run of the task.
    async fn adopted_before(&self, f: &file::Model, key: &str) -> Result<bool, TaskError> {
        let Some(id) = f.primary_entity else {
            return Ok(false);
        };
        let blob = entity::Entity::find_by_id(id)
            .one(&self.ctx.state.db)
            .await
            .map_err(retry)?;
        Ok(blob.is_some_and(|b| b.source == key && b.storage_policy_id == self.task.policy_id))
    }
}

/// The path below the source folder, for the log.
fn shown(below: &[String], name: &str) -> String {
    below
        .iter()
        .map(String::as_str)
        .chain([name])
        .collect::<Vec<_>>()
        .join("/")
}

/// The local driver's key of `path`: its path below the root.
fn key_of(root: &Path, path: &Path) -> Result<String, TaskError> {
    let rel = path
        .strip_prefix(root)
        .map_err(|_| TaskError::Fatal("a file outside the storage root".into()))?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| TaskError::Fatal("a path that is not UTF-8".into()))
}

/// The file's URI in the drive: `dst`, the folders below the source, the name.
fn target(dst: &[String], below: &[String], name: &str) -> Result<FileUri, TaskError> {
    folder_uri(dst, below)?
        .join(name)
        .map_err(|e| TaskError::Fatal(e.to_string()))
}

/// The drive's folder of `below`: `dst`, then the folders below the source.
fn folder_uri(dst: &[String], below: &[String]) -> Result<FileUri, TaskError> {
    let mut uri = FileUri::root(FsKind::My, None);
    for part in dst.iter().chain(below) {
        uri = uri
            .join(part)
            .map_err(|e| TaskError::Fatal(e.to_string()))?;
    }
    Ok(uri)
}

/// The user's group quota; the user must still exist.
async fn quota_of(ctx: &TaskCtx, user_id: i64) -> Result<i64, TaskError> {
    let db = &ctx.state.db;
    let gone = || TaskError::Fatal("the user no longer exists".into());
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .map_err(retry)?
        .ok_or_else(gone)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(db)
        .await
        .map_err(retry)?
        .ok_or_else(gone)?;
    Ok(group.max_storage)
}
