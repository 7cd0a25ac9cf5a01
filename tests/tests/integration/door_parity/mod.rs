//! The parity matrix of the door layer (issue 64): every credential kind, on every edge that
//! accepts it, in every state, gets the same decision for the same operation. A table of
//! [`Row`]s is run against one server per state group; every mismatch is printed (row → got
//! vs expected) and the table is asserted as a whole, so one run shows every hole.
//!
//! Cells that do not exist are absent from the tables, with the reason beside the table: a
//! `/dav` mount has no trash, versions or links; an S3 key makes no share link nor grant; a
//! share link's visitor is anonymous and writes nothing.

mod decide;
mod ops;
mod parity_fresh;
mod parity_states;
mod world;

use std::fmt;

use world::World;

/// A credential kind, as the matrix holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cred {
    /// Ann's web session (API Bearer JWT).
    Session,
    /// Ann's access token of the OAuth app.
    OauthA,
    /// Bob's access token of the same app.
    OauthB,
    /// Ann's WebDAV account confined to `/Public`, read-only.
    DavRo,
    /// Ann's WebDAV account over the whole drive (the one the guard stops).
    DavRw,
    /// Ann's app password from the Nextcloud login flow.
    AppPw,
    /// Ann's S3 key confined to `/Public`, read-only.
    S3Ro,
    /// Ann's S3 key over `/Public`, writable (the one the guard stops).
    S3Rw,
    /// A public link to Ann's `/Public/in.txt`, used anonymously.
    Link,
}

/// A way in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edge {
    /// `/api/v4`.
    Api,
    /// `/dav`.
    Dav,
    /// `/remote.php/dav/…`, `/ocs/v2.php/…`, `/index.php/core/preview`.
    Nc,
    /// The S3 listener.
    S3,
}

/// The state the credential (or its user, or its group) is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Fresh,
    /// The guard stopped the credential (for `OauthB`: Ann's token of the app was stopped).
    Stopped,
    /// The credential was revoked (a session signed out, a token, account, password or key
    /// deleted).
    Revoked,
    /// The user was banned by an administrator.
    Banned,
    /// The user's password was reset.
    Reset,
    /// The user's group lost the right (WebDAV, S3) the edge needs.
    NoRight,
    /// Ten wrong passwords for the account came from another address.
    Attacked,
    /// The same, the request coming from the guessing address (with the right secret).
    Guesser,
}

/// An operation; the `…Out` ones aim outside the confined credential's folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    List,
    Read,
    Write,
    /// A Nextcloud chunked upload opened (`MKCOL …/uploads/<user>/<transfer>`).
    Chunked,
    Delete,
    EmptyTrash,
    DeleteVersion,
    /// Earlier versions listed by file id.
    Versions,
    VersionsOut,
    MakeLink,
    MakeLinkOut,
    Grant,
    Preview,
    PreviewOut,
    Search,
    Release,
    /// A share link's visitor reads a sibling of the shared file.
    Sibling,
    /// A presigned URL good for more than seven days.
    PresignLong,
    /// A signed request with an `x-amz-meta-*` header left out of the signature.
    Unsigned,
}

/// What the server decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Allowed,
    NotFound,
    Refused,
    Unauthorized,
    Throttled,
    /// An answer none of the above names: always a mismatch, shown as it came.
    Other(String),
}

/// One cell of the matrix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub cred: Cred,
    pub edge: Edge,
    pub state: State,
    pub op: Op,
    pub expect: D,
}

/// The expected decisions (no `Other`: nothing expects an unmapped answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum D {
    Allowed,
    NotFound,
    Refused,
    Unauthorized,
    Throttled,
}

impl D {
    fn decision(self) -> Decision {
        match self {
            D::Allowed => Decision::Allowed,
            D::NotFound => Decision::NotFound,
            D::Refused => Decision::Refused,
            D::Unauthorized => Decision::Unauthorized,
            D::Throttled => Decision::Throttled,
        }
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {:?} {:?} {:?}",
            self.cred, self.edge, self.state, self.op
        )
    }
}

/// Rows of `cred` on `edge` in `state`, one per `(op, expect)`.
pub(crate) fn rows(cred: Cred, edge: Edge, state: State, cells: &[(Op, D)]) -> Vec<Row> {
    cells
        .iter()
        .map(|&(op, expect)| Row {
            cred,
            edge,
            state,
            op,
            expect,
        })
        .collect()
}

/// The mismatches of a run: `(row, got)` where `got` is not the row's expectation.
#[derive(Default)]
pub(crate) struct Outcome {
    lines: Vec<String>,
    checked: usize,
}

impl Outcome {
    pub(crate) fn record(&mut self, row: &Row, got: Decision) {
        self.checked += 1;
        if got != row.expect.decision() {
            self.lines
                .push(format!("{row} → got {got:?}, expected {:?}", row.expect));
        }
    }

    /// Prints the mismatches and fails when there is any.
    pub(crate) fn assert_all(self, group: &str) {
        eprintln!(
            "door parity, {group}: {} rows, {} mismatches",
            self.checked,
            self.lines.len()
        );
        for line in &self.lines {
            eprintln!("  {line}");
        }
        assert!(
            self.lines.is_empty(),
            "{group}: {} of {} rows differ:\n{}",
            self.lines.len(),
            self.checked,
            self.lines.join("\n")
        );
    }
}

/// Runs every row in order against `w`, then asserts the table as a whole.
pub(crate) async fn check(w: &World, rows: &[Row], group: &str) {
    let mut outcome = Outcome::default();
    for row in rows {
        outcome.record(row, ops::run(w, row).await);
    }
    outcome.assert_all(group);
}

/// The edges each credential is accepted on.
pub(crate) fn edges(c: Cred) -> &'static [Edge] {
    match c {
        Cred::Session | Cred::OauthA | Cred::OauthB | Cred::Link => &[Edge::Api],
        Cred::DavRo | Cred::DavRw | Cred::AppPw => &[Edge::Dav, Edge::Nc],
        Cred::S3Ro | Cred::S3Rw => &[Edge::S3],
    }
}
