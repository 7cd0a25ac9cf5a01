//! A task's log line: a message key and its arguments, which the web UI renders in the
//! reader's language, with the English text for the clients that read text (the `log` of
//! `GET /admin/queue/:id`, the `log` events of the progress stream).
//!
//! Every key's English wording is in [`TEMPLATES`], the one place a line's text is made;
//! the web UI has the same keys under `taskLog.` in each of its languages.
//!
//! A task's `log` column keeps one line a row: a keyed line as its JSON, a line without a key
//! (older rows, a test's own task type) as its text.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Each key with its English text; `{name}` stands for the argument `name`.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("task.retry", "retry {retry} after: {error}"),
    ("task.failed", "failed: {error}"),
    ("job.rows", "{job}: {rows} row(s)"),
    ("archive.start", "compressing {count} item(s) into {dst}"),
    ("archive.done", "wrote {bytes} bytes"),
    ("extract.start", "extracting {src} into {dst}"),
    (
        "extract.skippedLink",
        "skipped {name}: links and special files are not extracted",
    ),
    ("extract.done", "extracted {files} file(s), {bytes} bytes"),
    ("download.saved", "saved {path} ({bytes} bytes)"),
    (
        "download.restart",
        "the server sent the whole file again; starting over",
    ),
    ("download.resume", "resuming at byte {offset}"),
    ("download.aria2Added", "added to aria2 as {gid}"),
    ("import.start", "importing {src} into {dst}"),
    ("import.skipped", "skipped {path}: {reason}"),
    (
        "import.skippedFolder",
        "skipped the folder {path}: {reason}",
    ),
    ("import.nameTaken", "skipped {path}: the name is taken"),
    (
        "import.storageFull",
        "skipped {path}: the user's storage is full",
    ),
    ("import.locked", "skipped {path}: locked"),
    (
        "import.done",
        "imported {imported} of {indexed} file(s), {skipped} skipped",
    ),
    (
        "relocate.start",
        "moving {blobs} blob(s) of {files} file(s) to policy {policy}",
    ),
    (
        "relocate.changed",
        "{name}: changed meanwhile, left where it is",
    ),
    ("relocate.done", "moved {moved} blob(s)"),
    ("fts.indexed", "{bytes} bytes of text indexed"),
    ("fts.notIndexed", "not indexed: {reason}"),
    (
        "fts.stale",
        "the file has another version now, or is gone; nothing to read",
    ),
    ("fts.rebuilt", "{done} file(s) read, {failed} without text"),
    ("media.read", "{fields} metadata field(s)"),
    (
        "media.stale",
        "the file has another version now; nothing to read",
    ),
    (
        "media.tooLarge",
        "{size} bytes: over the {cap} bytes read for {reader}",
    ),
    ("media.ffprobe", "ffprobe: {reason}"),
    ("media.backfilled", "{done} file(s) read"),
    (
        "notify.channelGone",
        "the channel is gone, disabled or no longer takes the event",
    ),
    ("notify.sent", "{event} sent through channel {channel}"),
    (
        "snapshot.deleted",
        "the snapshot was deleted before it was taken",
    ),
    (
        "snapshot.taken",
        "{files} file(s) and {folders} folder(s), {bytes} bytes",
    ),
    (
        "snapshot.scheduled",
        "{name}: {files} file(s); {pruned} older scheduled snapshot(s) deleted",
    ),
    ("snapshot.skipped", "{reason}"),
    ("snapshot.before", "took snapshot {name} of {path} first"),
    (
        "restore.inTheWay",
        "skipped {path}: another object is in the way",
    ),
    (
        "restore.fileInTheWay",
        "skipped {path}: another file is in the way",
    ),
    ("restore.locked", "skipped {path}: locked"),
    ("restore.keptLocked", "kept {path}: locked"),
    (
        "backup.start",
        "backing up {task} ({kind}) to target \"{target}\"",
    ),
    (
        "backup.entries",
        "{entries} entries, {files} files, {blobs} distinct blobs",
    ),
    ("backup.targetHolds", "the target holds {blobs} blobs"),
    ("backup.copied", "copied {name} ({bytes} bytes)"),
    (
        "backup.copiedSoFar",
        "copied {copied} blobs so far, {checked} of {total} checked",
    ),
    (
        "backup.unreadable",
        "left out, unreadable on policy {policy}: {name} ({error})",
    ),
    (
        "backup.copiedAll",
        "{copied} blobs copied ({bytes} bytes), {present} already on the target",
    ),
    (
        "backup.copiedSomeLeftOut",
        "{copied} blobs copied ({bytes} bytes), {present} already on the target, {missing} left out",
    ),
    ("backup.manifest", "manifest written ({bytes} bytes)"),
    ("backup.dumping", "dumping the database"),
    (
        "backup.dumped",
        "database dump written: {rows} rows of {tables} tables, {bytes} bytes",
    ),
    ("backup.resumed", "taken up again after an interruption"),
    (
        "backup.completed",
        "completed: {files} files, {bytes} bytes, {newBytes} bytes new on the target",
    ),
    ("backup.failed", "failed: {error}"),
    (
        "backup.retention",
        "retention: {deleted} older backup(s) deleted",
    ),
    ("backup.retentionFailed", "retention failed: {error}"),
    (
        "backup.recordDeleted",
        "the backup record of this run was deleted",
    ),
    ("backupRestore.locked", "{path}: skipped, locked"),
    ("backupRestore.failed", "{path}: {reason}"),
];

