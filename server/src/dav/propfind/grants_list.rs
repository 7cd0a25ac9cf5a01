//! A PROPFIND of "Shared with me" itself: the folder, then with `Depth: 1` its entries, each
//! the granted item under the name the folder shows it by, with what its grant allows. What
//! the folder holds was read once for the request (`grants::Grants`), so the answer takes
//! the same few statements whatever the number of entries (their stored properties and what
//! their `oc:` properties need, one statement each for all of them).

use bytes::Bytes;

use super::{Item, Render, Row};
use crate::{
    dav::{grants::Grants, props},
    fs::{error::FsError, grant},
    nextcloud::dav::oc::props::{self as oc, Extra, OC},
    state::AppState,
};
use stratus_entity::file;

/// The whole answer for the folder at `href`, as `r` renders it.
pub(super) async fn answer(
    state: &AppState,
    r: &Render,
    href: &str,
    grants: &Grants,
    depth_one: bool,
) -> Result<Bytes, FsError> {
    let mut out = r.open();
    let folder = Row::from(&grants.folder);
    let mut extra = Extra::default();
    if let Some(p) = oc::permissions_of(&grants.folder_node(), r.access) {
        extra.permissions.insert(folder.id, p);
    }
    r.response(&mut out, href, &Item::of(&folder, false), &[], &extra);
    if depth_one {
        out.push_str(&entries(state, r, href, grants).await?);
    }
    out.push_str("</D:multistatus>");
    Ok(Bytes::from(out))
}

/// The `response`s of the entries.
async fn entries(
    state: &AppState,
    r: &Render,
    href: &str,
    grants: &Grants,
) -> Result<String, FsError> {
    let rows: Vec<Row> = grants
        .items
        .iter()
        .map(|item| Row {
            name: item.name.clone(),
            ..Row::from(&item.file)
        })
        .collect();
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let folders: Vec<i64> = rows
        .iter()
        .filter(|row| row.kind == file::kind::FOLDER)
        .map(|row| row.id)
        .collect();
    let dead = props::load(&state.db, &ids).await?;
    let mut extra = Extra::load(state, |ns, l| r.asks(ns, l), &ids, &folders).await?;
    if r.asks(OC, "permissions") {
        for (item, granted) in grants.granted() {
            let dir = item.file.r#type == file::kind::FOLDER;
            let cap = grant::capability(&granted);
            let shown = oc::granted_permissions(&cap, dir, r.access);
            extra.permissions.insert(item.file.id, shown);
        }
    }
    Ok(r.page(href, &rows, &dead, &extra))
}
