//! Push for the sync clients (Nextcloud's `notify_push` protocol, advertised in the
//! capabilities): a WebSocket at `nextcloud::PUSH_PATH` over which a desktop client learns at once that
//! something changed in the drive, instead of waiting for its next poll.
//!
//! The client sends its login and password as its first two text messages; the answer is
//! `authenticated` or `err: Invalid credentials`. Then the server sends `notify_file` when
//! files of the user changed (at most once per [`QUIET`], the changes in between folded into
//! one), and, to a client that sent `listen notify_file_id`, `notify_file_id [ids]` with the
//! ids of the files changed, then `notify_activity` (each change is an activity of the
//! account, which the desktop client's activity list shows). A client that sends anything else
//! is ignored.
//!
//! Changes come from the durable journal through the instance's dispatcher, so a change made
//! through any instance on the database reaches a socket on any other. The sign-in is WebDAV's
//! (same credentials, checks and throttling); it is checked again every [`RECHECK`] and when
//! access narrows (the account banned or signed out everywhere), and the socket closes once
//! it fails: a revoked password stops the device. One user's sockets are capped like the
//! other event streams (`max_event_streams_per_user`).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use poem::{
    IntoResponse, Request, handler,
    web::{
        Data,
        websocket::{Message, WebSocket, WebSocketStream},
    },
};
use tokio::time::{Instant, sleep_until};
use uuid::Uuid;

use crate::{
    door::basic::sign_in_with,
    events::Client,
    fs_events::{
        dispatcher::{Dispatcher, Registration},
        mailbox::Mail,
        subscriptions::Key,
    },
    state::AppState,
    stream_places::{StreamKind, StreamPlace},
};

/// How long the client has to send its credentials.
const SIGN_IN_WAIT: Duration = Duration::from_secs(15);
/// Least time between two notifications: a burst of changes (a folder copied in) is one.
const QUIET: Duration = Duration::from_millis(500);
/// How often the credentials are checked again while the socket is open.
const RECHECK: Duration = Duration::from_secs(60);
/// File ids sent in one `notify_file_id` at most; past that the client gets `notify_file`
/// only and looks for itself.
const MAX_IDS: usize = 100;

/// `GET /push/ws`: the upgrade.
#[handler]
pub async fn socket(ws: WebSocket, req: &Request, state: Data<&AppState>) -> impl IntoResponse {
    let client = Client::of(req, &state.config);
    let state = state.clone();
    ws.on_upgrade(move |socket| async move {
        let (mut tx, mut rx) = socket.split();
        if let Some(text) = serve(&state, client, &mut tx, &mut rx).await {
            let _ = tx.send(Message::Text(text)).await;
        }
        let _ = tx.close().await;
    })
}

type Tx = futures_util::stream::SplitSink<WebSocketStream, Message>;
type Rx = futures_util::stream::SplitStream<WebSocketStream>;

/// Runs one socket; the last message to send before closing, if any.
async fn serve(state: &AppState, client: Client, tx: &mut Tx, rx: &mut Rx) -> Option<String> {
    let credentials = tokio::time::timeout(SIGN_IN_WAIT, async {
        let login = next_text(rx).await?;
        let password = next_text(rx).await?;
        Some((login, password))
    })
    .await;
    let Ok(Some(credentials)) = credentials else {
        return None;
    };
    let Ok(signed) = sign_in_with(state, &credentials.0, &credentials.1, client.clone()).await
    else {
        return Some("err: Invalid credentials".to_owned());
    };
    // The admin's switch for file events covers their push to sync clients too.
    if !state
        .settings
        .bool("fs_event_push_enabled")
        .await
        .unwrap_or(false)
    {
        return Some("err: push is off on this server".to_owned());
    }
    let user_id = signed.me.user.id;
    let _place = match StreamPlace::take(state, StreamKind::SyncPush, user_id) {
        Ok(place) => place,
        Err(e) => return Some(format!("err: {e}")),
    };
    let key = Key {
        user_id,
        folder_id: 0,
        client_id: Uuid::new_v4(),
    };
    let registration = match Dispatcher::of(state).join(key, user_id, None).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "push: cannot follow the file journal");
            return Some("err: the server cannot follow changes now".to_owned());
        }
    };
    tx.send(Message::Text("authenticated".to_owned()))
        .await
        .ok()?;
    let signed_in = SignedInWith {
        state,
        client,
        credentials,
    };
    follow(&signed_in, &registration, tx, rx).await
}

