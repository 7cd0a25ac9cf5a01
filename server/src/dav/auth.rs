//! The sign-in of a `/dav` request: its Basic credentials go through the door
//! (`door::basic`), and a refusal is answered as every WebDAV path answers it (401 with the
//! challenge, 403, 429 with `Retry-After`).

use poem::{Request, Response};

pub use crate::door::{ROW_TTL, basic::Signed};
use crate::state::AppState;

/// Signs the request in, or answers it (401, 403 or 429).
pub async fn sign_in(state: &AppState, req: &Request) -> Result<Signed, Response> {
    crate::door::basic::answered(state, req).await
}
