//! Other people's accounts as a caller may see them: the one place that decides whether a
//! redacted user carries an e-mail address (Cloudreve 4.17's `expose_user_email`).

use sea_orm::DbErr;
use stratus_entity::{group, user};

use crate::{api::dto::user::User, auth::caller::Caller, ids::HashIds, settings::Settings};

/// Presents accounts other than the caller's for one request.
pub struct Redactor<'a> {
    ids: &'a HashIds,
    viewer: Option<i64>,
    /// Signed in, and the site exposes e-mail addresses (`expose_user_email`, default on).
    show_email: bool,
}

impl<'a> Redactor<'a> {
    /// What `caller` may see: never an address when anonymous; with `expose_user_email`
    /// off, only the caller's own.
    pub async fn for_caller(
        ids: &'a HashIds,
        settings: &Settings,
        caller: &Caller,
    ) -> Result<Self, DbErr> {
        let viewer = caller.user_id();
        let show_email = viewer.is_some() && settings.bool("expose_user_email").await?;
        Ok(Self {
            ids,
            viewer,
            show_email,
        })
    }

    /// The redacted view of `user`.
    pub fn user(&self, user: &user::Model, group: &group::Model) -> User {
        let own = self.viewer == Some(user.id);
        User::redacted(self.ids, user, group, self.show_email || own)
    }
}
