//! aria2's `tellStatus` answer read into [`Status`], and shown as the task's `download`
//! props (name, total, downloaded, speeds, files with index, name, size, progress,
//! selected); aria2's save path is left out.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// One file of a download (aria2's index starts at 1).
#[derive(Debug, Clone)]
pub struct FileStatus {
    pub index: u64,
    pub path: PathBuf,
    pub size: u64,
    pub done: u64,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Status {
    /// `active`, `waiting`, `paused`, `error`, `complete`, `removed`.
    pub state: String,
    pub name: String,
    pub total: u64,
    pub done: u64,
    pub speed: u64,
    pub upload_speed: u64,
    pub uploaded: u64,
    pub hash: String,
    pub seeder: bool,
    pub error: String,
    /// A magnet's metadata download hands on to this download of the files.
    pub followed_by: Option<String>,
    pub files: Vec<FileStatus>,
    pub dir: PathBuf,
}

fn num(v: &Value, key: &str) -> u64 {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

impl Status {
    pub fn read(v: &Value) -> Self {
        let dir = PathBuf::from(text(v, "dir"));
        let files: Vec<FileStatus> = v
            .get("files")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .map(|f| FileStatus {
                        index: num(f, "index"),
                        path: PathBuf::from(text(f, "path")),
                        size: num(f, "length"),
                        done: num(f, "completedLength"),
                        selected: text(f, "selected") == "true",
                    })
                    .collect()
            })
            .unwrap_or_default();
        let name = v
            .pointer("/bittorrent/info/name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                files
                    .first()
                    .and_then(|f| f.path.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_default();
        Self {
            state: text(v, "status"),
            name,
            total: num(v, "totalLength"),
            done: num(v, "completedLength"),
            speed: num(v, "downloadSpeed"),
            upload_speed: num(v, "uploadSpeed"),
            uploaded: num(v, "uploadLength"),
            hash: text(v, "infoHash"),
            seeder: text(v, "seeder") == "true",
            error: text(v, "errorMessage"),
            followed_by: v
                .get("followedBy")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(str::to_owned),
            files,
            dir,
        }
    }

    /// Whether the selected files are all in.
    pub fn finished(&self) -> bool {
        self.state == "complete" || (self.total > 0 && self.done >= self.total && self.seeder)
    }

    /// A file's path below the download folder, slash-separated.
    pub fn relative(&self, file: &FileStatus) -> Option<String> {
        let rel = file.path.strip_prefix(&self.dir).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// The task's `download` props.
    pub fn props(&self) -> Value {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| {
                json!({
                    "index": f.index,
                    "name": self.relative(f).unwrap_or_else(|| file_name(&f.path)),
                    "size": f.size,
                    "progress": self.progress(f),
                    "selected": f.selected,
                })
            })
            .collect();
        json!({
            "name": self.name,
            "state": self.state_word(),
            "total": self.total,
            "downloaded": self.done,
            "download_speed": self.speed,
            "uploaded": self.uploaded,
            "upload_speed": self.upload_speed,
            "hash": self.hash,
            "files": files,
        })
    }

    /// A file's progress from 0 to 1. aria2 stops counting a finished download's pieces per
    /// file, so a complete download's selected files read as whole.
    fn progress(&self, f: &FileStatus) -> f64 {
        if self.state == "complete" && f.selected {
            1.0
        } else if f.size > 0 {
            f.done as f64 / f.size as f64
        } else {
            0.0
        }
    }

    fn state_word(&self) -> &'static str {
        match self.state.as_str() {
            "complete" => "completed",
            "error" | "removed" => "error",
            _ if self.seeder => "seeding",
            "active" | "waiting" | "paused" => "downloading",
            _ => "unknown",
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
