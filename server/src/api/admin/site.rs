//! `/admin/settings`, `/admin/tool/*` and `/admin/summary`: site settings, administrator
//! tools and the dashboard summary.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query};

use crate::{
    admin::{Actor, AdminError, settings, summary, tools},
    api::{
        ApiTags,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
        query_bool::QueryBool,
    },
    state::AppState,
    thumb,
};

/// `POST /admin/settings`
#[derive(Debug, Object)]
#[oai(rename = "AdminSettingKeys")]
pub struct SettingKeys {
    /// Names of the settings to read.
    pub keys: Vec<String>,
}

/// `PATCH /admin/settings`
#[derive(Debug, Object)]
#[oai(rename = "AdminSettingValues")]
pub struct SettingValues {
    /// Setting name → new value (as text, as stored).
    pub settings: HashMap<String, String>,
}

/// `POST /admin/tool/mail`
#[derive(Debug, Object)]
#[oai(rename = "AdminTestMailRequest")]
pub struct TestMailRequest {
    /// Mail settings to try instead of the saved ones (`smtpHost`, `smtpPort`, `smtpUser`,
    /// `smtpPass`, `smtpEncryption`, `fromName`, `fromAdress`, `replyTo`).
    pub settings: Option<HashMap<String, String>>,
    /// Recipient.
    pub to: String,
}

/// `GET /admin/tool/wopi`; `POST /admin/tool/thumbExecutable` (`name` of the generator, the
/// `executable` to try)
#[derive(Debug, Object)]
#[oai(rename = "AdminUnsupportedToolRequest")]
pub struct UnsupportedToolRequest {
    pub name: Option<String>,
    pub executable: Option<String>,
}

/// `GET /admin/summary`
#[derive(Debug, Object)]
#[oai(rename = "AdminHomepageSummary", skip_serializing_if_is_none)]
pub struct HomepageSummary {
    /// The last counts; absent until generated once.
    pub metrics_summary: Option<MetricsSummary>,
    /// The `siteURL` setting, primary first.
    pub site_urls: Vec<String>,
    pub version: Version,
}

/// Daily counts of the last days and totals.
#[derive(Debug, Object)]
#[oai(rename = "AdminMetricsSummary")]
pub struct MetricsSummary {
    /// Start of each day (UTC), oldest first.
    pub dates: Vec<DateTime<Utc>>,
    /// Files and folders created on each day.
    pub files: Vec<i64>,
    /// Accounts created on each day.
    pub users: Vec<i64>,
    /// Share links created on each day (live ones).
    pub shares: Vec<i64>,
    pub file_total: i64,
    pub user_total: i64,
    pub share_total: i64,
    pub entities_total: i64,
    pub generated_at: DateTime<Utc>,
}

/// The running server's version.
#[derive(Debug, Object)]
#[oai(rename = "AdminVersion")]
pub struct Version {
    pub version: String,
    /// Always false: Stratus has no paid edition.
    pub pro: bool,
    pub commit: String,
}

/// `GET /admin/fts` data.
#[derive(Debug, Object)]
#[oai(rename = "AdminFtsStatus")]
pub struct FtsStatus {
    /// `fts_enabled`.
    pub enabled: bool,
    /// Files whose current text is in the index.
    pub indexed: u64,
    /// Files whose text could not be read (see `recent_failures`).
    pub failed: u64,
    /// Index tasks queued or running.
    pub pending: u64,
    /// A `full_text_rebuild` task is queued or running.
    pub rebuilding: bool,
    /// The latest failures, newest first.
    pub recent_failures: Vec<FtsFailure>,
}

/// A file the index could not read.
#[derive(Debug, Object)]
#[oai(rename = "AdminFtsFailure")]
pub struct FtsFailure {
    /// The file's id (hashid).
    pub file_id: String,
    /// The file's name (empty if the file is gone).
    pub name: String,
    pub reason: String,
}

pub struct AdminSiteApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminSiteApi {
    /// The full-text index's state (a Stratus addition): files indexed, files whose text
    /// could not be read with the latest reasons, index tasks pending, a rebuild under way.
    /// `POST /workflow/rebuildFtsIndex` starts a rebuild.
    #[oai(path = "/admin/fts", method = "get", operation_id = "get_fts_status")]
    async fn get_fts_status(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
    ) -> ApiResult<FtsStatus> {
        let st = crate::fts::status::status(&state)
            .await
            .map_err(crate::api::envelope::ApiError::from)?;
        ok(FtsStatus {
            enabled: st.enabled,
            indexed: st.indexed,
            failed: st.failed,
            pending: st.pending,
            rebuilding: st.rebuilding,
            recent_failures: st
                .recent_failures
                .into_iter()
                .map(|f| FtsFailure {
                    file_id: state.ids.encode(f.file_id, crate::ids::IdKind::File),
                    name: f.name,
                    reason: f.reason,
                })
                .collect(),
        })
    }

