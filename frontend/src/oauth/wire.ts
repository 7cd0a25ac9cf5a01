// The OAuth routes the web pages call (spec §2.5, §2.6, §2.10, §2.13), through the envelope
// reader `unwrap`. The generated client has no types for them until the server's OpenAPI
// document lists them, so requests go through `call` and the shapes are written here from the
// spec; they move to the generated ones once those exist.
import { API_BASE, ApiError, unwrap } from "../api/client";
import { accessToken } from "../api/session";

/** `GET /session/oauth/app/:app_id`. */
export type OAuthApp = {
  id: string;
  /** May be an i18n key of a system app (see appName.ts). */
  name: string;
  homepage_url?: string;
  icon?: string;
  description?: string;
  /** Scopes of the caller's existing grant for this app; only when signed in. */
  consented_scopes?: string[];
  /** The registered redirect URIs, when the server lists them (used to check before a redirect). */
  redirect_uris?: string[];
};

/** `POST /session/oauth/consent`. */
export type ConsentRequest = {
  client_id: string;
  response_type: string;
  redirect_uri: string;
  state?: string;
  scope: string;
  code_challenge?: string;
  code_challenge_method?: string;
  nonce?: string;
};
export type ConsentAnswer = { code: string; state: string };

/** One entry of `oauth_grants` in `GET /user/setting`. */
export type OAuthGrant = {
  client_id: string;
  client_name: string;
  client_logo?: string;
  scopes: string[];
  last_used_at?: string | null;
};

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** A request with the signed-in user's token (when there is one) and a JSON body. */
export async function call<D>(method: Method, path: string, body?: unknown): Promise<D> {
  const token = await accessToken();
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  const data = await response.json().catch(() => undefined);
  return unwrap<D>(Promise.resolve({ data, response }));
}

const segment = encodeURIComponent;

export const getApp = (clientId: string) =>
  call<OAuthApp>("GET", `/session/oauth/app/${segment(clientId)}`);

export const consent = (request: ConsentRequest) =>
  call<ConsentAnswer>("POST", "/session/oauth/consent", request);

export const revokeGrant = (clientId: string) =>
  call<null>("DELETE", `/session/oauth/grant/${segment(clientId)}`);
