//! The Nextcloud client protocol, so the Nextcloud (and ownCloud) desktop and mobile apps can
//! sync (`/remote.php/…`, [`dav`]), find the server, sign in and show the account:
//! `/status.php`, `/ocs/v{1,2}.php/cloud/{capabilities,user}`, `/index.php/204`,
//! `/index.php/avatar/…`, the login flows (`login.rs`), the OCS share API's public links
//! (`shares.rs`), file previews (`preview.rs`).
//!
//! Basic credentials are checked by `dav::auth`, as on `/dav`; the credential a login flow
//! hands out is an app password (`auth::app_password`).

pub mod caller;
pub mod dav;
pub mod login;
pub mod ocs;
pub mod preview;
pub mod shares;
pub mod status;
pub mod user;

use poem::{Route, get, post};

/// Where the push socket (`dav/push.rs`, Nextcloud's `notify_push`) is served and announced.
pub const PUSH_PATH: &str = "/push/ws";

/// `/status.php`, to mount at the site's root.
pub fn status_php() -> impl poem::Endpoint {
    get(status::status)
}

/// The routes below `/ocs` (both API versions).
pub fn ocs_routes() -> Route {
    let mut route = Route::new();
    for v in ["v1.php", "v2.php"] {
        route = route
            .at(
                format!("/{v}/cloud/capabilities"),
                get(status::capabilities),
            )
            .at(format!("/{v}/cloud/user"), get(user::current_user))
            .at(
                format!("/{v}/apps/files_sharing/api/v1/shares"),
                get(shares::list_shares).post(shares::create_share),
            )
            .at(
                format!("/{v}/apps/files_sharing/api/v1/shares/:id"),
                poem::delete(shares::delete_share),
            );
    }
    route
}

/// The routes below `/index.php`.
pub fn index_routes() -> Route {
    Route::new()
        .at("/204", get(status::no_content))
        .at("/avatar/:user/:size", get(user::get_avatar))
        .at("/login/v2", post(login::start_v2))
        .at("/login/v2/poll", post(login::poll_v2))
        .at("/login/flow", get(login::start_v1))
        .at("/core/preview", get(preview::get_preview))
        .at("/core/preview.png", get(preview::get_preview))
}
