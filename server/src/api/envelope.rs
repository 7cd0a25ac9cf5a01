//! The `{code, data, msg}` envelope, [`ApiError`] and the table of error codes. Lower layers
//! return their own errors; they become an [`ApiError`] through the `From` impls of
//! `api::errors` (and the few here) or an explicit [`ApiError::new`] in a handler.

use poem::{IntoResponse, Response, error::ResponseError, http::StatusCode};
use poem_openapi::{
    Object,
    payload::Json,
    types::{ParseFromJSON, ToJSON},
};
use serde_json::{Map, Value, json};

use crate::request_ctx;

/// A successful answer: code 0 and the payload.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Envelope<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// 0 on success.
    pub code: i32,
    /// The payload.
    pub data: Option<T>,
    /// Human-readable message, usually empty on success.
    pub msg: String,
}

/// What every `/api/v4` JSON handler returns; `?` turns any lower-layer error into the
/// envelope through the `From` impls below.
pub type ApiResult<T> = Result<Json<Envelope<T>>, ApiError>;

/// Wraps `data` in a success envelope.
pub fn ok<T: ParseFromJSON + ToJSON + Send + Sync>(data: T) -> ApiResult<T> {
    Ok(Json(Envelope {
        code: 0,
        data: Some(data),
        msg: String::new(),
    }))
}

/// Success without data: `{code: 0, msg: ""}`.
pub fn done<T: ParseFromJSON + ToJSON + Send + Sync>() -> ApiResult<T> {
    Ok(Json(Envelope {
        code: 0,
        data: None,
        msg: String::new(),
    }))
}

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal, $status:ident, $msg:literal; )*) => {
        /// Every code Stratus can answer with (Cloudreve's table, `pkg/serializer/error.go`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $name, )*
        }

        impl ErrorCode {
            /// The number in the envelope's `code` field.
            pub fn code(self) -> i32 {
                match self { $( Self::$name => $code, )* }
            }
            /// The HTTP status the envelope is sent with (200 unless the protocol says otherwise).
            pub fn status(self) -> StatusCode {
                match self { $( Self::$name => StatusCode::$status, )* }
            }
            /// The default message, used when a handler gives none.
            pub fn message(self) -> &'static str {
                match self { $( Self::$name => $msg, )* }
            }
        }
    };
}

