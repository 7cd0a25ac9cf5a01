//! One mapping per edge from its answer to a [`Decision`].

use serde_json::Value;

use super::Decision;

/// The API's envelope: code 0 is allowed; the codes of a missing object, of a refusal and of
/// a credential that no longer signs in, each to its decision.
pub(crate) fn api(http: u16, body: &str) -> Decision {
    if http == 429 {
        return Decision::Throttled;
    }
    let code = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_i64());
    match code {
        Some(0) => Decision::Allowed,
        // Sign in again; banned.
        Some(401 | 40017) => Decision::Unauthorized,
        // Not found: object, parent, share link, version.
        Some(404 | 40016 | 40044 | 40058 | 40077) => Decision::NotFound,
        // No permission; the group may not; read-only; the guard stopped the credential.
        Some(403 | 40007 | 40090) => Decision::Refused,
        Some(429) => Decision::Throttled,
        _ => Decision::Other(format!("HTTP {http} {}", short(body))),
    }
}

/// `/dav` and the Nextcloud paths: the HTTP status (a guard refusal is 423 on `/dav`, 403 on
/// the Nextcloud paths; both are a refusal).
pub(crate) fn webdav(http: u16, body: &str) -> Decision {
    match http {
        200..=399 => Decision::Allowed,
        401 => Decision::Unauthorized,
        403 | 423 => Decision::Refused,
        404 => Decision::NotFound,
        429 => Decision::Throttled,
        _ => Decision::Other(format!("HTTP {http} {}", short(body))),
    }
}

/// S3: the error's `<Code>`.
pub(crate) fn s3(http: u16, body: &str) -> Decision {
    if (200..300).contains(&http) {
        return Decision::Allowed;
    }
    let code = body
        .split("<Code>")
        .nth(1)
        .and_then(|rest| rest.split("</Code>").next())
        .unwrap_or_default();
    match code {
        "AccessDenied" | "AuthorizationQueryParametersError" => Decision::Refused,
        "InvalidAccessKeyId" | "SignatureDoesNotMatch" => Decision::Unauthorized,
        "NoSuchKey" | "NoSuchBucket" => Decision::NotFound,
        "SlowDown" => Decision::Throttled,
        _ => Decision::Other(format!("HTTP {http} {}", short(body))),
    }
}

fn short(body: &str) -> String {
    body.chars()
        .take(160)
        .collect::<String>()
        .replace('\n', " ")
}
