//! `/admin/policy`: storage policies, and CORS rules on their buckets. OneDrive/SharePoint
//! sign-in is not provided (40019).

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::Value;
use stratus_entity::storage_policy;

use super::dto::{AdminListRequest, PolicyRow, pagination};
use crate::{
    admin::{
        Actor, AdminError,
        policies::{self, PolicyInput, PolicyView},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    state::AppState,
};

/// A policy as sent to create or edit it (ent JSON; other fields are ignored). An edit keeps
/// the fields it leaves out.
#[derive(Debug, Object)]
#[oai(rename = "AdminStoragePolicyInput")]
pub struct PolicyFields {
    /// 0 or absent for a new policy; otherwise the id of the path.
    pub id: Option<i64>,
    pub name: String,
    /// `local` or `s3`.
    pub r#type: String,
    /// Endpoint (`s3`); empty for `local`.
    pub server: Option<String>,
    pub bucket_name: Option<String>,
    pub is_private: Option<bool>,
    pub access_key: Option<String>,
    /// Write-only: absent or empty keeps the stored key.
    pub secret_key: Option<String>,
    pub max_size: Option<i64>,
    pub dir_name_rule: Option<String>,
    pub file_name_rule: Option<String>,
    /// Driver settings (spec §8.3).
    pub settings: Option<Value>,
    pub node_id: Option<i64>,
}

/// `PUT /admin/policy[/:id]`, `POST /admin/policy/cors`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertPolicy")]
pub struct UpsertPolicy {
    pub policy: PolicyFields,
}

/// `POST /admin/policy/oauth/*`
#[derive(Debug, Object)]
#[oai(rename = "AdminOauthRequest")]
pub struct OauthRequest {
    pub id: Option<i64>,
    pub secret: Option<String>,
    pub app_id: Option<String>,
    pub code: Option<String>,
    pub state: Option<String>,
}

/// `POST /admin/policy`
#[derive(Debug, Object)]
#[oai(rename = "AdminPolicyList")]
pub struct PolicyList {
    pub policies: Vec<PolicyRow>,
    pub pagination: Pagination,
}

impl PolicyFields {
    /// The input; on an edit, fields left out keep the values of `current` (the secret key
    /// always does when none is given).
    fn input(self, current: Option<&storage_policy::Model>) -> PolicyInput {
        let keep = |given: Option<String>, stored: fn(&storage_policy::Model) -> &String| {
            given
                .or_else(|| current.map(|c| stored(c).clone()))
                .unwrap_or_default()
        };
        PolicyInput {
            name: self.name,
            r#type: self.r#type,
            server: keep(self.server, |c| &c.server),
            bucket_name: keep(self.bucket_name, |c| &c.bucket_name),
            is_private: self
                .is_private
                .or(current.map(|c| c.is_private))
                .unwrap_or(true),
            access_key: keep(self.access_key, |c| &c.access_key),
            secret_key: self.secret_key,
            max_size: self.max_size.or(current.map(|c| c.max_size)).unwrap_or(0),
            dir_name_rule: keep(self.dir_name_rule, |c| &c.dir_name_rule),
            file_name_rule: keep(self.file_name_rule, |c| &c.file_name_rule),
            settings: self
                .settings
                .or_else(|| current.map(|c| c.settings.clone()))
                .unwrap_or(Value::Null),
            node_id: self.node_id.filter(|n| *n > 0),
        }
    }
}

fn row(view: &PolicyView) -> PolicyRow {
    PolicyRow::of(&view.policy, view.usage)
}

fn no_oauth() -> ApiResult<String> {
    Err(AdminError::Unsupported(
        "OneDrive and SharePoint storage policies are not supported".into(),
    )
    .into())
}

pub struct AdminPolicyApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminPolicyApi {
    /// Lists storage policies. Condition: `policy_type`.
    #[oai(
        path = "/admin/policy",
        method = "post",
        operation_id = "list_policies"
    )]
    async fn list_policies(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<PolicyList> {
        let q = body.query()?;
        let page = policies::list(&state, &q).await?;
        ok(PolicyList {
            policies: page.rows.iter().map(row).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A storage policy with `entities_count` and `entities_size`.
    #[oai(
        path = "/admin/policy/:id",
        method = "get",
        operation_id = "get_policy"
    )]
    async fn get_policy(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<PolicyRow> {
        ok(row(&policies::get(&state, id.0).await?))
    }

    /// Creates a storage policy after checking its settings and testing the storage (a test
    /// object is written, read and deleted); a failed test is 40001 with the driver's error.
    #[oai(path = "/admin/policy", method = "put", operation_id = "create_policy")]
    async fn create_policy(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertPolicy>,
    ) -> ApiResult<PolicyRow> {
        if body.policy.id.is_some_and(|id| id != 0) {
            return Err(AdminError::invalid("policy.id: must be 0 for a new policy").into());
        }
        ok(row(&policies::create(
            &state,
            &actor,
            body.0.policy.input(None),
        )
        .await?))
    }

    /// Changes a storage policy, checked and tested like a new one. A secret key left out or
    /// empty keeps the stored one.
    #[oai(
        path = "/admin/policy/:id",
        method = "put",
        operation_id = "update_policy"
    )]
    async fn update_policy(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertPolicy>,
    ) -> ApiResult<PolicyRow> {
        if body
            .policy
            .id
            .is_some_and(|given| given != 0 && given != id.0)
        {
            return Err(AdminError::invalid("policy.id: differs from the id in the path").into());
        }
        let current = policies::find(&state, id.0).await?;
        let input = body.0.policy.input(Some(&current));
        ok(row(&policies::update(&state, &actor, id.0, input).await?))
    }

    /// Deletes a storage policy: not the default one (40036), nor one holding blobs
    /// (40037) or used by groups (40038).
    #[oai(
        path = "/admin/policy/:id",
        method = "delete",
        operation_id = "delete_policy"
    )]
    async fn delete_policy(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        policies::delete(&state, &actor, id.0).await?;
        done()
    }

    /// Puts a CORS rule on the bucket of an `s3` policy (a stored one by `policy.id`, with
    /// its stored secret unless one is given) allowing GET, HEAD, PUT and POST from the
    /// origins of `siteURL`; answers those origins. The bucket's refusal is 50009 with its
    /// words; other policy types answer 40019.
    #[oai(
        path = "/admin/policy/cors",
        method = "post",
        operation_id = "create_policy_cors"
    )]
    async fn create_policy_cors(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertPolicy>,
    ) -> ApiResult<Vec<String>> {
        let id = body.policy.id.filter(|id| *id > 0);
        let current = match id {
            Some(id) => Some(policies::find(&state, id).await?),
            None => None,
        };
        let input = body.0.policy.input(current.as_ref());
        ok(policies::put_cors(&state, &actor, id, input).await?)
    }

    /// OneDrive sign-in: not supported (40019).
    #[oai(
        path = "/admin/policy/oauth/signin",
        method = "post",
        operation_id = "start_policy_oauth"
    )]
    async fn start_policy_oauth(
        &self,
        _actor: Data<&Actor>,
        body: ApiJson<OauthRequest>,
    ) -> ApiResult<String> {
        let _ = body;
        no_oauth()
    }

    /// OneDrive redirect URL: not supported (40019).
    #[oai(
        path = "/admin/policy/oauth/redirect",
        method = "get",
        operation_id = "get_policy_oauth_redirect"
    )]
    async fn get_policy_oauth_redirect(&self, _actor: Data<&Actor>) -> ApiResult<String> {
        no_oauth()
    }

    /// OneDrive credential status: not supported (40019).
    #[oai(
        path = "/admin/policy/oauth/status/:id",
        method = "get",
        operation_id = "get_policy_oauth_status"
    )]
    async fn get_policy_oauth_status(
        &self,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let _ = id;
        no_oauth()
    }

    /// OneDrive sign-in callback: not supported (40019).
    #[oai(
        path = "/admin/policy/oauth/callback",
        method = "post",
        operation_id = "finish_policy_oauth"
    )]
    async fn finish_policy_oauth(
        &self,
        _actor: Data<&Actor>,
        body: ApiJson<OauthRequest>,
    ) -> ApiResult<String> {
        let _ = body;
        no_oauth()
    }

    /// SharePoint drive root: not supported (40019).
    #[oai(
        path = "/admin/policy/oauth/root/:id",
        method = "get",
        operation_id = "get_policy_oauth_root"
    )]
    async fn get_policy_oauth_root(
        &self,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let _ = id;
        no_oauth()
    }
}
