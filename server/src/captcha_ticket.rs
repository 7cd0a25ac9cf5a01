//! Captcha tickets: the answer to a generated image is kept in the `kv` table for 30 minutes,
//! and a ticket is consumed by the first check, right or wrong, so it cannot be guessed at.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr};

use crate::{captcha, kv, settings::Settings};

/// How long an unanswered captcha stays valid.
pub const TICKET_TTL: Duration = Duration::from_secs(30 * 60);
const KIND: &str = "captcha";

fn key(ticket: &str) -> String {
    format!("captcha_{ticket}")
}

/// A new captcha: the image as a data URL and its ticket.
pub async fn issue(
    db: &impl ConnectionTrait,
    settings: &Settings,
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
    Ok((generated.to_data_url(), ticket))
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
