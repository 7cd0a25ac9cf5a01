//! The Nextcloud clients' tree in the WebDAV engine: on their mounts (`/remote.php/webdav`,
//! `/remote.php/dav/files/<user>`, routed here by `nextcloud::dav::RemoteEndpoint`, which the
//! assembler hands [`NextcloudTree`]), `allprop` and the properties dav-server asks the file
//! system for include the `oc:`/`nc:` ones, and a write answers with its file id and ETag.
//! What is said is `nextcloud::dav::oc`'s, below the edges.

use dav_server::{
    davpath::DavPath,
    fs::{DavProp, FsError as DavFsError},
};
use poem::{
    Endpoint, Request, Response,
    http::{Method, StatusCode},
};
use stratus_entity::file;

use super::{Mount, error::fs_err, fs::DavFs, meta::Meta, serve};
use crate::nextcloud::dav::oc::{self, props};

/// The tree of a Nextcloud client's mount (the `tree` of `nextcloud::dav::RemoteEndpoint`).
pub struct NextcloudTree;

impl Endpoint for NextcloudTree {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let Some(m) = oc::mount_of(req.uri().path()) else {
            return Ok(oc::not_found());
        };
        let mount = Mount {
            prefix: m.prefix,
            user: m.user,
            nextcloud: true,
        };
        Ok(serve(req, &mount).await)
    }
}

/// Finishes the answer of a write: 400 when the body did not match its `OC-Checksum`,
/// else the id and ETag of what was written or moved (`destination` for MOVE and COPY).
pub(super) async fn after_write(
    fs: &DavFs,
    method: &Method,
    destination: Option<&str>,
    prefix: &str,
    resp: &mut Response,
) {
    let s = &fs.0;
    if s.oc.mismatched() {
        *resp = oc::error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The computed checksum does not match the one received from the client.",
        );
        return;
    }
    let target = match method.as_str() {
        "PUT" | "MKCOL" => s.request_path.clone(),
        "MOVE" | "COPY" => destination.and_then(|d| destination_path(d, prefix)),
        _ => return,
    };
    if !resp.status().is_success() {
        return;
    }
    fs.changing();
    let mut found = None;
    if let Some(path) = target
        && let Ok(uri) = s.uri(&path)
        && let Ok(node) = fs.node(&uri).await
    {
        found = Some((node.file.id, Meta::of(&node.file).etag));
        if *method == Method::PUT
            && let Some(c) = &s.oc.checksum
            && let Err(e) = oc::checksums::remember(&s.state.db, &node.file, c).await
        {
            tracing::warn!(error = %e, "a verified checksum was not kept");
        }
    }
    oc::headers::answer(resp, found, *method == Method::PUT && s.oc.mtime.is_some());
}

/// The properties of `path` dav-server lists for `allprop` (or `propname`, without their
/// content): the stored ones, and on a Nextcloud client's mount the `oc:`/`nc:` ones.
pub(super) async fn get_props(
    fs: &DavFs,
    path: &DavPath,
    do_content: bool,
) -> Result<Vec<DavProp>, DavFsError> {
    let mut out: Vec<DavProp> = fs
        .dead_props(path)
        .await?
        .iter()
        .filter_map(|(k, v)| super::props::prop_of(k, v, do_content))
        .collect();
    if fs.0.oc.nextcloud {
        let (facts, extra) = facts(fs, path, |_, _| true).await?;
        for (ns, local) in props::ALLPROP {
            let xml = props::element(ns, local, &facts.borrow(), fs.0.oc.access, &extra);
            out.push(DavProp {
                name: (*local).to_owned(),
                prefix: props::prefix(ns).map(str::to_owned),
                namespace: Some((*ns).to_owned()),
                xml: xml.filter(|_| do_content),
            });
        }
    }
    Ok(out)
}

/// The value of property `prop` of `path` that dav-server has not found among its own:
/// an `oc:`/`nc:` property, else a stored one.
pub(super) async fn get_prop(
    fs: &DavFs,
    path: &DavPath,
    prop: DavProp,
) -> Result<Vec<u8>, DavFsError> {
    let ns = prop.namespace.as_deref().unwrap_or_default();
    if props::prefix(ns).is_some() {
        let (facts, extra) = facts(fs, path, |n, l| n == ns && l == prop.name).await?;
        return props::element(ns, &prop.name, &facts.borrow(), fs.0.oc.access, &extra)
            .ok_or(DavFsError::NotFound);
    }
    let key = super::props::key_of(&prop);
    fs.dead_props(path)
        .await?
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.into_bytes())
        .ok_or(DavFsError::NotFound)
}

/// The row of `path` as the `oc:` properties see it, with what `asks` needs besides.
async fn facts(
    fs: &DavFs,
    path: &DavPath,
    asks: impl Fn(&str, &str) -> bool,
) -> Result<(OwnedFacts, props::Extra), DavFsError> {
    let node = fs.node(&fs.0.uri(path)?).await?;
    let f = &node.file;
    let dir = f.r#type == file::kind::FOLDER;
    let folders: &[i64] = if dir { &[f.id] } else { &[] };
    let mut extra = props::Extra::load(&fs.0.state, asks, &[f.id], folders)
        .await
        .map_err(fs_err)?;
    if let Some(p) = props::permissions_of(&node, fs.0.oc.access) {
        extra.permissions.insert(f.id, p);
    }
    extra
        .total_of_shared_file(&fs.0.ctx(&[]), &node)
        .await
        .map_err(fs_err)?;
    let facts = OwnedFacts {
        id: f.id,
        name: f.name.clone(),
        dir,
        size: f.size,
    };
    Ok((facts, extra))
}

/// [`props::Facts`] that own their name.
struct OwnedFacts {
    id: i64,
    name: String,
    dir: bool,
    size: i64,
}

impl OwnedFacts {
    fn borrow(&self) -> props::Facts<'_> {
        props::Facts {
            id: self.id,
            name: &self.name,
            dir: self.dir,
            size: self.size,
        }
    }
}

/// The path of a `Destination` header (a URL or an absolute path) below `prefix`.
pub(super) fn destination_path(dest: &str, prefix: &str) -> Option<dav_server::davpath::DavPath> {
    let path = match dest.parse::<poem::http::Uri>() {
        Ok(uri) => uri.path().to_owned(),
        Err(_) => return None,
    };
    let mut p = dav_server::davpath::DavPath::new(&path).ok()?;
    p.set_prefix(prefix).ok()?;
    Some(p)
}
