// What the signed-out pages ask (sent without a token): signing in with a password, its 2FA
// step or a passkey; signing up and confirming the address; the forgotten password; the captcha.
import { useQuery } from "@tanstack/react-query";
import { anonymousApi, type Schemas, unwrap } from "../client";

export type LoginResponse = Schemas["LoginResponse"];

/** Answers the session, or throws 203 (CODE_CONTINUE) with the 2FA session id as `data`. */
export function passwordSignIn(body: Schemas["PasswordLoginRequest"]) {
  return unwrap(anonymousApi.POST("/session/token", { body }));
}

/** Turns the one-time code of an OpenID Connect callback into a sign-in (203: the 2FA step). */
export function oidcSignIn(code: string) {
  return unwrap(anonymousApi.POST("/session/oidc/finish", { body: { code } }));
}

export function twoFactorSignIn(body: Schemas["TwoFactorLoginRequest"]) {
  return unwrap(anonymousApi.POST("/session/token/2fa", { body }));
}

/** The options of a passkey assertion, and the session they belong to. */
export function passkeySignInOptions() {
  return unwrap(anonymousApi.PUT("/session/authn"));
}

export function passkeySignIn(body: Schemas["FinishPasskeyLoginRequest"]) {
  return unwrap(anonymousApi.POST("/session/authn", { body }));
}

/** Throws 203 (CODE_CONTINUE) when the account waits for its address to be confirmed. */
export async function signUp(body: Schemas["RegisterRequest"]) {
  await unwrap(anonymousApi.POST("/user", { body }));
}

/** Mails a reset link to `email` (the answer is the same whether or not it has an account). */
export async function requestPasswordReset(body: Schemas["ResetEmailRequest"]) {
  await unwrap(anonymousApi.POST("/user/reset", { body }));
}

export async function resetPassword(id: string, body: Schemas["ResetPasswordRequest"]) {
  await unwrap(anonymousApi.PATCH("/user/reset/{id}", { params: { path: { id } }, body }));
}

/** Confirms the address of the activation link once; answers the account. */
export function useActivation(id: string | undefined, sign: string | undefined) {
  return useQuery({
    queryKey: ["activate", id, sign],
    queryFn: () =>
      unwrap(
        anonymousApi.GET("/user/activate/{id}", {
          params: { path: { id: id ?? "" }, query: { sign: sign ?? "" } as never },
        }),
      ),
    enabled: !!id && !!sign,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The site's picture captcha and its ticket; a new one on each refetch. */
export function useCaptchaImage(enabled: boolean) {
  return useQuery({
    queryKey: ["captcha", "account"],
    queryFn: () => unwrap(anonymousApi.GET("/site/captcha")),
    enabled,
    staleTime: 0,
  });
}
