//! Creating, editing, deleting and listing share links.

use chrono::{Duration, Utc};
use rand::{Rng, TryRngCore, rngs::OsRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use stratus_entity::{file, share, user};

use super::{GENERATED_PASSWORD_LEN, MAX_PASSWORD_LEN, access, batch::Batch, error::ShareError};
use crate::{
    access_watch::{self, Narrowed},
    auth::caller::SignedIn,
    boolset::{fs_cap, group_perm},
    fs::{
        nav::{self, FsCtx},
        reach,
        uri::{FileUri, FsKind},
    },
    ids::{HashIds, IdKind},
};

/// The settings of a share, as sent to `PUT /share` and `POST /share/:id`.
#[derive(Debug, Clone, Default)]
pub struct ShareOptions {
    pub is_private: bool,
    pub password: Option<String>,
    /// Downloads allowed; 0 = unlimited.
    pub downloads: i64,
    /// Seconds from now; 0 = never expires.
    pub expire: i64,
    pub share_view: bool,
    pub show_readme: bool,
    /// Visitors may only upload into the shared folder (deviations §5).
    pub upload_only: bool,
    /// Bytes an upload-only share may receive in all; 0 = only the owner's quota.
    pub upload_limit: i64,
}

impl ShareOptions {
    fn validate(&self) -> Result<(), ShareError> {
        if self.downloads < 0 {
            return Err(ShareError::Invalid("downloads must be 0 or more".into()));
        }
        if !(0..=100 * 365 * 86_400).contains(&self.expire) {
            return Err(ShareError::Invalid(
                "expire must be between 0 and 100 years".into(),
            ));
        }
        if self.upload_limit < 0 {
            return Err(ShareError::Invalid("upload_limit must be 0 or more".into()));
        }
        if let Some(pw) = &self.password
            && (pw.len() > MAX_PASSWORD_LEN || !pw.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(ShareError::Invalid(format!(
                "password must be at most {MAX_PASSWORD_LEN} letters and digits"
            )));
        }
        Ok(())
    }

    fn remain_downloads(&self) -> Option<i64> {
        (self.downloads > 0).then_some(self.downloads)
    }

    fn upload_limit(&self) -> Option<i64> {
        (self.upload_only && self.upload_limit > 0).then_some(self.upload_limit)
    }

    fn expires(&self) -> Option<chrono::DateTime<Utc>> {
        (self.expire > 0).then(|| Utc::now() + Duration::seconds(self.expire))
    }

    /// The password the share gets when the caller asks for one: the given password, or a
    /// generated one for `is_private` without it. A given password alone asks for it too
    /// (Cloudreve drops it unless `is_private` is set, leaving a public share the caller took
    /// for a protected one).
    fn wanted_password(&self) -> Option<String> {
        match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(pw) => Some(pw.to_owned()),
            None => self.is_private.then(generate_password),
        }
    }

    fn props(&self) -> serde_json::Value {
        // Cloudreve's key for `show_readme` is `show_read_me`.
        json!({ "share_view": self.share_view, "show_read_me": self.show_readme })
    }
}

/// Eight lower-case letters and digits from the OS CSPRNG.
fn generate_password() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = OsRng.unwrap_err();
    (0..GENERATED_PASSWORD_LEN)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Creates a share of the caller's object at `uri`.
/// Default of the group setting `max_shares`.
pub const DEFAULT_MAX_SHARES: u64 = 10_000;

/// Refuses one more share past the group's `max_shares`: every share row is read on visits
/// and listed, so one account cannot make them without end.
async fn ensure_room(ctx: &FsCtx<'_>, me: &SignedIn) -> Result<(), ShareError> {
    let Some(max) = me.group_cap("max_shares", DEFAULT_MAX_SHARES) else {
        return Ok(());
    };
    let held = share::Entity::find()
        .filter(share::Column::UserId.eq(me.user.id))
        .filter(share::Column::DeletedAt.is_null())
        .count(&ctx.state.db)
        .await?;
    if held >= max {
        return Err(ShareError::TooMany(max));
    }
    Ok(())
}

pub async fn create(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    opts: &ShareOptions,
) -> Result<share::Model, ShareError> {
    let me = ctx.user()?;
    if !me.permissions().enabled(group_perm::SHARE) {
        return Err(ShareError::GroupNotAllowed);
    }
    opts.validate()?;
    if uri.fs != FsKind::My {
        return Err(ShareError::NotShareable(
            "only your own files can be shared",
        ));
    }
    let node = nav::resolve(ctx, uri).await?;
    node.require(fs_cap::SHARE)?;
    if !node.owned {
        return Err(ShareError::NotShareable("only the owner can share this"));
    }
    // A link publishes what it points at: a write, within the credential's folder only.
    reach::write_at(ctx.caller, &node.uri)?;
    if node.file.parent_id.is_none() {
        return Err(ShareError::Root);
    }
    if node.file.is_symbolic {
        return Err(ShareError::Invalid(
            "a saved share cannot be shared again".into(),
        ));
    }
    if opts.upload_only && node.file.r#type != file::kind::FOLDER {
        return Err(ShareError::Invalid("only a folder can take uploads".into()));
    }
    ensure_room(ctx, me).await?;
    let now = Utc::now();
    Ok(share::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        password: Set(opts.wanted_password()),
        views: Set(0),
        downloads: Set(0),
        expires: Set(opts.expires()),
        remain_downloads: Set(opts.remain_downloads()),
        props: Set(Some(opts.props())),
        file_id: Set(node.file.id),
        user_id: Set(me.user.id),
        upload_only: Set(opts.upload_only),
        upload_limit: Set(opts.upload_limit()),
        uploaded: Set(0),
        ..Default::default()
    }
    .insert(&ctx.state.db)
    .await?)
}

