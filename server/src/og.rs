//! Link previews for chat apps (Cloudreve 4.12): when a crawler (Facebook, X, LinkedIn,
//! Discord, Telegram, Slack, WhatsApp) fetches a share link — `/s/<id>[/<password>]` or
//! `/home?path=<share URI>` — it gets a small HTML page with Open Graph and Twitter card tags
//! instead of the single-page app, which it would not run. Every other request passes
//! through.
//!
//! The share is read as an anonymous visitor, without counting a view; an unlocked file share
//! shows the file's thumbnail (made if need be, as for a visitor's listing). A share that needs a
//! password shows nothing of its contents unless the link carries the right password: no
//! name, no size, just the site's name and description.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{Method, StatusCode, header},
};
use stratus_entity::file;

use crate::{
    auth::caller::Caller,
    download::link,
    fs::{
        error::FsError,
        nav::FsCtx,
        uri::{FileUri, FsKind, percent_decode_strict},
    },
    ids::IdKind,
    mail::escape_html,
    share::access,
    state::AppState,
    thumb,
};

/// The description of a folder share.
const FOLDER: &str = "Folder";

/// User-Agent fragments of the crawlers served a card (compared in lower case).
const CRAWLERS: &[&str] = &[
    "facebookexternalhit",
    "facebookcatalog",
    "facebot",
    "twitterbot",
    "linkedinbot",
    "discordbot",
    "telegrambot",
    "slackbot",
    "whatsapp",
];

/// Whether `agent` names one of the crawlers.
pub fn is_crawler(agent: &str) -> bool {
    let agent = agent.to_ascii_lowercase();
    CRAWLERS.iter().any(|c| agent.contains(c))
}

/// The share a request names: `/s/<id>[/<password>]`, or `/home` with a share URI in `path`.
fn share_of(req: &Request) -> Option<(String, Option<String>)> {
    let path = req.uri().path();
    if let Some(rest) = path.strip_prefix("/s/") {
        let parts: Vec<String> = rest
            .split('/')
            .map(|p| percent_decode_strict(p).unwrap_or_default())
            .collect();
        return match parts.as_slice() {
            [id] if !id.is_empty() => Some((id.clone(), None)),
            [id, pw] if !id.is_empty() => {
                Some((id.clone(), Some(pw.clone()).filter(|p| !p.is_empty())))
            }
            _ => None,
        };
    }
    if path != "/home" && path != "/home/" {
        return None;
    }
    let query = req.uri().query()?;
    let raw = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "path")
        .map(|(_, v)| v.into_owned())?;
    let uri = FileUri::parse(&raw).ok()?;
    (uri.fs == FsKind::Share).then_some(())?;
    Some((uri.id.clone()?, uri.password.clone()))
}

/// The middleware, placed before the app's routes.
pub async fn cards<E: Endpoint>(ep: &E, req: Request) -> poem::Result<Response> {
    let wanted = matches!(*req.method(), Method::GET | Method::HEAD)
        && req
            .header(header::USER_AGENT.as_str())
            .is_some_and(is_crawler);
    let target = wanted.then(|| share_of(&req)).flatten();
    let (Some((id, password)), Some(state)) = (target, req.data::<AppState>().cloned()) else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let base = link::site_base(
        &state.settings.get("siteURL").await.unwrap_or_default(),
        req.header("host"),
        req.header("x-forwarded-proto"),
    );
    match card(&state, &base, &id, password.as_deref()).await {
        Ok(html) => Ok(Response::builder()
            .status(StatusCode::OK)
            .content_type("text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "public, no-cache")
            .body(html)),
        // The database failing: let the app answer as it would.
        Err(_) => ep.call(req).await.map(IntoResponse::into_response),
    }
}

/// What the card shows.
struct Card {
    title: String,
    description: String,
    image: String,
}

/// The page for share `id` (with `password` from the link, if any).
async fn card(
    state: &AppState,
    base: &str,
    id: &str,
    password: Option<&str>,
) -> Result<String, sea_orm::DbErr> {
    let s = state.settings.all().await?;
    let setting = |k: &str| s.get(k).cloned().unwrap_or_default();
    let site_name = setting("siteName");
    let icon = Some(setting("pwa_large_icon"))
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| setting("pwa_medium_icon"));
    let image = if icon.starts_with("http://") || icon.starts_with("https://") {
        icon
    } else {
        format!("{base}/{}", icon.trim_start_matches('/'))
    };
    let mut shown = Card {
        title: site_name.clone(),
        description: String::new(),
        image,
    };
    match state.ids.decode(id, IdKind::Share) {
        Err(_) => shown.description = "Invalid Link".to_owned(),
        Ok(share_id) => match describe(state, share_id, password).await {
            Ok((title, what, owner)) => {
                let what = what.unwrap_or_else(|| setting("siteDes"));
                // An unlocked file share shows the file's thumbnail when one can be made.
                if let Some(name) = title.as_deref().filter(|_| !what_is_folder(&what))
                    && let Some(url) = thumbnail(state, base, id, password, name).await
                {
                    shown.image = url;
                }
                shown.title = title.unwrap_or(site_name.clone());
                shown.description = format!("{what} · {owner}");
            }
            Err(FsError::Db(e)) => return Err(e),
            Err(e) => shown.description = e.to_string(),
        },
    }
    let mut uri = FileUri::root(FsKind::Share, Some(id.to_owned()));
    uri.password = password.map(str::to_owned);
    let link = match password {
        Some(pw) => format!(
            "{base}/s/{id}/{}",
            utf8_percent_encode(pw, NON_ALPHANUMERIC)
        ),
        None => format!("{base}/s/{id}"),
    };
    let home = format!(
        "/home?path={}",
        utf8_percent_encode(&uri.to_string(), NON_ALPHANUMERIC)
    );
    Ok(page(&shown, &site_name, &link, &home))
}

