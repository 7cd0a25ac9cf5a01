//! What a notification reports: a kind, a title, a message and details.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The events a channel may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    BackupFailed,
    /// Off by default: most administrators want to hear only of failures.
    BackupCompleted,
    TargetTestFailed,
    NodeDown,
    NodeUp,
    /// The guard against mass deletion stopped a credential.
    GuardTripped,
    /// A channel's test; every channel takes it.
    Test,
}

impl EventKind {
    /// The kinds a channel can choose, in the order shown.
    pub const CHOOSABLE: [EventKind; 6] = [
        Self::BackupFailed,
        Self::BackupCompleted,
        Self::TargetTestFailed,
        Self::NodeDown,
        Self::NodeUp,
        Self::GuardTripped,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::BackupFailed => "backup_failed",
            Self::BackupCompleted => "backup_completed",
            Self::TargetTestFailed => "target_test_failed",
            Self::NodeDown => "node_down",
            Self::NodeUp => "node_up",
            Self::GuardTripped => "guard_tripped",
            Self::Test => "test",
        }
    }

    /// A choosable kind by name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::CHOOSABLE.into_iter().find(|k| k.name() == name)
    }

    /// Whether a new channel takes it when it names no events.
    pub fn on_by_default(self) -> bool {
        !matches!(self, Self::BackupCompleted)
    }
}

/// One notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    /// One line, e.g. "Backup \"nightly\" failed".
    pub title: String,
    /// A few sentences for a person.
    pub message: String,
    /// Facts for automation (ids, names, the error), a JSON object.
    pub details: Value,
}

impl Event {
    pub fn new(
        kind: EventKind,
        title: impl Into<String>,
        message: impl Into<String>,
        details: Value,
    ) -> Self {
        Self {
            kind,
            title: title.into(),
            message: message.into(),
            details,
        }
    }
}