/// A share of the caller (any share for administrators when `admin_may`), or
/// [`ShareError::NotFound`] so nothing is learned about other users' shares.
async fn owned_share(
    ctx: &FsCtx<'_>,
    me: &SignedIn,
    hashid: &str,
    admin_may: bool,
) -> Result<share::Model, ShareError> {
    let id = ctx
        .state
        .ids
        .decode(hashid, IdKind::Share)
        .map_err(|_| ShareError::NotFound)?;
    access::find(&ctx.state.db, id)
        .await?
        .filter(|s| s.user_id == me.user.id || (admin_may && me.is_admin()))
        .ok_or(ShareError::NotFound)
}

/// Replaces downloads, expiry and `share_view` of the caller's share. A password stays as it
/// is; a share without one gets one when the edit asks for it (`is_private` or a password),
/// so an edit never leaves public a share the caller meant to protect.
pub async fn edit(
    ctx: &FsCtx<'_>,
    hashid: &str,
    opts: &ShareOptions,
) -> Result<share::Model, ShareError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    opts.validate()?;
    let row = owned_share(ctx, me, hashid, false).await?;
    if opts.upload_only {
        let shared = file::Entity::find_by_id(row.file_id)
            .one(&ctx.state.db)
            .await?;
        if shared.is_none_or(|f| f.r#type != file::kind::FOLDER) {
            return Err(ShareError::Invalid("only a folder can take uploads".into()));
        }
    }
    let password = match &row.password {
        Some(pw) if !pw.is_empty() => None,
        _ => opts.wanted_password(),
    };
    let mut active = row.into_active_model();
    if let Some(pw) = password {
        active.password = Set(Some(pw));
    }
    active.remain_downloads = Set(opts.remain_downloads());
    active.expires = Set(opts.expires());
    active.props = Set(Some(opts.props()));
    active.upload_only = Set(opts.upload_only);
    active.upload_limit = Set(opts.upload_limit());
    active.updated_at = Set(Utc::now());
    let row = active.update(&ctx.state.db).await?;
    // A new password, expiry or limit may shut out whoever holds it open.
    access_watch::notice(ctx.state, Narrowed::Share(row.id));
    Ok(row)
}

/// Deletes a share of the caller (administrators: any share).
pub async fn delete(ctx: &FsCtx<'_>, hashid: &str) -> Result<share::Model, ShareError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    let row = owned_share(ctx, me, hashid, true).await?;
    let mut active = row.clone().into_active_model();
    active.deleted_at = Set(Some(Utc::now()));
    active.update(&ctx.state.db).await?;
    access_watch::notice(ctx.state, Narrowed::Share(row.id));
    Ok(row)
}

/// Deletes those of the shares `hashids` names that belong to the caller (administrators
/// too: only their own); others are left alone without a word, as Cloudreve does. Every id is
/// decoded first, so an undecodable one changes nothing. Answers the ids deleted.
pub async fn delete_many(ctx: &FsCtx<'_>, hashids: &[String]) -> Result<Vec<i64>, ShareError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    let mut ids = Vec::with_capacity(hashids.len());
    for h in hashids {
        let id = ctx
            .state
            .ids
            .decode(h, IdKind::Share)
            .map_err(|_| ShareError::Invalid(format!("invalid share id {h:?}")))?;
        ids.push(id);
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let owned: Vec<i64> = share::Entity::find()
        .select_only()
        .column(share::Column::Id)
        .filter(share::Column::Id.is_in(ids))
        .filter(share::Column::UserId.eq(me.user.id))
        .filter(share::Column::DeletedAt.is_null())
        .into_tuple()
        .all(&ctx.state.db)
        .await?;
    if !owned.is_empty() {
        share::Entity::update_many()
            .col_expr(
                share::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(Some(Utc::now())),
            )
            .filter(share::Column::Id.is_in(owned.clone()))
            .filter(share::Column::DeletedAt.is_null())
            .exec(&ctx.state.db)
            .await?;
    }
    for &id in &owned {
        access_watch::notice(ctx.state, Narrowed::Share(id));
    }
    Ok(owned)
}

/// A page of shares: `page_size` rows after the cursor, newest first unless `ascending`.
pub struct PageRequest<'a> {
    pub page_size: i64,
    pub ascending: bool,
    pub next_page_token: Option<&'a str>,
}

/// Valid `order_by` values (all order by creation).
pub const ORDER_BY_OPTIONS: [&str; 2] = ["created_at", "id"];

