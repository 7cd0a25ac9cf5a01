//! Notices, on this instance, that some access narrowed: a share deleted or changed, a session
//! ended, an account banned or its password changed. What keeps access open longer than one
//! request (the file event streams) listens and checks its access again at once, instead of at
//! its next periodic check; that periodic check still covers other instances and whatever is
//! not noticed here (a share that expires by its date).
//!
//! The modules that narrow access call [`notice`] without knowing who listens, and the
//! listeners register with [`listen`] without those modules depending on them.

use std::sync::RwLock;

use crate::state::AppState;

/// Whose access narrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrowed {
    /// The share with this id was deleted or changed (password, expiry, downloads).
    Share(i64),
    /// The account with this id: a session ended, it was banned, its password changed.
    User(i64),
    /// Grants on files of the owner with this id were removed or lowered (or a granted
    /// item left the owner's tree): its recipients' access is checked again.
    Grants(i64),
    /// Anyone's (an OAuth client's sessions ended for all its users).
    Everyone,
}

type Listener = Box<dyn Fn(Narrowed) + Send + Sync>;

#[derive(Default)]
struct Listeners(RwLock<Vec<Listener>>);

fn listeners(state: &AppState) -> std::sync::Arc<Listeners> {
    state.part(|_| Listeners::default())
}

/// Calls `listener` at every [`notice`] from now on. A listener only marks what to check (it
/// runs in the noticing request): no I/O, no waiting.
pub fn listen(state: &AppState, listener: impl Fn(Narrowed) + Send + Sync + 'static) {
    listeners(state)
        .0
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .push(Box::new(listener));
}

/// Tells the listeners that `what` narrowed; call it once the change is committed.
pub fn notice(state: &AppState, what: Narrowed) {
    let listeners = listeners(state);
    for listener in listeners.0.read().unwrap_or_else(|e| e.into_inner()).iter() {
        listener(what);
    }
}
