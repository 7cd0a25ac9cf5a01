//! Captcha tickets: the answer to a generated image is kept in the `kv` table for 30 minutes,
//! and a ticket is consumed by the first check, right or wrong, so it cannot be guessed at.
//! At most `captcha_max_tickets` are kept: past that the oldest go, so a flood of requests
//! from many addresses costs a legitimate visitor at worst a fresh image, never a table that
//! grows without end or a sign-in form that cannot get a captcha at all.

use std::time::Duration;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use stratus_entity::kv as kv_row;

use crate::{captcha, kv, settings::Settings};

/// How long an unanswered captcha stays valid.
pub const TICKET_TTL: Duration = Duration::from_secs(30 * 60);
const KIND: &str = "captcha";

fn key(ticket: &str) -> String {
    format!("captcha_{ticket}")
}

/// A new captcha: the image as a data URL and its ticket. `max_tickets` (0: no limit) caps
/// the unanswered tickets kept.
pub async fn issue(
    db: &impl ConnectionTrait,
    settings: &Settings,
    max_tickets: u64,
) -> Result<(String, String), DbErr> {
    let len = settings.int("captcha_CaptchaLen", 6).await?.clamp(4, 10) as usize;
    let width = settings.int("captcha_width", 240).await?.clamp(80, 800) as u32;
    let height = settings.int("captcha_height", 60).await?.clamp(30, 300) as u32;
    // Rendering is CPU work; keep it off the async workers.
    let generated = tokio::task::spawn_blocking(move || captcha::generate(len, width, height))
        .await
        .map_err(|e| DbErr::Custom(format!("captcha rendering failed: {e}")))?;
    let ticket = uuid::Uuid::new_v4().simple().to_string();
    kv::put(db, KIND, &key(&ticket), &generated.answer, Some(TICKET_TTL)).await?;
    if max_tickets > 0 {
        drop_oldest_beyond(db, max_tickets).await?;
    }
    Ok((generated.to_data_url(), ticket))
}

/// Deletes the tickets older than the newest `keep`. Safe on several instances at once:
/// each deletes by condition.
async fn drop_oldest_beyond(db: &impl ConnectionTrait, keep: u64) -> Result<(), DbErr> {
    let newest_dropped: Option<i64> = kv_row::Entity::find()
        .select_only()
        .column(kv_row::Column::Id)
        .filter(kv_row::Column::Kind.eq(KIND))
        .order_by_desc(kv_row::Column::Id)
        .offset(keep)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    if let Some(id) = newest_dropped {
        kv_row::Entity::delete_many()
            .filter(kv_row::Column::Kind.eq(KIND))
            .filter(kv_row::Column::Id.lte(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Checks an answer and burns the ticket whatever the outcome.
pub async fn verify(db: &impl ConnectionTrait, ticket: &str, answer: &str) -> Result<bool, DbErr> {
    if ticket.is_empty() || ticket.len() > 64 {
        return Ok(false);
    }
    Ok(match kv::take(db, &key(ticket)).await? {
        Some(expected) => captcha::answers_match(&expected, answer),
        None => false,
    })
}
