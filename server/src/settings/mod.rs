//! Site settings: the `settings` table, read through a short-lived cache.
//!
//! The whole table is one small map, so it is loaded with one query and kept for a few
//! seconds; a write through [`Settings::set`] drops the cache at once. Other instances see a
//! change within [`CACHE_TTL`].

pub mod custom_props;
mod defaults;
pub mod file_apps;
pub mod id_list;
pub mod period;

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use chrono::Utc;
use moka::future::Cache;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use stratus_entity::setting;

use crate::cache_stats::{CacheCounts, CacheStats};

pub use defaults::{DEFAULTS, generated_secrets, random_password, random_string};

/// How long one instance may serve a stale value written by another instance.
pub const CACHE_TTL: Duration = Duration::from_secs(5);

/// Read access to site settings with typed getters.
#[derive(Clone)]
pub struct Settings {
    /// Writes go through the shared pool.
    db: DatabaseConnection,
    /// The cache refills itself through a connection of its own: settings are read inside
    /// write transactions too, and from the shared pool such a read waits for a second
    /// connection while holding one (see `db::side_connection`). Only reads run here, so it
    /// never waits for a writer.
    reader: DatabaseConnection,
    cache: Cache<(), Arc<HashMap<String, String>>>,
    stats: Arc<CacheStats>,
}

impl Settings {
    pub fn new(db: DatabaseConnection, reader: DatabaseConnection) -> Self {
        Self {
            db,
            reader,
            cache: Cache::builder().time_to_live(CACHE_TTL).build(),
            stats: Arc::default(),
        }
    }

    /// How often the cache answered since the start (`/metrics`); a miss is a read of the table.
    pub fn cache_counts(&self) -> CacheCounts {
        self.stats.counts(self.cache.entry_count())
    }

    /// Every setting, from the cache or one query.
    pub async fn all(&self) -> Result<Arc<HashMap<String, String>>, DbErr> {
        // A lookup that ran the read is a miss; callers that waited for another's read
        // shared it, and count as hits.
        let read = AtomicBool::new(false);
        let all = self
            .cache
            .try_get_with((), async {
                read.store(true, Ordering::Relaxed);
                let rows = setting::Entity::find().all(&self.reader).await?;
                Ok::<_, DbErr>(Arc::new(
                    rows.into_iter().map(|r| (r.name, r.value)).collect(),
                ))
            })
            .await
            .map_err(|e: Arc<DbErr>| DbErr::Custom(e.to_string()));
        if read.load(Ordering::Relaxed) {
            self.stats.miss();
        } else {
            self.stats.hit();
        }
        all
    }

    /// A setting's value; missing keys read as the empty string.
    pub async fn get(&self, name: &str) -> Result<String, DbErr> {
        Ok(self.all().await?.get(name).cloned().unwrap_or_default())
    }

    /// A boolean setting (`"1"` / `"true"`).
    pub async fn bool(&self, name: &str) -> Result<bool, DbErr> {
        Ok(parse_bool(&self.get(name).await?))
    }

    /// A numeric setting; unparsable values read as `default`.
    pub async fn int(&self, name: &str, default: i64) -> Result<i64, DbErr> {
        Ok(self.get(name).await?.trim().parse().unwrap_or(default))
    }

    /// Writes settings and drops the cache.
    pub async fn set(&self, values: &[(&str, &str)]) -> Result<(), DbErr> {
        let now = Utc::now();
        for (name, value) in values {
            let row = setting::ActiveModel {
                name: Set((*name).to_owned()),
                value: Set((*value).to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            setting::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(setting::Column::Name)
                        .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                        .to_owned(),
                )
                .exec(&self.db)
                .await?;
        }
        self.cache.invalidate_all();
        Ok(())
    }

    /// Inserts every default that is missing, `extra` (values drawn or derived at install)
    /// included; existing values are never touched. `true` when there was no setting at all:
    /// a new installation.
    pub async fn install_defaults(&self, extra: &[(&str, String)]) -> Result<bool, DbErr> {
        let now = Utc::now();
        let existing = setting::Entity::find()
            .filter(setting::Column::Name.is_not_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect::<std::collections::HashSet<_>>();
        // A value of `extra` stands in for the default of the same name.
        let rows: Vec<setting::ActiveModel> = DEFAULTS
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(name, _)| name == k))
            .map(|(k, v)| (*k, (*v).to_owned()))
            .chain(extra.iter().map(|(k, v)| (*k, v.clone())))
            .filter(|(k, _)| !existing.contains(*k))
            .map(|(k, v)| setting::ActiveModel {
                name: Set(k.to_owned()),
                value: Set(v),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(100) {
            // Another instance may be installing at the same time: first writer wins.
            setting::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(setting::Column::Name)
                        .do_nothing()
                        .to_owned(),
                )
                .try_insert()
                .exec(&self.db)
                .await?;
        }
        self.cache.invalidate_all();
        Ok(existing.is_empty())
    }
}

/// Cloudreve stores booleans as `"1"`/`"0"`; accept `true`/`false` too.
pub fn parse_bool(value: &str) -> bool {
    matches!(value.trim(), "1" | "true" | "TRUE" | "True" | "on" | "yes")
}
