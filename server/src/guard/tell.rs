//! Telling people about an incident: the audit log (trip, undo, release), the administrators'
//! notification channels (`guard_tripped`), and an e-mail to the user. None of it may fail
//! the refusal it reports on.

use serde_json::json;
use stratus_entity::guard_incident;

use crate::{
    caller::SignedIn,
    events::{self, Client},
    mail::{self, Mailer},
    notify::{self, Event, EventKind},
    request_ctx,
    state::AppState,
};

fn client() -> Client {
    request_ctx::current().map(|c| c.client).unwrap_or_default()
}

fn about(incident: &guard_incident::Model) -> serde_json::Value {
    json!({
        "incident_id": incident.id,
        "credential": {"kind": incident.cred_kind, "name": incident.cred_name},
        "deleted": incident.deleted,
        "overwritten": incident.overwritten,
        "renamed": incident.renamed,
    })
}

/// A credential of `who` was stopped.
pub async fn tripped(state: &AppState, who: &SignedIn, incident: &guard_incident::Model) {
    events::record(
        &state.db,
        events::kind::GUARD_TRIPPED,
        Some(who.user.id),
        &client(),
        Some(about(incident)),
    )
    .await;
    let what = format!(
        "{} deleted, {} overwritten, {} renamed",
        incident.deleted, incident.overwritten, incident.renamed
    );
    let title = format!(
        "Mass deletion stopped for {} ({})",
        who.user.email, incident.cred_name
    );
    let mut details = about(incident);
    details["user_id"] = json!(who.user.id);
    details["user"] = json!(who.user.email);
    notify::publish(
        state,
        Event::new(
            EventKind::GuardTripped,
            title,
            format!(
                "The {} \"{}\" of {} made too many destructive changes in a short time ({what}); \
                 its writes are refused until the user undoes them or releases it.",
                incident.cred_kind, incident.cred_name, who.user.email
            ),
            details,
        ),
    )
    .await;
    let (state, to, nick, name) = (
        state.clone(),
        who.user.email.clone(),
        who.user.nick.clone(),
        incident.cred_name.clone(),
    );
    // Sent in the background: the refused request does not wait for the mail server.
    tokio::spawn(async move {
        if let Err(e) = mail_user(&state, &to, &nick, &name, &what).await {
            tracing::info!(error = %e, "could not mail the user about a stopped credential");
        }
    });
}

async fn mail_user(
    state: &AppState,
    to: &str,
    nick: &str,
    credential: &str,
    what: &str,
) -> Result<(), mail::MailError> {
    let mailer = Mailer::from_settings(&state.settings).await?;
    let site = mail::TemplateContext::for_site(&state.settings).await?;
    let link = format!("{}/settings?tab=security", site.site_url);
    let html = format!(
        "<p>Hello {nick},</p><p>{credential} deleted or changed many of your files in a short \
         time ({what}). To protect your files, {site_name} stopped its changes.</p>\
         <p>If this was not you, open <a href=\"{link}\">{link}</a> and choose \
         <b>Undo all</b>: everything it deleted or overwrote comes back. If it was you, choose \
         <b>It was me</b> there and it may write again.</p>",
        nick = mail::escape_html(nick),
        credential = mail::escape_html(credential),
        what = mail::escape_html(what),
        site_name = mail::escape_html(&site.site_name),
        link = mail::escape_html(&link),
    );
    let subject = format!("{}: many files were deleted or changed", site.site_name);
    mailer.send(to, &subject, &html).await
}

/// An incident was undone (`result`: what came back and what was left).
pub async fn undone(
    state: &AppState,
    incident: &guard_incident::Model,
    restored: usize,
    skipped: usize,
) {
    let mut content = about(incident);
    content["restored"] = json!(restored);
    content["skipped"] = json!(skipped);
    events::record(
        &state.db,
        events::kind::GUARD_UNDONE,
        Some(incident.user_id),
        &client(),
        Some(content),
    )
    .await;
}

/// An incident was released by `by` (the user, or an administrator).
pub async fn released(state: &AppState, incident: &guard_incident::Model, by: i64) {
    let mut content = about(incident);
    content["by"] = json!(by);
    events::record(
        &state.db,
        events::kind::GUARD_RELEASED,
        Some(incident.user_id),
        &client(),
        Some(content),
    )
    .await;
}