error_codes! {
    /// Not fully successful: 2FA required, activation mail sent.
    Continue = 203, OK, "";
    /// Login required.
    LoginRequired = 401, OK, "Login required";
    /// The caller may not do this.
    NoPermission = 403, OK, "You do not have permission to do this";
    /// The object or route does not exist.
    NotFound = 404, OK, "Not found";
    /// An unknown route under `/api/v4`.
    RouteNotFound = 404, NOT_FOUND, "Not found";
    /// The HTTP method is not served on this route.
    MethodNotAllowed = 404, METHOD_NOT_ALLOWED, "Method not allowed";
    /// Modified concurrently.
    Conflict = 409, OK, "Conflict";
    /// Too many attempts; retry later.
    TooManyRequests = 429, TOO_MANY_REQUESTS, "Too many requests, try again later";
    /// Malformed request parameters or body.
    ParamError = 40001, OK, "Invalid parameters";
    /// The request body is larger than allowed.
    PayloadTooLarge = 40001, PAYLOAD_TOO_LARGE, "Request body too large";
    /// Upload failed.
    UploadFailed = 40002, OK, "Upload failed";
    /// Creating a folder failed.
    CreateFolderFailed = 40003, OK, "Failed to create folder";
    /// An object with this name already exists.
    ObjectExisted = 40004, OK, "Object already exists";
    /// A signature has expired.
    SignExpired = 40005, OK, "Signature expired";
    /// The storage policy does not allow this.
    PolicyNotAllowed = 40006, OK, "Storage policy does not allow this";
    /// The user's group may not do this.
    GroupNotAllowed = 40007, OK, "Your group is not allowed to do this";
    /// Administrator required.
    AdminRequired = 40008, OK, "Administrator required";
    /// The master node is not registered.
    MasterNotFound = 40009, OK, "Master node not registered";
    /// Phone binding required.
    PhoneRequired = 40010, OK, "Phone binding required";
    /// Upload session expired or unknown.
    UploadSessionExpired = 40011, OK, "Upload session expired or not found";
    /// Chunk index out of range.
    InvalidChunkIndex = 40012, OK, "Invalid chunk index";
    /// Content-Length does not match.
    InvalidContentLength = 40013, OK, "Invalid content length";
    /// Too many source links in one batch.
    BatchSourceSize = 40014, OK, "Too many files in one batch";
    /// Too many remote downloads in one batch.
    BatchAria2Size = 40015, OK, "Too many URLs in one batch";
    /// The parent path does not exist.
    ParentNotExist = 40016, OK, "Parent folder does not exist";
    /// The user is banned.
    UserBanned = 40017, OK, "This account has been banned";
    /// The user is not activated.
    UserNotActivated = 40018, OK, "This account is not activated";
    /// The feature is switched off.
    FeatureNotEnabled = 40019, OK, "This feature is not enabled";
    /// Bad token or signature; clients sign out.
    CredentialInvalid = 40020, OK, "Invalid credentials";
    /// No such user.
    UserNotFound = 40021, OK, "User not found";
    /// Wrong 2FA code.
    TwoFaCodeWrong = 40022, OK, "Incorrect 2FA code";
    /// The login session does not exist.
    LoginSessionNotExist = 40023, OK, "Login session does not exist";
    /// WebAuthn could not start.
    InitWebAuthnFailed = 40024, OK, "Cannot initialize WebAuthn";
    /// The WebAuthn credential is invalid.
    WebAuthnCredentialError = 40025, OK, "WebAuthn credential is invalid";
    /// Wrong captcha.
    CaptchaError = 40026, OK, "Incorrect captcha";
    /// The captcha must be refreshed.
    CaptchaRefreshNeeded = 40027, OK, "Captcha needs to be refreshed";
    /// Sending the e-mail failed.
    FailedSendEmail = 40028, OK, "Failed to send e-mail";
    /// The temporary link is invalid.
    InvalidTempLink = 40029, OK, "Invalid link";
    /// The temporary link expired.
    TempLinkExpired = 40030, OK, "Link expired";
    /// The e-mail provider is not allowed.
    EmailProviderBanned = 40031, OK, "This e-mail provider is not allowed";
    /// The e-mail address is taken.
    EmailExisted = 40032, OK, "E-mail address already in use";
    /// Activation mail sent again.
    EmailSent = 40033, OK, "Activation e-mail re-sent";
    /// The user cannot be activated.
    UserCannotActivate = 40034, OK, "This account cannot be activated";
    /// The storage policy does not exist.
    PolicyNotExist = 40035, OK, "Storage policy does not exist";
    /// The default policy cannot be deleted.
    DeleteDefaultPolicy = 40036, OK, "The default storage policy cannot be deleted";
    /// The policy still has files.
    PolicyUsedByFiles = 40037, OK, "Storage policy still has files";
    /// The policy is bound to groups.
    PolicyUsedByGroups = 40038, OK, "Storage policy is used by groups";
    /// The group does not exist.
    GroupNotFound = 40039, OK, "Group not found";
    /// System groups cannot be changed this way.
    InvalidActionOnSystemGroup = 40040, OK, "Invalid action on a system group";
    /// The group still has users.
    GroupUsedByUser = 40041, OK, "Group still has users";
    /// The default user's group cannot change.
    InvalidActionOnDefaultUser = 40042, OK, "Cannot change the group of the default user";
    /// The default user cannot be changed this way.
    InvalidActionOnDefaultUserGeneric = 40043, OK, "Invalid action on the default user";
    /// The file does not exist.
    FileNotFound = 40044, OK, "File not found";
    /// Listing failed.
    ListFilesError = 40045, OK, "Failed to list files";
    /// The system node cannot be changed this way.
    InvalidActionOnSystemNode = 40046, OK, "Invalid action on the system node";
    /// The file system could not be created.
    CreateFsError = 40047, OK, "Failed to create file system";
    /// The task could not be created.
    CreateTaskError = 40048, OK, "Failed to create task";
    /// The file is too large.
    FileTooLarge = 40049, OK, "File too large";
    /// The file type is not allowed.
    FileTypeNotAllowed = 40050, OK, "File type not allowed";
    /// Not enough capacity left.
    InsufficientCapacity = 40051, OK, "Insufficient storage capacity";
    /// The name is not allowed.
    IllegalObjectName = 40052, OK, "Illegal object name";
    /// The root folder cannot be changed.
    RootProtected = 40053, OK, "The root folder is protected";
    /// A file with this name is already being uploaded.
    ConflictUploadOngoing = 40054, OK, "A file with the same name is being uploaded";
    /// Metadata (e.g. size) does not match.
    MetaMismatch = 40055, OK, "Metadata mismatch";
    /// Unsupported archive type.
    UnsupportedArchiveType = 40056, OK, "Unsupported archive type";
    /// The available storage policy changed.
    PolicyChanged = 40057, OK, "Available storage policy changed";
    /// The share link does not exist or expired.
    ShareLinkNotFound = 40058, OK, "Share link not found or expired";
    /// One cannot save one's own share.
    SaveOwnShare = 40059, OK, "You cannot save your own share";
    /// The slave cannot reach the master.
    SlavePingMaster = 40060, OK, "Slave cannot reach master";
    /// Master and slave versions differ.
    CloudreveVersion = 40061, OK, "Master and slave versions differ";
    /// Wrong password (share or current password).
    IncorrectPassword = 40069, OK, "Incorrect password";
    /// Too many wrong share passwords from this address or for this share.
    SharePasswordThrottled = 40069, TOO_MANY_REQUESTS, "Too many wrong passwords, try again later";
    /// Share preview is disabled.
    DisabledSharePreview = 40070, OK, "Share preview is disabled";
    /// The signature is invalid.
    InvalidSign = 40071, OK, "Invalid signature";
    /// A lock conflicts.
    LockConflict = 40073, OK, "Lock conflict";
    /// Too many URIs in one request.
    TooManyUris = 40074, OK, "Too many objects in one request";
    /// The lock token expired.
    LockTokenExpired = 40075, OK, "Lock token expired";
    /// The file changed since the editor loaded it.
    StaleVersion = 40076, OK, "The file has been changed by someone else";
    /// The entity (blob) does not exist.
    EntityNotExist = 40077, OK, "Entity does not exist";
    /// The file is in the trash.
    FileInTrash = 40078, OK, "The file is in the trash";
    /// Too many files walked.
    WalkLimit = 40079, OK, "Too many files";
    /// Wrong e-mail or password.
    InvalidPassword = 40080, OK, "Incorrect e-mail or password";
    /// Some items of a batch failed; see `aggregated_error`.
    BatchOperationNotFullyCompleted = 40081, OK, "Not all operations were completed";
    /// Only the owner may do this.
    OwnerOnly = 40082, OK, "Only the owner can do this";
    /// The node is used by a storage policy.
    NodeUsedByPolicy = 40086, OK, "Node is used by a storage policy";
    /// An anonymous visitor opened a share whose visitor group may not download.
    AnonymousAccessDenied = 40088, OK, "Anonymous access denied";
    /// The OAuth token lacks a scope the route requires (`Insufficient scope: <name>`).
    InsufficientScope = 40089, OK, "Insufficient scope";
    /// The guard against mass deletion stopped the credential after a burst of deletions or
    /// overwrites (Stratus's own code); the message says how to undo or release it.
    GuardStopped = 40090, FORBIDDEN, "Writes paused by the guard against mass deletion";
    /// Database error.
    DatabaseError = 50001, OK, "Database error";
    /// Encryption or signing failed.
    EncryptError = 50002, OK, "Encryption error";
    /// I/O error.
    IoError = 50004, OK, "I/O error";
    /// Internal setting error.
    InternalSetting = 50005, OK, "Internal setting error";
    /// Cache error.
    CacheOperation = 50006, OK, "Cache error";
    /// Callback error.
    CallbackError = 50007, OK, "Callback error";
    /// Updating a setting failed.
    UpdateSetting = 50008, OK, "Failed to update setting";
    /// Adding a CORS policy failed.
    AddCors = 50009, OK, "Failed to add CORS policy";
    /// The node is offline.
    NodeOffline = 50010, OK, "Node is offline";
    /// Querying file metadata failed.
    QueryMetaFailed = 50011, OK, "Failed to query file metadata";
}

