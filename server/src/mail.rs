//! Outgoing e-mail: SMTP through lettre and the activation / password-reset templates.
//!
//! A [`Mailer`] is built from the current site settings for every send, so an administrator's
//! change of the SMTP settings applies to the next mail without a restart. Templates are the
//! settings `mail_activation_template` and `mail_reset_template`: JSON arrays of
//! `{language, title, body}`, written with Go-template placeholders (`{{ .Url }}`,
//! `{{ .CommonContext.SiteBasic.Name }}`, `{{ .User.Nick }}`, ...). Only those placeholders are
//! understood; their values are HTML-escaped in the body.

use std::{
    collections::HashMap,
    fmt,
    net::{Ipv4Addr, Ipv6Addr},
    time::Duration,
};

use lettre::{
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
        extension::ClientId,
    },
};
use sea_orm::DbErr;
use serde::Deserialize;

use crate::settings::{Settings, parse_bool};

/// The longest a whole send (connect, greet, authenticate, transfer) may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `smtpHost` is empty.
    #[error("e-mail is not configured: the SMTP host (smtpHost) is empty")]
    NotConfigured,
    /// A setting (sender address, port, template) is unusable.
    #[error("invalid mail setting: {0}")]
    Config(String),
    /// The recipient address cannot be used.
    #[error("invalid recipient address: {0}")]
    Recipient(String),
    /// The SMTP exchange failed.
    #[error("SMTP delivery failed: {0}")]
    Smtp(String),
    /// The SMTP server did not answer in time.
    #[error("SMTP delivery timed out after {} s", SEND_TIMEOUT.as_secs())]
    Timeout,
    /// The settings could not be read.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// How the connection to the SMTP server is secured (setting `smtpEncryption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// `0`: plain connection, upgraded with STARTTLS when the server offers it.
    Opportunistic,
    /// `2` / `starttls`: STARTTLS is required; nothing is sent before the upgrade.
    StartTls,
    /// `1` / `true`: TLS from the first byte (SMTPS, usually port 465).
    Implicit,
}

impl Encryption {
    /// Reads `smtpEncryption`: Cloudreve stores a boolean, `1` meaning implicit TLS.
    pub fn from_setting(value: &str) -> Self {
        let value = value.trim();
        if value == "2" || value.eq_ignore_ascii_case("starttls") {
            Encryption::StartTls
        } else if parse_bool(value) || value.eq_ignore_ascii_case("ssl") {
            Encryption::Implicit
        } else {
            Encryption::Opportunistic
        }
    }
}

/// An SMTP sender configured from the site settings of the moment.
#[derive(Clone)]
pub struct Mailer {
    host: String,
    port: u16,
    encryption: Encryption,
    user: String,
    password: String,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    hello_name: ClientId,
}

impl fmt::Debug for Mailer {
    // The SMTP password never appears in logs or debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("encryption", &self.encryption)
            .field("user", &self.user)
            .field(
                "password",
                &if self.password.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("from", &self.from.to_string())
            .field("reply_to", &self.reply_to.as_ref().map(ToString::to_string))
            .finish()
    }
}

