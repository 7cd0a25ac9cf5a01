//! Registration, activation and password reset: `POST /user`, `GET /user/activate/:id`,
//! `POST /user/reset` and `PATCH /user/reset/:id`. The flow is `users::registration`'s.

use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};

use crate::api::{
    ApiTags,
    dto::user::User,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
};
use crate::{
    events::Client,
    state::AppState,
    users::registration::{self, Captcha, SignUp, SignedUp},
};

/// `POST /user`
#[derive(Debug, Object)]
pub struct RegisterRequest {
    #[oai(validator(max_length = 100))]
    pub email: String,
    #[oai(validator(min_length = 6, max_length = 128))]
    pub password: String,
    /// UI language (e.g. `en-US`); also picks the activation mail template.
    #[oai(validator(max_length = 32))]
    pub language: Option<String>,
    /// The typed captcha text, when `reg_captcha` is on.
    pub captcha: Option<String>,
    /// The ticket of `GET /site/captcha`.
    pub ticket: Option<String>,
}

/// `POST /user/reset`
#[derive(Debug, Object)]
pub struct ResetEmailRequest {
    #[oai(validator(max_length = 100))]
    pub email: String,
    /// Language of the mail template.
    #[oai(validator(max_length = 32))]
    pub language: Option<String>,
    /// The typed captcha text, when `forget_captcha` is on.
    pub captcha: Option<String>,
    /// The ticket of `GET /site/captcha`.
    pub ticket: Option<String>,
}

/// `PATCH /user/reset/:id`
#[derive(Debug, Object)]
pub struct ResetPasswordRequest {
    /// The new password.
    #[oai(validator(min_length = 6, max_length = 128))]
    pub password: String,
    /// The `secret` of the reset link.
    #[oai(validator(max_length = 128))]
    pub secret: String,
}

pub struct RegistrationApi;

#[OpenApi(tag = "ApiTags::User")]
impl RegistrationApi {
    /// Creates an account. With `email_active` on, the account stays inactive until the link
    /// of the activation mail is opened, and the answer is code 203 without data.
    #[oai(path = "/user", method = "post", operation_id = "register_user")]
    async fn register_user(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<RegisterRequest>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        let sign_up = SignUp {
            email: &body.email,
            password: &body.password,
            language: body.language.as_deref(),
            captcha: Captcha {
                answer: body.captcha.as_deref(),
                ticket: body.ticket.as_deref(),
            },
        };
        match registration::sign_up(&state, &client, sign_up).await? {
            SignedUp::Active(account) => {
                let (user, group) = *account;
                ok(User::from_model(&state.ids, &user, &group))
            }
            SignedUp::ActivationSent => Err(ApiError::new(
                ErrorCode::Continue,
                "An activation e-mail has been sent; open its link to finish signing up",
            )),
            SignedUp::ActivationResent => Err(ApiError::new(
                ErrorCode::EmailSent,
                "This account is not activated yet; the activation e-mail has been sent again",
            )),
        }
    }

    /// Activates an account from the link of its activation mail (signed, valid 24 hours).
    #[oai(
        path = "/user/activate/:id",
        method = "get",
        operation_id = "activate_user"
    )]
    async fn activate_user(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        sign: Query<Option<String>>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        let signature = sign.0.unwrap_or_default();
        let (user, group) = registration::activate(&state, &client, &id.0, &signature).await?;
        ok(User::from_model(&state.ids, &user, &group))
    }

    /// Sends a password-reset link. The answer is the same whether or not an account uses
    /// the address; the mail itself is sent in the background.
    #[oai(
        path = "/user/reset",
        method = "post",
        operation_id = "send_reset_email"
    )]
    async fn send_reset_email(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<ResetEmailRequest>,
    ) -> ApiResult<String> {
        let client = Client::of(req, &state.config);
        let captcha = Captcha {
            answer: body.captcha.as_deref(),
            ticket: body.ticket.as_deref(),
        };
        let language = body.language.as_deref();
        registration::request_reset(&state, &client, &body.email, language, captcha).await?;
        done()
    }

    /// Sets a new password with the secret of a reset link, ending every session of the
    /// account. The secret works once; wrong secrets count as failed sign-ins for throttling.
    #[oai(
        path = "/user/reset/:id",
        method = "patch",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<String>,
        body: ApiJson<ResetPasswordRequest>,
    ) -> ApiResult<User> {
        let client = Client::of(req, &state.config);
        let (user, group) =
            registration::reset_password(&state, &client, &id.0, &body.password, &body.secret)
                .await?;
        ok(User::from_model(&state.ids, &user, &group))
    }
}