/// An error answer: an [`ErrorCode`], a message, and optionally the cause (shown only in
/// debug mode), data (e.g. lock conflicts) or per-item errors (code 40081).
///
/// Boxed, so that `Result<T, ApiError>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<ErrorParts>);

#[derive(Debug)]
struct ErrorParts {
    code: ErrorCode,
    msg: String,
    cause: Option<String>,
    data: Option<Value>,
    aggregated: Option<Map<String, Value>>,
    retry_after: Option<u64>,
    /// HTTP status other than the code's own.
    status: Option<StatusCode>,
}

impl ApiError {
    /// An error with its own message; an empty message takes the code's default.
    pub fn new(code: ErrorCode, msg: impl Into<String>) -> Self {
        let msg = msg.into();
        Self(Box::new(ErrorParts {
            msg: if msg.is_empty() {
                code.message().to_owned()
            } else {
                msg
            },
            code,
            cause: None,
            data: None,
            aggregated: None,
            retry_after: None,
            status: None,
        }))
    }

    /// An error with the code's default message.
    pub fn code(code: ErrorCode) -> Self {
        Self::new(code, "")
    }

    /// Keeps the underlying error text for debug mode.
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.0.cause = Some(cause.to_string());
        self
    }

    /// Attaches `data` (used by 40073 lock conflicts and 40081 partial results).
    pub fn with_data(mut self, data: Value) -> Self {
        self.0.data = Some(data);
        self
    }

    /// Sets `Retry-After` (seconds) on the response, for throttling.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.0.retry_after = Some(secs);
        self
    }

    /// Sends the envelope with `status` instead of the code's own (a callback refused for
    /// its key answers 401, as its caller is no signed-in client).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Adds one failed item of a batch (code 40081).
    pub fn with_item(mut self, id: impl Into<String>, item: &ApiError) -> Self {
        self.0
            .aggregated
            .get_or_insert_with(Map::new)
            .insert(id.into(), item.body());
        self
    }

    /// The error code.
    pub fn error_code(&self) -> ErrorCode {
        self.0.code
    }

    /// The envelope as JSON, with the request's correlation id and, in debug mode, the cause.
    fn body(&self) -> Value {
        let e = &self.0;
        let mut body = json!({ "code": e.code.code(), "msg": e.msg });
        let ctx = request_ctx::current();
        if let (Some(cause), true) = (&e.cause, ctx.as_ref().is_some_and(|c| c.debug)) {
            body["error"] = Value::String(cause.clone());
        }
        if let Some(ctx) = ctx {
            body["correlation_id"] = Value::String(ctx.correlation_id.to_string());
        }
        if let Some(data) = &e.data {
            body["data"] = data.clone();
        }
        if let Some(agg) = &e.aggregated {
            body["aggregated_error"] = Value::Object(agg.clone());
        }
        body
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.code.code(), self.0.msg)?;
        if let Some(cause) = &self.0.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.0.status.unwrap_or_else(|| self.0.code.status())
    }

    fn as_response(&self) -> Response {
        let mut resp = poem::web::Json(self.body()).into_response();
        resp.set_status(self.status());
        if let Some(secs) = self.0.retry_after {
            resp.headers_mut()
                .insert(poem::http::header::RETRY_AFTER, secs.into());
        }
        resp
    }
}