impl Mailer {
    /// A mailer from the current settings; [`MailError::NotConfigured`] when `smtpHost` is empty.
    pub async fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        Self::from_values(settings.all().await?.as_ref())
    }

    /// A mailer from setting values (the administrator's test mail tries values before they
    /// are saved); [`MailError::NotConfigured`] when `smtpHost` is empty.
    pub fn from_values(all: &HashMap<String, String>) -> Result<Self, MailError> {
        let get = |k: &str| all.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let host = get("smtpHost");
        if host.is_empty() {
            return Err(MailError::NotConfigured);
        }
        let encryption = Encryption::from_setting(&get("smtpEncryption"));
        let port = match get("smtpPort").parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ if encryption == Encryption::Implicit => 465,
            _ => 25,
        };
        let from_address: Address = get("fromAdress")
            .parse()
            .map_err(|e| MailError::Config(format!("sender address (fromAdress): {e}")))?;
        let from_name = get("fromName");
        let from = Mailbox::new((!from_name.is_empty()).then_some(from_name), from_address);
        let reply_to = match get("replyTo") {
            v if v.is_empty() => None,
            v => match v.parse::<Mailbox>() {
                Ok(mailbox) => Some(mailbox),
                Err(err) => {
                    tracing::warn!(error = %err, "ignoring the invalid replyTo setting");
                    None
                }
            },
        };
        Ok(Self {
            host,
            port,
            encryption,
            user: get("smtpUser"),
            // Passwords may legitimately start or end with spaces.
            password: all.get("smtpPass").cloned().unwrap_or_default(),
            from,
            reply_to,
            hello_name: hello_name(&primary_site_url(&get("siteURL"))),
        })
    }

    /// Sends one HTML mail to `to`, giving up after [`SEND_TIMEOUT`].
    pub async fn send(&self, to: &str, subject: &str, html: &str) -> Result<(), MailError> {
        let to: Address = to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Recipient(e.to_string()))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(subject)
            .message_id(Some(format!(
                "<{}@{}>",
                uuid::Uuid::new_v4().simple(),
                self.from.email.domain()
            )))
            .header(ContentType::TEXT_HTML);
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let message = builder
            .body(html.to_owned())
            .map_err(|e| MailError::Config(format!("cannot build the message: {e}")))?;
        let transport = self.transport()?;
        match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) => Err(MailError::Smtp(err.to_string())),
            Err(_) => Err(MailError::Timeout),
        }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        let tls_parameters = || {
            TlsParameters::new(self.host.clone())
                .map_err(|e| MailError::Config(format!("TLS for {}: {e}", self.host)))
        };
        let tls = match self.encryption {
            Encryption::Opportunistic => Tls::Opportunistic(tls_parameters()?),
            Encryption::StartTls => Tls::Required(tls_parameters()?),
            Encryption::Implicit => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(SEND_TIMEOUT))
            .hello_name(self.hello_name.clone());
        if !self.user.is_empty() {
            builder =
                builder.credentials(Credentials::new(self.user.clone(), self.password.clone()));
        }
        Ok(builder.build())
    }
}

/// The EHLO name: the primary site URL's host, else `[127.0.0.1]`.
fn hello_name(site_url: &str) -> ClientId {
    let rest = site_url
        .split_once("://")
        .map_or(site_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some(v6) = authority
        .strip_prefix('[')
        .and_then(|a| a.split_once(']'))
        .and_then(|(ip, _)| ip.parse::<Ipv6Addr>().ok())
    {
        return ClientId::Ipv6(v6);
    }
    let host = authority.split(':').next().unwrap_or_default();
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return ClientId::Ipv4(v4);
    }
    let is_name = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if is_name {
        ClientId::Domain(host.to_ascii_lowercase())
    } else {
        ClientId::Ipv4(Ipv4Addr::LOCALHOST)
    }
}

/// The first of the comma-separated `siteURL` values, without a trailing `/`.
pub fn primary_site_url(site_urls: &str) -> String {
    site_urls
        .split(',')
        .map(str::trim)
        .find(|u| !u.is_empty())
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned()
}

/// Which template setting a mail uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// `mail_activation_template`
    Activation,
    /// `mail_reset_template`
    Reset,
}

impl Template {
    /// The setting that holds the template list.
    pub fn setting(self) -> &'static str {
        match self {
            Template::Activation => "mail_activation_template",
            Template::Reset => "mail_reset_template",
        }
    }
}

