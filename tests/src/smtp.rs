//! `SmtpServer`: a tiny unencrypted SMTP receiver on `127.0.0.1:<ephemeral>` for tests.
//!
//! It speaks just enough SMTP for lettre (greeting, EHLO/HELO, AUTH PLAIN/LOGIN accepting
//! anything, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps every
//! received message. [`SmtpServer::wait_for_mail_to`] waits for a message without fixed sleeps;
//! [`ReceivedMail::text`] undoes quoted-printable and base64 transfer encodings so a test can
//! find the link in a mail with [`ReceivedMail::link`].

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use base64::Engine;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinHandle,
};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The `MAIL FROM` address.
    pub from: String,
    /// Every `RCPT TO` address.
    pub to: Vec<String>,
    /// The user name of `AUTH`, when the client authenticated.
    pub auth_user: Option<String>,
    /// The message as sent after `DATA`, dot-unstuffed, lines joined with CRLF.
    pub data: String,
}

#[derive(Default)]
struct Inbox {
    mails: Vec<ReceivedMail>,
    /// Number of messages ever received (the inbox may have been drained since).
    received: usize,
}

/// A running SMTP receiver; stops when dropped.
pub struct SmtpServer {
    addr: SocketAddr,
    inbox: Arc<Mutex<Inbox>>,
    changed: watch::Receiver<usize>,
    task: JoinHandle<()>,
}

