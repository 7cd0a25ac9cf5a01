//! `/admin/oauthClient*` (spec 4.18 §2.13): the OAuth applications, as ent-style rows. The secret
//! is write-only; system clients cannot be deleted (40040). Every change is audited.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::{Value, json};
use stratus_entity::oauth_client;

use super::dto::{AdminListRequest, BatchIds, pagination};
use crate::{
    admin::{Actor, audit, oauth_clients},
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiError, ApiResult, ErrorCode, done, ok},
        json::ApiJson,
    },
    auth::oauth::clients::{self, ClientInput},
    state::AppState,
};

/// A client (`GetOAuthClientResponse`); the secret is never part of it.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminOAuthClient", skip_serializing_if_is_none)]
pub struct ClientRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub guid: String,
    pub name: String,
    pub homepage_url: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub scopes: Option<Vec<String>>,
    /// `{description, icon, refresh_token_ttl}`, zero values left out.
    pub props: Option<Value>,
    /// Left out when false.
    pub is_enabled: Option<bool>,
    pub edges: Value,
    /// One of the clients official apps hard-code.
    pub is_system: bool,
    /// Users who granted it access (single get, create and update; left out when 0).
    pub total_grants: Option<i64>,
}

impl ClientRow {
    fn of(c: &oauth_client::Model) -> Self {
        let props = c.props.as_object().map(|o| {
            Value::Object(
                o.iter()
                    .filter(|(_, v)| {
                        !(v.is_null() || *v == &json!("") || *v == &json!(0) || *v == &json!(false))
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        });
        Self {
            id: c.id,
            created_at: c.created_at,
            updated_at: c.updated_at,
            guid: c.guid.clone(),
            name: c.name.clone(),
            homepage_url: c.homepage_url.clone().filter(|u| !u.is_empty()),
            redirect_uris: Some(clients::strings(&c.redirect_uris)).filter(|l| !l.is_empty()),
            scopes: Some(clients::strings(&c.scopes)).filter(|l| !l.is_empty()),
            props: props.filter(|p| p.as_object().is_some_and(|o| !o.is_empty())),
            is_enabled: c.is_enabled.then_some(true),
            edges: json!({}),
            is_system: clients::is_system(&c.guid),
            total_grants: None,
        }
    }

    async fn with_grants(state: &AppState, c: &oauth_client::Model) -> Result<Self, ApiError> {
        let mut row = Self::of(c);
        let n = clients::total_grants(state, c.id).await? as i64;
        row.total_grants = (n > 0).then_some(n);
        Ok(row)
    }
}

/// A client as sent to create or edit it.
#[derive(Debug, Object)]
#[oai(rename = "AdminOAuthClientInput")]
pub struct ClientFields {
    /// 0 or absent to create; required to edit.
    pub id: Option<i64>,
    /// Empty: a random UUID (create only; never changed by an edit).
    pub guid: Option<String>,
    /// Write-only. Empty: 32 random characters on create, unchanged on edit.
    pub secret: Option<String>,
    pub name: String,
    pub homepage_url: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub props: Option<Value>,
    pub is_enabled: Option<bool>,
}

impl ClientFields {
    fn input(self) -> ClientInput {
        ClientInput {
            guid: self.guid,
            secret: self.secret,
            name: self.name,
            homepage_url: self.homepage_url,
            redirect_uris: self.redirect_uris,
            scopes: self.scopes,
            props: self.props.unwrap_or_else(|| json!({})),
            is_enabled: self.is_enabled.unwrap_or(false),
        }
    }
}

/// `PUT /admin/oauthClient[/:id]`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertOAuthClient")]
pub struct UpsertClient {
    pub client: ClientFields,
}

/// `POST /admin/oauthClient`
#[derive(Debug, Object)]
#[oai(rename = "AdminOAuthClientList")]
pub struct ClientList {
    pub clients: Vec<ClientRow>,
    pub pagination: Pagination,
}

fn invalid(msg: &str) -> ApiError {
    ApiError::new(ErrorCode::ParamError, msg)
}

pub struct AdminOAuthClientApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminOAuthClientApi {
    /// Lists clients. Condition `is_enabled` (`true`/`false`); search `name`; order by
    /// `name`, `created_at`, `is_enabled` (else id).
    #[oai(
        path = "/admin/oauthClient",
        method = "post",
        operation_id = "list_oauth_clients"
    )]
    async fn list_clients(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<ClientList> {
        let mut q = body.query()?;
        let page = oauth_clients::list(&state, &mut q).await?;
        ok(ClientList {
            clients: page.rows.iter().map(ClientRow::of).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// One client, with its number of grants.
    #[oai(
        path = "/admin/oauthClient/:id",
        method = "get",
        operation_id = "get_oauth_client"
    )]
    async fn get_client(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<ClientRow> {
        let c = clients::find(&state, id.0).await?;
        ok(ClientRow::with_grants(&state, &c).await?)
    }

    /// Creates a client; `client.id` must be 0 or absent.
    #[oai(
        path = "/admin/oauthClient",
        method = "put",
        operation_id = "create_oauth_client"
    )]
    async fn create_client(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertClient>,
    ) -> ApiResult<ClientRow> {
        if body.client.id.is_some_and(|id| id != 0) {
            return Err(invalid("client.id: must be 0 for a new client"));
        }
        let c = clients::create(&state, body.0.client.input()).await?;
        audit::record(
            &state,
            &actor,
            "oauth_client",
            Some(c.id),
            "create",
            audit::masked(&audit::row_json(&c)),
        )
        .await;
        ok(ClientRow::with_grants(&state, &c).await?)
    }

    /// Changes client `client.id` (the path's id is ignored, as upstream); the GUID never
    /// changes, the secret only when given. Disabling a client ends its live tokens.
    #[oai(
        path = "/admin/oauthClient/:id",
        method = "put",
        operation_id = "update_oauth_client"
    )]
    async fn update_client(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        #[oai(name = "id")] _id: Path<String>,
        body: ApiJson<UpsertClient>,
    ) -> ApiResult<ClientRow> {
        let Some(id) = body.client.id.filter(|id| *id != 0) else {
            return Err(invalid("client.id: required"));
        };
        let (before, after) = clients::update(&state, id, body.0.client.input()).await?;
        audit::record_update(&state, &actor, "oauth_client", id, &before, &after).await;
        ok(ClientRow::with_grants(&state, &after).await?)
    }

    /// Deletes a client with its grants; system clients: 40040.
    #[oai(
        path = "/admin/oauthClient/:id",
        method = "delete",
        operation_id = "delete_oauth_client"
    )]
    async fn delete_client(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let row = clients::delete(&state, id.0).await?;
        audit::record(
            &state,
            &actor,
            "oauth_client",
            Some(row.id),
            "delete",
            audit::masked(&audit::row_json(&row)),
        )
        .await;
        done()
    }

    /// Deletes several clients; missing and system ones are skipped.
    #[oai(
        path = "/admin/oauthClient/batch/delete",
        method = "post",
        operation_id = "delete_oauth_clients"
    )]
    async fn delete_clients(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        for row in clients::delete_many(&state, &body.ids).await? {
            audit::record(
                &state,
                &actor,
                "oauth_client",
                Some(row.id),
                "delete",
                audit::masked(&audit::row_json(&row)),
            )
            .await;
        }
        done()
    }
}
