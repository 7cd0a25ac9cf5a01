//! Who calls a Nextcloud route: HTTP Basic exactly as `/dav` checks it (`door::basic`: the
//! e-mail with a WebDAV account password or an app password), or a Stratus access token
//! (`Bearer`, `door::session`). An OAuth client's token is refused: none of its scopes names
//! these routes.

use std::sync::Arc;

use poem::{Request, Response, http::header};

use crate::{
    door::{Caller, Refusal, SignedIn},
    state::AppState,
};

/// The signed-in caller, or the answer refusing the request (`None`: no or bad credentials;
/// `Some`: a refusal to send as it is, a 403 or 429 of the Basic sign-in).
pub async fn signed_in(state: &AppState, req: &Request) -> Result<Arc<SignedIn>, Option<Response>> {
    let authorization = req.header(header::AUTHORIZATION).unwrap_or_default();
    let scheme = authorization.split(' ').next().unwrap_or_default();
    if scheme.eq_ignore_ascii_case("bearer") {
        return match crate::door::session::resolve(state, Some(authorization)).await {
            Ok(Caller::User(me)) if me.oauth.is_none() => Ok(me),
            _ => Err(None),
        };
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(None);
    }
    match crate::door::basic::sign_in(state, req).await {
        Ok(signed) => Ok(signed.me),
        Err(refusal @ (Refusal::Throttled { .. } | Refusal::NotAllowed(_) | Refusal::Db(_))) => {
            Err(Some(crate::door::basic::answer(&refusal)))
        }
        Err(_) => Err(None),
    }
}
