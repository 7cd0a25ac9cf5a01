//! The e-mail a user gets when someone shares a folder or file with them (when the sharer
//! asks for it): who, what, how, and a link to "Shared with me". Sent in the background, one
//! message per recipient; a mail server that fails fails nothing, and one not set up is said
//! to the sharer.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::user;

use crate::{
    caller::SignedIn,
    fs::grant::Access,
    mail::{self, Mailer},
    state::AppState,
};

/// Mails each of `recipients` (user ids, with what they got) that `by` shared `name`; answers
/// false, mailing nobody, when the site has no mail server set up (the sharer is told so).
pub async fn tell(
    state: &AppState,
    by: &SignedIn,
    name: &str,
    recipients: Vec<(i64, Access)>,
) -> bool {
    // Another failure (the settings could not be read) is logged by the sending below.
    if let Err(mail::MailError::NotConfigured) = Mailer::from_settings(&state.settings).await {
        return false;
    }
    let (state, by_nick, by_email, name) = (
        state.clone(),
        by.user.nick.clone(),
        by.user.email.clone(),
        name.to_owned(),
    );
    tokio::spawn(async move {
        let sharer = Sharer {
            nick: &by_nick,
            email: &by_email,
        };
        if let Err(e) = send_all(&state, &sharer, &name, &recipients).await {
            tracing::info!(error = %e, "could not mail the people a file was shared with");
        }
    });
    true
}

struct Sharer<'a> {
    nick: &'a str,
    email: &'a str,
}

async fn send_all(
    state: &AppState,
    by: &Sharer<'_>,
    name: &str,
    recipients: &[(i64, Access)],
) -> anyhow::Result<()> {
    let mailer = Mailer::from_settings(&state.settings).await?;
    let site = mail::TemplateContext::for_site(&state.settings).await?;
    let ids: Vec<i64> = recipients.iter().map(|(id, _)| *id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?;
    let link = format!(
        "{}/home?path={}",
        site.site_url,
        mail::encode_query_value("cloudreve://shared_with_me")
    );
    let subject = format!("{} shared \"{}\" with you", by.nick, name);
    for (id, access) in recipients {
        let Some(to) = users.iter().find(|u| u.id == *id) else {
            continue;
        };
        let can = match access {
            Access::Read => "view",
            Access::Write => "view and edit",
        };
        let html = format!(
            "<p>Hello {nick},</p><p>{by} ({by_email}) shared “{name}” with you on \
             {site_name}. You can {can} it.</p><p>Open it under <b>Shared with me</b>: \
             <a href=\"{link}\">{link}</a></p>",
            nick = mail::escape_html(&to.nick),
            by = mail::escape_html(by.nick),
            by_email = mail::escape_html(by.email),
            name = mail::escape_html(name),
            site_name = mail::escape_html(&site.site_name),
            link = mail::escape_html(&link),
        );
        mailer.send(&to.email, &subject, &html).await?;
    }
    Ok(())
}
