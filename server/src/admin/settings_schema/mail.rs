//! Settings of outgoing mail: the SMTP server, the sender and the templates.

use super::{Kind, SECONDS};

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Mail
    ("fromName", Kind::Text),
    ("fromAdress", Kind::Email),
    ("smtpHost", Kind::Text),
    ("smtpPort", Kind::Int { min: 1, max: 65535 }),
    ("smtpUser", Kind::Text),
    ("smtpPass", Kind::Secret { min_len: 0 }),
    (
        "smtpEncryption",
        Kind::OneOf(&["0", "1", "2", "true", "false", "starttls", "ssl"]),
    ),
    ("replyTo", Kind::Text),
    ("mail_keepalive", SECONDS),
    ("mail_activation_template", Kind::MailTemplates),
    ("mail_reset_template", Kind::MailTemplates),
];
