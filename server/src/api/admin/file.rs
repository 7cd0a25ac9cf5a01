//! `/admin/file` and `/admin/entity`: every user's files and the blobs behind them.

use std::collections::HashMap;

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path};

use super::dto::{
    AdminListRequest, BatchIds, DirectLinkRow, EntityRow, FileRow, MetadataRow, PolicyRow,
    ShareRow, UserRow, pagination,
};
use crate::{
    admin::{
        Actor, AdminError, entities,
        files::{self, FileChange, FileDetail, FileView},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    download::link,
    ids::IdKind,
    state::AppState,
};

/// A file as sent to change it: its name and owner.
#[derive(Debug, Object)]
#[oai(rename = "AdminFileInput")]
pub struct FileFields {
    pub name: String,
    /// A different owner moves the file (and what is below it) to the top of their drive.
    pub owner_id: i64,
}

/// `PUT /admin/file/:id`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertFile")]
pub struct UpsertFile {
    pub file: FileFields,
}

/// `POST /admin/file`
#[derive(Debug, Object)]
#[oai(rename = "AdminFileList")]
pub struct FileList {
    pub files: Vec<FileRow>,
    pub pagination: Pagination,
}

/// `POST /admin/entity`
#[derive(Debug, Object)]
#[oai(rename = "AdminEntityList")]
pub struct EntityList {
    pub entities: Vec<EntityRow>,
    pub pagination: Pagination,
}

fn file_row(state: &AppState, view: &FileView) -> FileRow {
    let mut row = FileRow::of(&state.ids, &view.file);
    row.edges.owner = view.owner.as_ref().map(|u| UserRow::brief(&state.ids, u));
    row.edges.storage_policies = view.policy.as_ref().map(|p| PolicyRow::of(p, None));
    row
}

fn file_detail(state: &AppState, d: &FileDetail) -> FileRow {
    let mut row = file_row(state, &d.view);
    row.edges.metadata = Some(d.metadata.iter().map(MetadataRow::of).collect());
    row.edges.entities = Some(
        d.entities
            .iter()
            .map(|e| EntityRow::of(&state.ids, e))
            .collect(),
    );
    row.edges.direct_links = Some(d.direct_links.iter().map(DirectLinkRow::of).collect());
    row.edges.shares = Some(
        d.shares
            .iter()
            .map(|s| ShareRow::of(&state.ids, s))
            .collect(),
    );
    row.direct_link_map = Some(
        d.direct_links
            .iter()
            .map(|l| {
                let id = state.ids.encode(l.id, IdKind::SourceLink);
                (l.id.to_string(), format!("/f/{id}/{}", l.name))
            })
            .collect(),
    );
    row
}

/// The base of content URLs for this request (see `download::link::site_base`).
async fn base(state: &AppState, req: &Request) -> Result<String, AdminError> {
    let site = state.settings.get("siteURL").await?;
    Ok(link::site_base(
        &site,
        req.header("host"),
        req.header("x-forwarded-proto"),
    ))
}

pub struct AdminFileApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminFileApi {
    /// Lists every user's files and folders. Conditions: `file_name` (contains, also a
    /// search), `file_user` (owner id), `file_policy` (storage policy id).
    #[oai(
        path = "/admin/file",
        method = "post",
        operation_id = "list_files_admin"
    )]
    async fn list_files(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<FileList> {
        let q = body.query()?;
        let page = files::list(&state, &q).await?;
        ok(FileList {
            files: page.rows.iter().map(|v| file_row(&state, v)).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A file with its owner, policy, metadata, blobs, direct links and shares.
    #[oai(
        path = "/admin/file/:id",
        method = "get",
        operation_id = "get_file_admin"
    )]
    async fn get_file(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<FileRow> {
        ok(file_detail(&state, &files::get(&state, id.0).await?))
    }

    /// Renames a file, or gives it to another user (it moves to the top of their drive,
    /// with its storage charge).
    #[oai(
        path = "/admin/file/:id",
        method = "put",
        operation_id = "update_file_admin"
    )]
    async fn update_file(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertFile>,
    ) -> ApiResult<FileRow> {
        let change = FileChange {
            name: body.0.file.name,
            owner_id: body.0.file.owner_id,
        };
        ok(file_detail(
            &state,
            &files::update(&state, &actor, id.0, change).await?,
        ))
    }

    /// A signed URL of a file's current content (any user's).
    #[oai(
        path = "/admin/file/url/:id",
        method = "get",
        operation_id = "get_file_url_admin"
    )]
    async fn get_file_url(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let base = base(&state, req).await?;
        ok(files::url(&state, id.0, &base).await?)
    }

    /// Permanently deletes files and folders (everything below a folder too); their blobs
    /// are recycled when nothing else uses them. Failed ids are reported under 40081.
    #[oai(
        path = "/admin/file/batch/delete",
        method = "post",
        operation_id = "delete_files_admin"
    )]
    async fn delete_files(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        files::delete_many(&state, &actor, &body.ids).await?;
        done()
    }
}

pub struct AdminEntityApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminEntityApi {
    /// Lists blobs. Conditions: `entity_user` (uploader id), `entity_policy`, `entity_type`.
    #[oai(
        path = "/admin/entity",
        method = "post",
        operation_id = "list_entities"
    )]
    async fn list_entities(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<EntityList> {
        let q = body.query()?;
        let page = entities::list(&state, &q).await?;
        ok(EntityList {
            entities: page
                .rows
                .iter()
                .map(|v| {
                    let mut row = EntityRow::of(&state.ids, &v.entity);
                    row.edges.user = v.user.as_ref().map(|u| UserRow::brief(&state.ids, u));
                    row.edges.storage_policy = v.policy.as_ref().map(|p| PolicyRow::of(p, None));
                    row
                })
                .collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A blob with its uploader, policy and the files using it.
    #[oai(
        path = "/admin/entity/:id",
        method = "get",
        operation_id = "get_entity"
    )]
    async fn get_entity(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<EntityRow> {
        let v = entities::get(&state, id.0).await?;
        let mut row = EntityRow::of(&state.ids, &v.entity);
        row.edges.user = v.user.as_ref().map(|u| UserRow::brief(&state.ids, u));
        row.edges.storage_policy = v.policy.as_ref().map(|p| PolicyRow::of(p, None));
        let files = v.files.unwrap_or_default();
        let owners: HashMap<String, String> = files
            .iter()
            .map(|f| {
                (
                    f.owner_id.to_string(),
                    state.ids.encode(f.owner_id, IdKind::User),
                )
            })
            .collect();
        row.user_hash_id_map = Some(owners);
        row.edges.file = Some(files.iter().map(|f| FileRow::of(&state.ids, f)).collect());
        ok(row)
    }

    /// A signed URL of a blob's bytes.
    #[oai(
        path = "/admin/entity/url/:id",
        method = "get",
        operation_id = "get_entity_url"
    )]
    async fn get_entity_url(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let base = base(&state, req).await?;
        ok(entities::url(&state, id.0, &base).await?)
    }

    /// Deletes blobs now, with their stored bytes. A blob files still use is refused unless
    /// `force`, which unlinks it from them first. Failed ids are reported under 40081.
    #[oai(
        path = "/admin/entity/batch/delete",
        method = "post",
        operation_id = "delete_entities"
    )]
    async fn delete_entities(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        entities::delete_many(&state, &actor, &body.ids, body.force.unwrap_or(false)).await?;
        done()
    }
}