impl poem_openapi::ApiResponse for ApiError {
    // Errors travel in the same 200 envelope as successes; the document describes the
    // envelope once, in the API description, rather than on every operation.
    fn meta() -> poem_openapi::registry::MetaResponses {
        poem_openapi::registry::MetaResponses { responses: vec![] }
    }

    fn register(_registry: &mut poem_openapi::registry::Registry) {}
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.as_response()
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        ApiError::code(ErrorCode::DatabaseError).with_cause(err)
    }
}

impl From<crate::ids::IdError> for ApiError {
    fn from(err: crate::ids::IdError) -> Self {
        ApiError::new(ErrorCode::ParamError, err.to_string())
    }
}

/// Turns errors raised by poem and poem-openapi themselves (unknown route, unparsable body,
/// missing parameter, body too large) into the envelope.
pub fn from_poem(err: poem::Error) -> ApiError {
    use poem::error::{
        MethodNotAllowedError, NotFoundError, ParseJsonError, ParsePathError, ParseQueryError,
        SizedLimitError,
    };
    use poem_openapi::error::{
        ContentTypeError, ParseMultipartError, ParseParamError, ParseRequestPayloadError,
    };

    if err.is::<ApiError>() {
        let api = err.downcast::<ApiError>().expect("checked type");
        return api;
    }
    if err.is::<NotFoundError>() {
        return ApiError::code(ErrorCode::RouteNotFound);
    }
    if err.is::<MethodNotAllowedError>() {
        return ApiError::code(ErrorCode::MethodNotAllowed);
    }
    if err.is::<SizedLimitError>() {
        return ApiError::code(ErrorCode::PayloadTooLarge);
    }
    let parse_error = err.is::<ParseRequestPayloadError>()
        || err.is::<ParseParamError>()
        || err.is::<ContentTypeError>()
        || err.is::<ParseMultipartError>()
        || err.is::<ParseJsonError>()
        || err.is::<ParsePathError>()
        || err.is::<ParseQueryError>();
    if parse_error {
        return ApiError::new(ErrorCode::ParamError, err.to_string());
    }
    let status = err.status();
    let code = match status {
        StatusCode::UNAUTHORIZED => ErrorCode::LoginRequired,
        StatusCode::FORBIDDEN => ErrorCode::NoPermission,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        s if s.is_client_error() => ErrorCode::ParamError,
        _ => ErrorCode::IoError,
    };
    ApiError::new(code, err.to_string())
}