/// The values a template may refer to.
#[derive(Debug, Clone, Default)]
pub struct TemplateContext {
    /// `{{ .Url }}`: the link the mail is about.
    pub url: String,
    /// `{{ .CommonContext.SiteBasic.Name }}`
    pub site_name: String,
    /// `{{ .CommonContext.SiteUrl }}`
    pub site_url: String,
    /// `{{ .CommonContext.Logo.Normal }}`
    pub logo: String,
    /// `{{ .CommonContext.Logo.Light }}`
    pub logo_light: String,
    /// `{{ .User.Nick }}`
    pub user_nick: String,
    /// `{{ .User.Email }}`
    pub user_email: String,
}

impl TemplateContext {
    /// The site part filled from the settings; `url` and the user part are the caller's.
    pub async fn for_site(settings: &Settings) -> Result<Self, DbErr> {
        let all = settings.all().await?;
        let get = |k: &str| all.get(k).cloned().unwrap_or_default();
        Ok(Self {
            site_name: get("siteName"),
            site_url: primary_site_url(&get("siteURL")),
            logo: get("site_logo"),
            logo_light: get("site_logo_light"),
            ..Default::default()
        })
    }

    fn lookup(&self, name: &str) -> Option<&str> {
        Some(match name {
            ".Url" => &self.url,
            ".CommonContext.SiteBasic.Name" => &self.site_name,
            ".CommonContext.SiteUrl" => &self.site_url,
            ".CommonContext.Logo.Normal" => &self.logo,
            ".CommonContext.Logo.Light" => &self.logo_light,
            ".User.Nick" => &self.user_nick,
            ".User.Email" => &self.user_email,
            _ => return None,
        })
    }
}

/// A template filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub html: String,
}

