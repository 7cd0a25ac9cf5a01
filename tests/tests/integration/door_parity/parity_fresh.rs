//! Fresh credentials: a whole-drive credential may do everything; a read-only one reads and
//! is refused every write; a confined one finds nothing outside its folder, by path or by id.
//!
//! Absent cells: `/dav` has no trash, versions, links or previews (those are the Nextcloud
//! paths'); the Nextcloud paths have no search and no version delete (Stratus serves no
//! `SEARCH` and no `DELETE` of a version there); S3 keys make no links nor grants; a link's
//! visitor is anonymous and only reads.

use super::{
    Cred::{self, *},
    D::{Allowed as A, NotFound as N, Refused as R},
    Edge::{self, *},
    Op::{self, *},
    Row,
    State::Fresh,
    check, rows,
    world::World,
};

/// Every API operation, allowed.
const API_ALL: &[(Op, super::D)] = &[
    (List, A),
    (Read, A),
    (Write, A),
    (Delete, A),
    (EmptyTrash, A),
    (DeleteVersion, A),
    (MakeLink, A),
    (Grant, A),
    (Preview, A),
    (Search, A),
];

/// Every Nextcloud operation of a whole-drive credential (its "outside" is in its drive).
const NC_ALL: &[(Op, super::D)] = &[
    (List, A),
    (Read, A),
    (Write, A),
    (Chunked, A),
    (Delete, A),
    (EmptyTrash, A),
    (Versions, A),
    (VersionsOut, A),
    (MakeLink, A),
    (MakeLinkOut, A),
    (Preview, A),
    (PreviewOut, A),
];

pub(super) fn table() -> Vec<Row> {
    let mut t = Vec::new();
    let mut add = |c: Cred, e: Edge, cells: &[(Op, super::D)]| t.extend(rows(c, e, Fresh, cells));
    add(Session, Api, API_ALL);
    add(OauthA, Api, API_ALL);
    // Bob's token of the same app, on his own drive.
    add(OauthB, Api, API_ALL);
    // Issue 63 #11: a link to one file gives none of its siblings.
    add(Link, Api, &[(List, A), (Read, A), (Sibling, N)]);
    let dav_rw = &[(List, A), (Read, A), (Write, A), (Delete, A)];
    add(DavRw, Dav, dav_rw);
    add(AppPw, Dav, dav_rw);
    add(DavRo, Dav, &[(List, A), (Read, A), (Write, R), (Delete, R)]);
    add(DavRw, Nc, NC_ALL);
    add(AppPw, Nc, NC_ALL);
    // Issue 63 #3 and #4: the confined read-only account through OCS links, previews and
    // versions by id; #4b's chunked upload is a write like any other.
    add(
        DavRo,
        Nc,
        &[
            (List, A),
            (Read, A),
            (Write, R),
            (Chunked, R),
            (Delete, R),
            (EmptyTrash, R),
            (Versions, A),
            (VersionsOut, N),
            (MakeLink, R),
            (MakeLinkOut, N),
            (Preview, A),
            (PreviewOut, N),
        ],
    );
    add(S3Ro, S3, &[(List, A), (Read, A), (Write, R), (Delete, R)]);
    // Issue 63 #10: a presigned URL past seven days, an `x-amz-*` header left unsigned.
    add(
        S3Rw,
        S3,
        &[
            (List, A),
            (Read, A),
            (Write, A),
            (Delete, A),
            (Unsigned, R),
            (PresignLong, R),
        ],
    );
    t
}

#[tokio::test]
async fn parity_of_fresh_credentials() {
    let w = World::new(|_| {}, false).await;
    check(&w, &table(), "fresh").await;
}