/// The shared item's name (`None` while locked), what it is (`Folder`, a file's size, or
/// `None` for a locked file: the site's description stands in) and the owner's nickname.
async fn describe(
    state: &AppState,
    share_id: i64,
    password: Option<&str>,
) -> Result<(Option<String>, Option<String>, String), FsError> {
    let live = access::live(&state.db, share_id).await?;
    let unlocked = match access::unlock(&state.db, &live.share, password, &Caller::Anonymous).await
    {
        Ok(()) => true,
        Err(FsError::SharePassword) => false,
        Err(e) => return Err(e),
    };
    let folder = live.file.r#type == file::kind::FOLDER;
    let what = if folder {
        Some(FOLDER.to_owned())
    } else {
        unlocked.then(|| human_size(live.file.size))
    };
    let name = unlocked.then(|| live.file.name.clone());
    Ok((name, what, live.owner.nick))
}

fn what_is_folder(what: &str) -> bool {
    what == FOLDER
}

/// The signed thumbnail URL of the shared file `name`, seen as an anonymous visitor.
async fn thumbnail(
    state: &AppState,
    base: &str,
    id: &str,
    password: Option<&str>,
    name: &str,
) -> Option<String> {
    let mut root = FileUri::root(FsKind::Share, Some(id.to_owned()));
    root.password = password.map(str::to_owned);
    let uri = root.join(name).ok()?;
    let caller = Caller::Anonymous;
    let ctx = FsCtx::new(state, &caller);
    thumb::thumbnail(&ctx, &uri, base).await.ok().map(|t| t.url)
}

/// `size` in B, KB, MB, GB or TB (base 1024), two decimals.
pub fn human_size(size: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = size.max(0) as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2} {}", UNITS[unit])
}

fn page(card: &Card, site_name: &str, link: &str, home: &str) -> String {
    let e = escape_html;
    let (title, description, image) = (e(&card.title), e(&card.description), e(&card.image));
    // The redirect target goes into a script as a JSON string: `<` escaped so that no
    // `</script>` can end it.
    let target = serde_json::to_string(home)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let (site, url, home) = (e(site_name), e(link), e(home));
    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title} - {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:image" content="{image}">
<meta property="og:url" content="{url}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="{site}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{title}">
<meta name="twitter:description" content="{description}">
<meta name="twitter:image" content="{image}">
</head>
<body>
<script>window.location.href = {target};</script>
<noscript><a href="{home}">{title}</a></noscript>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_are_recognised_in_any_case() {
        assert!(is_crawler("TelegramBot (like TwitterBot)"));
        assert!(is_crawler("WhatsApp/2.23"));
        assert!(is_crawler("facebookexternalhit/1.1"));
        assert!(!is_crawler("Mozilla/5.0 (X11; Linux x86_64) Chrome/120"));
    }

    #[test]
    fn sizes_read_like_cloudreve() {
        assert_eq!(human_size(0), "0.00 B");
        assert_eq!(human_size(1536), "1.50 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.00 MB");
    }
}