impl SmtpServer {
    /// Listens on an ephemeral loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let addr = listener.local_addr().unwrap();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let (tx, changed) = watch::channel(0usize);
        let tx = Arc::new(tx);
        let task = {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let inbox = inbox.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let _ = session(stream, inbox, tx).await;
                    });
                }
            })
        };
        Self {
            addr,
            inbox,
            changed,
            task,
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Settings that make Stratus send its mail here, unencrypted and without credentials.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("smtpHost", "127.0.0.1".to_owned()),
            ("smtpPort", self.port().to_string()),
            ("smtpEncryption", "0".to_owned()),
            ("smtpUser", String::new()),
            ("smtpPass", String::new()),
            ("fromAdress", "drive@stratus.test".to_owned()),
            ("fromName", "Stratus Test".to_owned()),
        ]
    }

    /// Messages received and not yet taken by a `wait_for_*` call.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().mails.clone()
    }

    /// Number of messages received since the start, taken or not.
    pub fn received(&self) -> usize {
        self.inbox.lock().unwrap().received
    }

    /// Takes the oldest message; panics when none arrives within `timeout`.
    pub async fn wait_for_mail(&self, timeout: Duration) -> ReceivedMail {
        self.wait_for(timeout, |_| true, "any recipient").await
    }

    /// Takes the oldest message addressed to `rcpt` (case-insensitive); panics when none
    /// arrives within `timeout`.
    pub async fn wait_for_mail_to(&self, rcpt: &str, timeout: Duration) -> ReceivedMail {
        self.wait_for(
            timeout,
            |m| m.to.iter().any(|t| t.eq_ignore_ascii_case(rcpt)),
            rcpt,
        )
        .await
    }

    async fn wait_for(
        &self,
        timeout: Duration,
        wanted: impl Fn(&ReceivedMail) -> bool,
        what: &str,
    ) -> ReceivedMail {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changed = self.changed.clone();
        loop {
            // Mark the current state seen before looking, so a message that lands right
            // after the look wakes the wait below.
            changed.borrow_and_update();
            {
                let mut inbox = self.inbox.lock().unwrap();
                if let Some(pos) = inbox.mails.iter().position(&wanted) {
                    return inbox.mails.remove(pos);
                }
            }
            match tokio::time::timeout_at(deadline, changed.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => panic!("SMTP server stopped while waiting for a mail to {what}"),
                Err(_) => panic!(
                    "no mail to {what} within {timeout:?}; inbox: {:?}",
                    self.mails()
                ),
            }
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port with nothing listening on it (bound, then released).
pub async fn unused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().unwrap().port()
}

async fn session(
    stream: TcpStream,
    inbox: Arc<Mutex<Inbox>>,
    tx: Arc<watch::Sender<usize>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 stratus-test ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut auth_user = None;
    loop {
        let Some(line) = read_line(&mut reader).await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split(' ').next().unwrap_or_default();
        let reply: &[u8] = match verb {
            "EHLO" => {
                b"250-stratus-test greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10485760\r\n"
            }
            "HELO" => b"250 stratus-test\r\n",
            "AUTH" => {
                auth_user = Some(authenticate(&line, &mut reader, &mut write).await?);
                b"235 2.7.0 Authentication successful\r\n"
            }
            "MAIL" => {
                from = angle_address(&line);
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                to.push(angle_address(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut lines = Vec::new();
                loop {
                    let Some(line) = read_line(&mut reader).await? else {
                        return Ok(());
                    };
                    if line == "." {
                        break;
                    }
                    lines.push(line.strip_prefix('.').map(str::to_owned).unwrap_or(line));
                }
                let mail = ReceivedMail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    auth_user: auth_user.clone(),
                    data: lines.join("\r\n"),
                };
                let received = {
                    let mut inbox = inbox.lock().unwrap();
                    inbox.mails.push(mail);
                    inbox.received += 1;
                    inbox.received
                };
                tx.send_replace(received);
                b"250 OK queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// One line without its line ending; `None` at the end of the stream.
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    if reader.read_until(b'\n', &mut buf).await? == 0 {
        return Ok(None);
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// `MAIL FROM:<a@b> SIZE=1` → `a@b`.
fn angle_address(line: &str) -> String {
    match (line.find('<'), line.find('>')) {
        (Some(start), Some(end)) if start < end => line[start + 1..end].to_owned(),
        _ => line
            .split_once(':')
            .map(|(_, rest)| rest.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// Runs AUTH PLAIN or LOGIN to the end (accepting any password); returns the user name.
async fn authenticate<R, W>(line: &str, reader: &mut R, write: &mut W) -> std::io::Result<String>
where
    R: tokio::io::AsyncBufRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    let b64 = base64::engine::general_purpose::STANDARD;
    let decode = |s: &str| {
        b64.decode(s.trim())
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    };
    let mut parts = line.split_whitespace().skip(1);
    let mechanism = parts.next().unwrap_or_default().to_ascii_uppercase();
    let initial = parts.next().map(str::to_owned);
    if mechanism == "LOGIN" {
        let user = match initial {
            Some(user) => decode(&user),
            None => {
                write.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
                decode(&read_line(reader).await?.unwrap_or_default())
            }
        };
        write.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
        read_line(reader).await?;
        return Ok(user);
    }
    let response = match initial {
        Some(response) => response,
        None => {
            write.write_all(b"334 \r\n").await?;
            read_line(reader).await?.unwrap_or_default()
        }
    };
    // PLAIN: authzid NUL authcid NUL password
    Ok(decode(&response)
        .split('\0')
        .nth(1)
        .unwrap_or_default()
        .to_owned())
}

impl ReceivedMail {
    /// The value of the first header `name` (unfolded), if any.
    pub fn header(&self, name: &str) -> Option<String> {
        header_value(split_message(&self.data).0, name)
    }

    /// The `Subject` header.
    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default()
    }

    /// Every text part of the body with its transfer encoding undone, joined by newlines.
    pub fn text(&self) -> String {
        decode_entity(&self.data)
    }

    /// The first `http(s)` link in the body whose URL contains `needle` (for example
    /// `/session/activate?`), with HTML entities (`&amp;`) undone.
    pub fn link(&self, needle: &str) -> Option<String> {
        find_link(&self.text(), needle)
    }
}

/// Splits a message (or MIME part) into its header block and body.
fn split_message(data: &str) -> (&str, &str) {
    for sep in ["\r\n\r\n", "\n\n"] {
        if let Some(pos) = data.find(sep) {
            return (&data[..pos], &data[pos + sep.len()..]);
        }
    }
    (data, "")
}

fn header_value(headers: &str, name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in headers.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((key, rest)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case(name)
        {
            value = Some(rest.trim().to_owned());
        }
    }
    value
}

/// Decodes a message or MIME part: multiparts part by part, leaves by transfer encoding.
fn decode_entity(data: &str) -> String {
    let (headers, body) = split_message(data);
    let content_type = header_value(headers, "content-type").unwrap_or_default();
    if content_type.to_ascii_lowercase().starts_with("multipart/")
        && let Some(boundary) = mime_parameter(&content_type, "boundary")
    {
        let delimiter = format!("--{boundary}");
        return body
            .split(delimiter.as_str())
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .map(|part| decode_entity(part.trim_start_matches(['\r', '\n'])))
            .collect::<Vec<_>>()
            .join("\n");
    }
    let encoding = header_value(headers, "content-transfer-encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_else(|_| body.to_owned())
        }
        _ => body.to_owned(),
    }
}

fn mime_parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, v) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Quoted-printable: soft line breaks (`=` at a line end) vanish, `=XX` is a byte.
pub fn decode_quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"\r\n") {
            i += 3;
        } else if rest.starts_with(b"\n") {
            i += 2;
        } else if let Some(byte) = rest
            .get(..2)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first `http://` or `https://` URL containing `needle`, up to a quote, angle bracket
/// or whitespace, with `&amp;`-style entities undone.
pub fn find_link(text: &str, needle: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = text[from..].find(needle) {
        let at = from + found;
        let start = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| text[..at].rfind(scheme))
            .max();
        if let Some(start) = start {
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
                .map_or(text.len(), |e| start + e);
            if end > at {
                return Some(unescape_html(&text[start..end]));
            }
        }
        from = at + needle.len();
    }
    None
}

fn unescape_html(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_and_links() {
        let qp = "<a href=3D\"http://x.test/session/reset?id=3Dab&amp;sec=\r\nret=3D12\">go</a>";
        let text = decode_quoted_printable(qp);
        assert_eq!(
            find_link(&text, "/session/reset?").as_deref(),
            Some("http://x.test/session/reset?id=ab&secret=12")
        );
        assert_eq!(find_link("no link here", "/x"), None);
    }

    #[test]
    fn multipart_base64_bodies_are_decoded() {
        let body = base64::engine::general_purpose::STANDARD.encode("see https://a.test/p?q=1 now");
        let data = format!(
            "Subject: hi\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n\
             Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n--b1--\r\n"
        );
        let mail = ReceivedMail {
            from: String::new(),
            to: vec![],
            auth_user: None,
            data,
        };
        assert_eq!(mail.subject(), "hi");
        assert_eq!(mail.link("/p?").as_deref(), Some("https://a.test/p?q=1"));
    }
}
