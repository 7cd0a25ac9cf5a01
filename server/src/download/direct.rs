//! Direct ("source") links (spec §7.4): `PUT /file/source` hands out either a permanent
//! `<site>/f/<SourceLink hashid>/<escaped name>` backed by a `direct_links` row (group setting
//! `redirected_source`), or a never-expiring signed content URL.
//!
//! `GET /f/:id/:name` (and `/f/d/:id/:name`, which makes the content an attachment) checks
//! the row and its file every time (name as stored, file live and outside the trash, owner
//! active, blob servable), counts the download, and redirects to a fresh signed content URL.
//! Any failure is a 404 with the envelope (`api/errors/download.rs`), so nothing is learned
//! about why. The redirect is
//! cached privately only (it carries a signature), and its `Location` never takes its host from
//! the request ([`link::redirect_base`]).

use chrono::Utc;
use percent_encoding::utf8_percent_encode;
use poem::{
    Response,
    http::{StatusCode, header},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use stratus_entity::{direct_link, file, user};

use super::{
    DownloadError,
    link::{self, SEGMENT, UrlOptions},
};
use crate::{
    fs::{nav, uri::FsKind},
    ids::IdKind,
    state::AppState,
    users,
};

/// The public URL of a link row.
pub fn link_url(base: &str, hashid: &str, name: &str) -> String {
    format!("{base}/f/{hashid}/{}", utf8_percent_encode(name, SEGMENT))
}

/// The live link of `file` with its current name and this speed, made if there is none yet
/// (as Cloudreve does, so asking twice gives the same link); with `unique` (group permission
/// bit 17) a new link every time, so each can be revoked on its own.
pub async fn link_for(
    db: &impl ConnectionTrait,
    file: &file::Model,
    speed: i64,
    unique: bool,
) -> Result<direct_link::Model, DbErr> {
    let existing = if unique {
        None
    } else {
        direct_link::Entity::find()
            .filter(direct_link::Column::FileId.eq(file.id))
            .filter(direct_link::Column::Name.eq(file.name.as_str()))
            .filter(direct_link::Column::Speed.eq(speed))
            .filter(direct_link::Column::DeletedAt.is_null())
            .order_by_asc(direct_link::Column::Id)
            .one(db)
            .await?
    };
    if let Some(row) = existing {
        return Ok(row);
    }
    let now = Utc::now();
    direct_link::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(file.name.clone()),
        downloads: Set(0),
        file_id: Set(file.id),
        speed: Set(speed),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The live links of file `file_id`, oldest first.
pub async fn links_of(
    db: &impl ConnectionTrait,
    file_id: i64,
) -> Result<Vec<direct_link::Model>, DbErr> {
    direct_link::Entity::find()
        .filter(direct_link::Column::FileId.eq(file_id))
        .filter(direct_link::Column::DeletedAt.is_null())
        .order_by_asc(direct_link::Column::Id)
        .all(db)
        .await
}

/// Deletes the direct link `id` (a SourceLink hashid) for good when its file belongs to
/// `owner_id`; anyone else's link, and an unknown one, is [`DownloadError::LinkNotFound`],
/// so an id reveals nothing. Administrators too must own the file, as in Cloudreve.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i64,
    owner_id: i64,
) -> Result<(), DownloadError> {
    let row = direct_link::Entity::find_by_id(id)
        .filter(direct_link::Column::DeletedAt.is_null())
        .find_also_related(file::Entity)
        .one(db)
        .await?;
    match row {
        Some((link, Some(f))) if f.owner_id == owner_id => {
            direct_link::Entity::delete_by_id(link.id).exec(db).await?;
            Ok(())
        }
        _ => Err(DownloadError::LinkNotFound),
    }
}

/// `GET /f/:id/:name` (`download`: `/f/d/:id/:name`): a 302 to a fresh signed URL of the
/// link's content.
pub async fn redirect(
    state: &AppState,
    id: &str,
    name: &str,
    download: bool,
) -> Result<Response, DownloadError> {
    let gone = || DownloadError::LinkGone;
    let id = state
        .ids
        .decode(id, IdKind::SourceLink)
        .map_err(|_| gone())?;
    let db = &state.db;
    let row = direct_link::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.deleted_at.is_none() && r.name == name)
        .ok_or_else(gone)?;
    let file = file::Entity::find_by_id(row.file_id)
        .one(db)
        .await?
        .filter(|f| f.deleted_at.is_none() && f.r#type == file::kind::FILE && !f.is_symbolic)
        .ok_or_else(gone)?;
    // A file in the trash hangs below a trashed root instead of the owner's root.
    match nav::uri_of(db, &file).await {
        Ok(uri) if uri.fs == FsKind::My => {}
        _ => return Err(gone()),
    }
    users::find_live(db, file.owner_id)
        .await?
        .filter(|u| u.status == user::status::ACTIVE)
        .ok_or_else(gone)?;
    let entity = link::pick_entity(state, &file, None)
        .await
        .map_err(|_| gone())?;
    // Counted in the database, so concurrent downloads on any instance all count.
    direct_link::Entity::update_many()
        .col_expr(
            direct_link::Column::Downloads,
            sea_orm::sea_query::ExprTrait::add(Expr::col(direct_link::Column::Downloads), 1),
        )
        .filter(direct_link::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    let base = link::redirect_base(&state.settings.get("siteURL").await?);
    let key = state.settings.get("secret_key").await?;
    let ttl = link::url_ttl_secs(state).await?;
    // Straight to the bucket when the storage can presign and no speed limit needs the bytes
    // to pass through here; the redirect is cached no longer than that URL works, and only
    // by the client: shared caches must not keep a signature.
    let direct = if row.speed <= 0 {
        let wanted = std::time::Duration::from_secs(ttl as u64);
        link::presigned(state, entity.as_ref(), &row.name, download, wanted)
            .await
            .map(|(url, works)| (url, works.as_secs() as i64))
    } else {
        None
    };
    let (url, ttl) = direct.unwrap_or_else(|| {
        let url = link::content_url(
            &base,
            key.as_bytes(),
            &link::entity_hashid(&state.ids, entity.as_ref()),
            row.speed.max(0) as u64,
            &row.name,
            Utc::now().timestamp() + ttl,
            UrlOptions {
                download,
                ..UrlOptions::default()
            },
        );
        (url, ttl)
    });
    Ok(Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, url)
        .header(header::CACHE_CONTROL, format!("private, max-age={ttl}"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_urls_escape_the_name() {
        assert_eq!(
            link_url("https://d", "AbC", "my photo #1 é.jpg"),
            "https://d/f/AbC/my%20photo%20%231%20%C3%A9.jpg"
        );
    }
}