    /// Reads settings by name. Secrets (`secret_key`, `hash_id_salt`, `smtpPass`, captcha
    /// secrets) are never returned, nor names that are not settings.
    #[oai(
        path = "/admin/settings",
        method = "post",
        operation_id = "get_settings"
    )]
    async fn get_settings(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<SettingKeys>,
    ) -> ApiResult<HashMap<String, String>> {
        let values = settings::read(&state, &body.keys).await?;
        ok(values.into_iter().collect())
    }

    /// Changes settings. Every value is checked first (numbers and their ranges, booleans,
    /// URLs, JSON shapes, mail templates, a captcha type Stratus can verify); one bad value
    /// changes nothing (40001, naming the setting). Saved values apply on this instance at
    /// once and on others within seconds. Turning `fts_enabled` on queues a rebuild of the
    /// full-text index (`full_text_rebuild`), and switching a media metadata reader on
    /// (`media_meta_ffprobe`, ...) queues the reading of the files stored before
    /// (`media_meta_backfill`): existing files are covered without a further step. Answers
    /// the saved values, secrets left out.
    #[oai(
        path = "/admin/settings",
        method = "patch",
        operation_id = "update_settings"
    )]
    async fn update_settings(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<SettingValues>,
    ) -> ApiResult<HashMap<String, String>> {
        let values: BTreeMap<String, String> = body.0.settings.into_iter().collect();
        let saved = settings::patch(&state, &actor, &values).await?;
        ok(saved.into_iter().collect())
    }

    /// Sends a test mail with the saved mail settings overlaid by the given ones (nothing is
    /// saved). A failure is 40028 with the SMTP server's error.
    #[oai(
        path = "/admin/tool/mail",
        method = "post",
        operation_id = "send_test_mail"
    )]
    async fn send_test_mail(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<TestMailRequest>,
    ) -> ApiResult<String> {
        let TestMailRequest { settings, to } = body.0;
        let overrides: BTreeMap<String, String> =
            settings.unwrap_or_default().into_iter().collect();
        tools::send_test_mail(&state, &overrides, &to).await?;
        done()
    }

    /// Drops the cached storage drivers, so the next entity URLs come from the policies as
    /// they are now.
    #[oai(
        path = "/admin/tool/entityUrlCache",
        method = "delete",
        operation_id = "clear_entity_url_cache"
    )]
    async fn clear_entity_url_cache(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
    ) -> ApiResult<String> {
        tools::clear_entity_url_cache(&state);
        done()
    }

    /// WOPI discovery: Stratus has no WOPI viewers (40019).
    #[oai(
        path = "/admin/tool/wopi",
        method = "get",
        operation_id = "discover_wopi"
    )]
    async fn discover_wopi(
        &self,
        _actor: Data<&Actor>,
        endpoint: Query<Option<String>>,
    ) -> ApiResult<String> {
        let _ = endpoint;
        Err(AdminError::Unsupported("WOPI viewers are not supported".into()).into())
    }

    /// Runs a thumbnail generator's executable (or `ffprobe`) with its version argument, in
    /// the sandbox, and answers the first line it printed. `name` is the console's
    /// (`vips`, `ffmpeg`, `libreOffice`, `libRaw`, `poppler`, `heif`, `ffprobe`); a tool that
    /// cannot be run answers 40001 with the reason.
    #[oai(
        path = "/admin/tool/thumbExecutable",
        method = "post",
        operation_id = "test_thumb_executable"
    )]
    async fn test_thumb_executable(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<UnsupportedToolRequest>,
    ) -> ApiResult<String> {
        let name = body.0.name.unwrap_or_default();
        let tool = thumb::version::Tool::from_name(&name)
            .ok_or_else(|| thumb::version::VersionError::UnknownTool(name.clone()))?;
        let executable = body.0.executable.unwrap_or_default();
        ok(thumb::version::check(&state, tool, &executable).await?)
    }

    /// The dashboard summary. With `generate=true` the counts are made now (they read whole
    /// tables) and kept, so every instance answers the same; without it the kept counts are
    /// returned, if any.
    #[oai(path = "/admin/summary", method = "get", operation_id = "get_summary")]
    async fn get_summary(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        generate: Query<Option<QueryBool>>,
    ) -> ApiResult<HomepageSummary> {
        let metrics = summary::metrics(&state, QueryBool::of(generate.0)).await?;
        ok(HomepageSummary {
            metrics_summary: metrics.map(|m| MetricsSummary {
                dates: m.dates,
                files: m.files,
                users: m.users,
                shares: m.shares,
                file_total: m.file_total,
                user_total: m.user_total,
                share_total: m.share_total,
                entities_total: m.entities_total,
                generated_at: m.generated_at,
            }),
            site_urls: summary::site_urls(&state).await?,
            version: Version {
                version: env!("CARGO_PKG_VERSION").to_owned(),
                pro: false,
                commit: option_env!("STRATUS_COMMIT").unwrap_or_default().to_owned(),
            },
        })
    }
}