/// The credentials a socket signed in with, checked again while it is open.
struct SignedInWith<'a> {
    state: &'a AppState,
    client: Client,
    credentials: (String, String),
}

impl SignedInWith<'_> {
    async fn still_valid(&self) -> bool {
        let (login, password) = &self.credentials;
        sign_in_with(self.state, login, password, self.client.clone())
            .await
            .is_ok()
    }
}

/// Tells the client of changes until it goes, the dispatcher lets go, or the credentials no
/// longer sign in.
async fn follow(
    signed_in: &SignedInWith<'_>,
    registration: &Registration,
    tx: &mut Tx,
    rx: &mut Rx,
) -> Option<String> {
    let mut pending = Pending::default();
    let mut recheck_at = Instant::now() + RECHECK;
    let mut quiet_until = Instant::now();
    loop {
        let flush_at = pending.any().then_some(quiet_until.max(Instant::now()));
        tokio::select! {
            mail = registration.mailbox.take() => match mail {
                Mail::Batches { batches, lagged } => {
                    for batch in &batches {
                        pending.add(batch.rows.iter().map(|r| r.file_id));
                    }
                    pending.overflowed |= lagged;
                }
                Mail::Closed => return None,
                Mail::Recheck => recheck_at = Instant::now(),
            },
            message = rx.next() => match message {
                Some(Ok(Message::Text(text))) if text.trim() == "listen notify_file_id" => {
                    pending.wants_ids = true;
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => {}
            },
            () = sleep_until(flush_at.unwrap_or_else(far)), if flush_at.is_some() => {
                for text in pending.take() {
                    tx.send(Message::Text(text)).await.ok()?;
                }
                quiet_until = Instant::now() + QUIET;
            }
            () = sleep_until(recheck_at) => {
                if !signed_in.still_valid().await {
                    return Some("err: Invalid credentials".to_owned());
                }
                recheck_at = Instant::now() + RECHECK;
            }
        }
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}

/// The next text message, skipping pings and binary frames; `None` once the client went.
async fn next_text(rx: &mut Rx) -> Option<String> {
    loop {
        match rx.next().await? {
            Ok(Message::Text(text)) => return Some(text),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Changes seen since the last notification.
#[derive(Default)]
struct Pending {
    changed: bool,
    ids: Vec<i64>,
    overflowed: bool,
    wants_ids: bool,
}

impl Pending {
    fn any(&self) -> bool {
        self.changed || self.overflowed
    }

    fn add(&mut self, ids: impl Iterator<Item = i64>) {
        for id in ids {
            self.changed = true;
            if self.ids.len() < MAX_IDS {
                if !self.ids.contains(&id) {
                    self.ids.push(id);
                }
            } else {
                self.overflowed = true;
            }
        }
    }

    /// The messages for what is pending, which is then cleared.
    fn take(&mut self) -> Vec<String> {
        let mut out = vec!["notify_file".to_owned()];
        if self.wants_ids && !self.overflowed && !self.ids.is_empty() {
            let ids: Vec<String> = self.ids.iter().map(i64::to_string).collect();
            out.push(format!("notify_file_id [{}]", ids.join(",")));
        }
        out.push("notify_activity".to_owned());
        self.changed = false;
        self.overflowed = false;
        self.ids.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Pending;

    #[test]
    fn changes_fold_into_one_notification_and_ids_only_when_asked() {
        let mut p = Pending::default();
        assert!(!p.any());
        p.add([3, 4, 3].into_iter());
        assert_eq!(p.take(), vec!["notify_file", "notify_activity"]);
        assert!(!p.any());
        p.wants_ids = true;
        p.add([7, 8, 7].into_iter());
        assert_eq!(
            p.take(),
            vec!["notify_file", "notify_file_id [7,8]", "notify_activity"]
        );
        p.add(0..500);
        assert_eq!(
            p.take(),
            vec!["notify_file", "notify_activity"],
            "too many ids: the client looks"
        );
    }
}
