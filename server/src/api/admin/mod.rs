//! `/admin`: the administration routes (spec §2.9, §14; audit events from deviations §4),
//! one file per route group, and the one guard in front of all of them.
//!
//! [`guard`] runs for every `/api/v4` request once the caller is known: a path below `/admin`
//! needs a signed-in caller (else code 401) whose group has the admin permission (else 403),
//! and nothing runs otherwise. It leaves an [`Actor`] in the request, which every admin
//! handler takes: a handler reached any other way has no actor and cannot run.

pub mod backup_dto;
pub mod backup_record;
pub mod backup_record_io;
pub mod backup_target;
pub mod backup_task;
pub mod dto;
pub mod file;
pub mod grant;
pub mod group;
pub mod health;
pub mod node;
pub mod notification;
pub mod oauth_client;
pub mod policy;
pub mod queue;
pub mod share;
pub mod sign_in;
pub mod site;
pub mod snapshot;
pub mod user;

use percent_encoding::percent_decode_str;
use poem::Request;

use super::envelope::{ApiError, ErrorCode};
use crate::{admin::Actor, auth::caller::Caller, events::Client, state::AppState};

/// The admin route groups, listed once: each is a unit struct, so the same tokens are the
/// tuple's type and its value (nested: a tuple implements `OpenApi` up to 16 members).
macro_rules! admin_route_groups {
    () => {
        (
            (
                site::AdminSiteApi,
                group::AdminGroupApi,
                user::AdminUserApi,
                policy::AdminPolicyApi,
                file::AdminFileApi,
                file::AdminEntityApi,
                share::AdminShareApi,
                share::AdminEventApi,
                queue::AdminQueueApi,
                node::AdminNodeApi,
                notification::AdminNotificationApi,
                health::AdminHealthApi,
                snapshot::AdminSnapshotApi,
            ),
            (
                backup_target::AdminBackupTargetApi,
                backup_task::AdminBackupTaskApi,
                backup_record::AdminBackupRecordApi,
                backup_record_io::AdminBackupRecordIoApi,
                oauth_client::AdminOAuthClientApi,
                sign_in::AdminSignInApi,
                grant::AdminGrantApi,
            ),
        )
    };
}

/// Route groups of the admin API.
pub type AdminApis = admin_route_groups!();

/// The admin route groups, for the OpenAPI service.
pub fn apis() -> AdminApis {
    admin_route_groups!()
}

/// Whether `path` (below the API base) is an admin route. Decoded first, so an escaped
/// spelling of `admin` is guarded too.
pub fn is_admin_path(path: &str) -> bool {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let first = decoded
        .split('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or_default();
    first.eq_ignore_ascii_case("admin")
}

/// Lets an admin request through (with its [`Actor`]) or refuses it: 401 signed out, 403 for
/// a caller whose group lacks the admin permission. Other requests pass untouched.
pub fn guard(state: &AppState, req: &mut Request, caller: &Caller) -> Result<(), ApiError> {
    if !is_admin_path(req.uri().path()) {
        return Ok(());
    }
    let me = caller.signed_in()?;
    if !me.is_admin() {
        return Err(ApiError::new(
            ErrorCode::NoPermission,
            "Administrator permission required",
        ));
    }
    let client = Client::of(req, &state.config);
    req.extensions_mut().insert(Actor {
        user: me.user.clone(),
        client,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_admin_path;

    #[test]
    fn admin_paths_are_recognized_however_spelled() {
        for path in [
            "/admin",
            "/admin/",
            "/admin/settings",
            "//admin/user/1",
            "/%61dmin/settings",
            "/Admin/x",
        ] {
            assert!(is_admin_path(path), "{path}");
        }
        for path in [
            "/",
            "/user/me",
            "/administrator",
            "/file/admin",
            "/site/config",
        ] {
            assert!(!is_admin_path(path), "{path}");
        }
    }
}