/// One line of a task's log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// The message key (one of [`TEMPLATES`]); empty for a line written as text only.
    #[serde(default)]
    pub key: String,
    /// The values the message names, by name.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// The line in English.
    pub text: String,
}

impl LogLine {
    /// The line of `key`, its arguments added with [`LogLine::arg`].
    pub fn new(key: &'static str) -> Self {
        debug_assert!(template(key).is_some(), "no task log template for {key}");
        let mut line = Self {
            key: key.to_owned(),
            ..Self::default()
        };
        line.render();
        line
    }

    /// Adds the argument `name` (a number or a text).
    pub fn arg(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self.render();
        self
    }

    /// A line with no key: shown as its text in every language.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// The line as the `log` column keeps it (one row, no newline).
    pub fn stored(&self) -> String {
        if self.key.is_empty() {
            return self.text.replace('\n', " ");
        }
        serde_json::to_string(self).unwrap_or_else(|_| self.text.replace('\n', " "))
    }

    /// A row of the `log` column: a keyed line's JSON, or text.
    pub fn parse(row: &str) -> Self {
        if row.starts_with('{')
            && let Ok(line) = serde_json::from_str::<Self>(row)
        {
            return line;
        }
        Self::plain(row)
    }

    fn render(&mut self) {
        let Some(template) = template(&self.key) else {
            self.text.clone_from(&self.key);
            return;
        };
        // One pass over the template, so a value holding `{x}` is left as it is.
        let mut text = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                rest = &rest[open..];
                break;
            };
            match self.args.get(&after[..close]) {
                Some(Value::String(s)) => text.push_str(s),
                Some(other) => text.push_str(&other.to_string()),
                None => text.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        text.push_str(rest);
        self.text = text.replace('\n', " ");
    }
}

impl From<String> for LogLine {
    fn from(text: String) -> Self {
        Self::plain(text)
    }
}

impl From<&str> for LogLine {
    fn from(text: &str) -> Self {
        Self::plain(text)
    }
}

fn template(key: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}

/// The lines of a task's `log` column.
pub fn lines(log: &str) -> Vec<LogLine> {
    log.lines().map(LogLine::parse).collect()
}

/// A task's `log` column as English text, a line each (what the API answered before lines
/// had keys).
pub fn text(log: &str) -> String {
    let mut out = String::new();
    for line in log.lines() {
        out.push_str(&LogLine::parse(line).text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keys_are_unique_and_lines_read_back() {
        let keys: HashSet<&str> = TEMPLATES.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys.len(), TEMPLATES.len());
        let line = LogLine::new("archive.start")
            .arg("count", 2)
            .arg("dst", "cloudreve://my/a {b}.zip");
        assert_eq!(
            line.text,
            "compressing 2 item(s) into cloudreve://my/a {b}.zip"
        );
        assert_eq!(LogLine::parse(&line.stored()), line);
        let log = format!("old line\n{}\n", line.stored());
        assert_eq!(lines(&log)[0], LogLine::plain("old line"));
        assert_eq!(
            text(&log),
            "old line\ncompressing 2 item(s) into cloudreve://my/a {b}.zip\n"
        );
    }
}