/// Which of an owner's shares a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Every share (the owner's own list).
    All,
    /// Working shares, with or without a password (a profile set to `all_share`).
    Working,
    /// Working shares without a password (a profile's default).
    Public,
}

/// The account setting naming which shares the account's profile lists, and its values;
/// kept with the account settings, which check them.
pub use crate::users::settings::{PROFILE_VALUES, SHARE_LINKS_IN_PROFILE as PROFILE_SETTING};

/// What `owner`'s profile lists (`GET /user/shares/:id`); an owner who hid them is
/// [`ShareError::ProfileHidden`]. An unknown stored value lists the public ones.
pub fn profile_listing(owner: &user::Model) -> Result<Listed, ShareError> {
    let value = owner
        .settings
        .get(PROFILE_SETTING)
        .and_then(|v| v.as_str())
        .unwrap_or("");
    match value {
        "all_share" => Ok(Listed::Working),
        "hide_share" => Err(ShareError::ProfileHidden),
        _ => Ok(Listed::Public),
    }
}

/// One page of the shares of `owner_id` that `listed` picks. Returns the rows and the next
/// page's token.
pub async fn page(
    ctx: &FsCtx<'_>,
    owner_id: i64,
    listed: Listed,
    req: &PageRequest<'_>,
) -> Result<(Vec<share::Model>, Option<String>), ShareError> {
    let ids: &HashIds = &ctx.state.ids;
    let after = match req.next_page_token.filter(|t| !t.is_empty()) {
        Some(t) => Some(
            ids.decode(t, IdKind::Share)
                .map_err(|_| ShareError::Invalid("invalid next_page_token".into()))?,
        ),
        None => None,
    };
    let mut rows = Vec::new();
    let mut cursor = after;
    // Public listings drop invalid shares after reading, so read until the page is full.
    loop {
        let mut q = share::Entity::find()
            .filter(share::Column::UserId.eq(owner_id))
            .filter(share::Column::DeletedAt.is_null());
        if listed == Listed::Public {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(share::Column::Password.is_null())
                    .add(share::Column::Password.eq("")),
            );
        }
        q = match (cursor, req.ascending) {
            (Some(c), true) => q.filter(share::Column::Id.gt(c)),
            (Some(c), false) => q.filter(share::Column::Id.lt(c)),
            (None, _) => q,
        };
        q = if req.ascending {
            q.order_by_asc(share::Column::Id)
        } else {
            q.order_by_desc(share::Column::Id)
        };
        let batch = q.limit(req.page_size as u64 + 1).all(&ctx.state.db).await?;
        let exhausted = batch.len() as i64 <= req.page_size;
        // The rows every share's check reads, for the whole batch at once.
        let checked = match listed {
            Listed::All => None,
            _ => Some(Batch::read(&ctx.state.db, &batch).await?),
        };
        for row in batch {
            cursor = Some(row.id);
            if checked.as_ref().is_some_and(|c| c.check(&row).is_err()) {
                continue;
            }
            rows.push(row);
            if rows.len() as i64 > req.page_size {
                break;
            }
        }
        if exhausted || rows.len() as i64 > req.page_size {
            break;
        }
    }
    let more = rows.len() as i64 > req.page_size;
    rows.truncate(req.page_size as usize);
    let next = more
        .then(|| rows.last().map(|r| ids.encode(r.id, IdKind::Share)))
        .flatten();
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_eight_lowercase_characters() {
        let a = generate_password();
        assert_eq!(a.len(), GENERATED_PASSWORD_LEN);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_ne!(a, generate_password());
    }

    #[test]
    fn options_are_validated() {
        let ok = ShareOptions {
            password: Some("Abc123".into()),
            downloads: 3,
            expire: 60,
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        assert_eq!(ok.remain_downloads(), Some(3));
        assert!(ok.expires().is_some());
        for bad in [
            ShareOptions {
                password: Some("a b".into()),
                ..Default::default()
            },
            ShareOptions {
                password: Some("x".repeat(MAX_PASSWORD_LEN + 1)),
                ..Default::default()
            },
            ShareOptions {
                downloads: -1,
                ..Default::default()
            },
            ShareOptions {
                expire: -1,
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        let unlimited = ShareOptions::default();
        assert_eq!(unlimited.wanted_password(), None);
        assert_eq!(unlimited.remain_downloads(), None);
        assert_eq!(unlimited.expires(), None);
    }

    #[test]
    fn a_given_password_or_is_private_asks_for_one() {
        let given = |password: &str, is_private| ShareOptions {
            password: Some(password.into()),
            is_private,
            ..Default::default()
        };
        assert_eq!(
            given("Abc123", false).wanted_password().as_deref(),
            Some("Abc123")
        );
        assert_eq!(
            given("Abc123", true).wanted_password().as_deref(),
            Some("Abc123")
        );
        assert_eq!(given("", false).wanted_password(), None);
        let generated = given("", true).wanted_password().unwrap();
        assert_eq!(generated.len(), GENERATED_PASSWORD_LEN);
    }
}
