//! Callers the server builds for its own work (tasks, restores, a share's drop box, uploads
//! into a granted folder): no credential was presented, so nothing is checked; these are the
//! only `SignedIn` values made outside an admission. Apart from the admission so that the
//! services the guard runs (its queue) may use them without a loop.

use stratus_entity::{group, user};

use crate::caller::SignedIn;

/// `user` of `group` acting for the server: no session, no credential, not stopped.
pub fn acting_as(user: user::Model, group: group::Model) -> SignedIn {
    SignedIn {
        user,
        group,
        session: None,
        oauth: None,
        credential: None,
        stopped: None,
    }
}

/// The owner of a folder `visitor` was granted, acting for the visitor: what the visitor
/// changes in the owner's tree counts against the visitor's credential (the guard), and a
/// stopped visitor stays stopped.
pub fn acting_for(owner: user::Model, group: group::Model, visitor: &SignedIn) -> SignedIn {
    SignedIn {
        credential: visitor.credential.clone(),
        stopped: visitor.stopped.clone(),
        ..acting_as(owner, group)
    }
}

/// A copy of `me`, for a caller owned apart from the one borrowed.
pub fn copy(me: &SignedIn) -> SignedIn {
    SignedIn {
        session: me.session,
        oauth: me.oauth.clone(),
        ..acting_for(me.user.clone(), me.group.clone(), me)
    }
}