#[derive(Debug, Deserialize)]
struct TemplateEntry {
    #[serde(default)]
    language: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// Fills the template of `language` (exact match, then same primary language, then the first
/// entry) from the JSON list `templates`.
pub fn render(
    templates: &str,
    language: Option<&str>,
    ctx: &TemplateContext,
) -> Result<RenderedMail, MailError> {
    let entries: Vec<TemplateEntry> = serde_json::from_str(templates)
        .map_err(|e| MailError::Config(format!("mail template is not valid JSON: {e}")))?;
    let language = language.map(str::trim).unwrap_or_default();
    let primary = |l: &str| {
        l.split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let entry = entries
        .iter()
        .find(|e| !language.is_empty() && e.language.eq_ignore_ascii_case(language))
        .or_else(|| {
            entries
                .iter()
                .find(|e| !language.is_empty() && primary(&e.language) == primary(language))
        })
        .or_else(|| entries.first())
        .ok_or_else(|| MailError::Config("mail template list is empty".to_owned()))?;
    Ok(RenderedMail {
        // The subject is a header, not HTML: lettre encodes it; only line breaks must go.
        subject: fill(&entry.title, ctx, false).replace(['\r', '\n'], " "),
        html: fill(&entry.body, ctx, true),
    })
}

/// Replaces every `{{ .Name }}` (also `{{- .Name -}}`) in one pass; unknown actions become
/// empty. Substituted text is never scanned again.
fn fill(template: &str, ctx: &TemplateContext, escape: bool) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = after[..end].trim();
        let inner = inner.strip_prefix('-').unwrap_or(inner);
        let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
        if let Some(value) = ctx.lookup(inner) {
            if escape {
                out.push_str(&escape_html(value));
            } else {
                out.push_str(value);
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `template` for `language` and sends it to `to` with a mailer built from the
/// current settings.
pub async fn send_template(
    settings: &Settings,
    template: Template,
    to: &str,
    language: Option<&str>,
    ctx: &TemplateContext,
) -> Result<(), MailError> {
    let mailer = Mailer::from_settings(settings).await?;
    let templates = settings.get(template.setting()).await?;
    let mail = render(&templates, language, ctx)?;
    mailer.send(to, &mail.subject, &mail.html).await
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> TemplateContext {
        TemplateContext {
            url: "https://drive.example/session/activate?id=x&sign=a%3A1".to_owned(),
            site_name: "Tom & Jerry's <Drive>".to_owned(),
            user_nick: "ann".to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn placeholders_are_filled_and_escaped() {
        let templates = r#"[{"language":"en-US","title":"Hi {{.User.Nick}} at {{ .CommonContext.SiteBasic.Name }}",
            "body":"<a href=\"{{ .Url }}\">{{- .Url -}}</a> {{ .CommonContext.SiteBasic.Name }} {{ .Unknown }}{{ .User.Nick }}"}]"#;
        let mail = render(templates, None, &ctx()).unwrap();
        assert_eq!(mail.subject, "Hi ann at Tom & Jerry's <Drive>");
        assert_eq!(
            mail.html,
            "<a href=\"https://drive.example/session/activate?id=x&amp;sign=a%3A1\">\
             https://drive.example/session/activate?id=x&amp;sign=a%3A1</a> \
             Tom &amp; Jerry&#39;s &lt;Drive&gt; ann"
        );
    }

    #[test]
    fn substituted_text_is_not_expanded_again() {
        let ctx = TemplateContext {
            user_nick: "{{ .Url }}".to_owned(),
            url: "u".to_owned(),
            ..Default::default()
        };
        let mail = render(
            r#"[{"title":"t","body":"{{ .User.Nick }} {{ .Url"}]"#,
            None,
            &ctx,
        )
        .unwrap();
        assert_eq!(mail.html, "{{ .Url }} {{ .Url");
    }

    #[test]
    fn the_template_is_chosen_by_language() {
        let templates = r#"[{"language":"en-US","title":"en","body":""},
                            {"language":"zh-CN","title":"zh","body":""},
                            {"language":"de-DE","title":"de","body":""}]"#;
        let title = |l: Option<&str>| render(templates, l, &ctx()).unwrap().subject;
        assert_eq!(title(Some("zh-CN")), "zh");
        assert_eq!(title(Some("ZH-cn")), "zh");
        assert_eq!(title(Some("de")), "de");
        assert_eq!(title(Some("fr-FR")), "en");
        assert_eq!(title(None), "en");
        assert!(render("[]", None, &ctx()).is_err());
        assert!(render("nope", None, &ctx()).is_err());
    }

    #[test]
    fn subjects_cannot_inject_headers() {
        let ctx = TemplateContext {
            user_nick: "a\r\nBcc: x@y".to_owned(),
            ..Default::default()
        };
        let mail = render(r#"[{"title":"{{ .User.Nick }}","body":""}]"#, None, &ctx).unwrap();
        assert!(!mail.subject.contains('\n'));
    }

    #[test]
    fn site_urls_and_hello_names() {
        assert_eq!(
            primary_site_url(" https://a.example/ , https://b.example"),
            "https://a.example"
        );
        assert_eq!(primary_site_url(""), "");
        assert_eq!(
            hello_name("https://Drive.Example:8443/x"),
            ClientId::Domain("drive.example".to_owned())
        );
        assert_eq!(
            hello_name("http://10.0.0.1:5212"),
            ClientId::Ipv4(Ipv4Addr::new(10, 0, 0, 1))
        );
        assert_eq!(
            hello_name("http://[::1]:5212/"),
            ClientId::Ipv6(Ipv6Addr::LOCALHOST)
        );
        assert_eq!(hello_name(""), ClientId::Ipv4(Ipv4Addr::LOCALHOST));
    }

    #[test]
    fn encryption_setting() {
        assert_eq!(Encryption::from_setting("0"), Encryption::Opportunistic);
        assert_eq!(Encryption::from_setting(""), Encryption::Opportunistic);
        assert_eq!(Encryption::from_setting("1"), Encryption::Implicit);
        assert_eq!(Encryption::from_setting("true"), Encryption::Implicit);
        assert_eq!(Encryption::from_setting("2"), Encryption::StartTls);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("ab-_=:1"), "ab-_%3D%3A1");
    }
}
