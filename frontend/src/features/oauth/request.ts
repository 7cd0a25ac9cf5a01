// The authorization request as the address carries it (spec 4.18 §2.11), checked before anything is
// shown, and the address the browser is sent back to. Pure functions, so they are unit tested.
import type { ConsentRequest } from "../../api/account/oauth";

export type AuthorizeRequest = {
  clientId: string;
  responseType: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
};

/** Why a request cannot go on; none of these ever redirects anywhere. */
export type RequestProblem = "noClient" | "noRedirect" | "badRedirect" | "badResponseType";

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Reads the query of /session/authorize; a problem when the request cannot be answered. */
export function parseAuthorize(
  search: Record<string, unknown>,
): { request: AuthorizeRequest } | { problem: RequestProblem } {
  const clientId = text(search.client_id).trim();
  if (!clientId) return { problem: "noClient" };
  const redirectUri = text(search.redirect_uri);
  if (!redirectUri) return { problem: "noRedirect" };
  if (!resolvable(redirectUri)) return { problem: "badRedirect" };
  const responseType = text(search.response_type) || "code";
  if (responseType !== "code") return { problem: "badResponseType" };
  const challenge = text(search.code_challenge);
  const nonce = text(search.nonce);
  return {
    request: {
      clientId,
      responseType,
      redirectUri,
      state: text(search.state),
      scopes: text(search.scope).split(" ").filter(Boolean),
      ...(challenge
        ? {
            codeChallenge: challenge,
            codeChallengeMethod: text(search.code_challenge_method) || "S256",
          }
        : {}),
      ...(nonce ? { nonce } : {}),
    },
  };
}

/** Only http(s) addresses, site-relative paths and app schemes; never script or data URLs. */
function resolvable(uri: string): boolean {
  try {
    const url = new URL(uri, "http://site.invalid");
    return !["javascript:", "data:", "vbscript:", "file:", "blob:"].includes(url.protocol);
  } catch {
    return false;
  }
}

export function consentBody(request: AuthorizeRequest): ConsentRequest {
  return {
    client_id: request.clientId,
    response_type: request.responseType,
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(" "),
    ...(request.state ? { state: request.state } : {}),
    ...(request.codeChallenge
      ? {
          code_challenge: request.codeChallenge,
          code_challenge_method: request.codeChallengeMethod,
        }
      : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
  };
}

/** Every requested scope is already in the user's grant: consent without asking again. */
export function alreadyConsented(requested: string[], consented: string[] | undefined): boolean {
  const held = new Set(consented ?? []);
  return requested.length > 0 && requested.every((s) => held.has(s));
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Whether `uri` is one of the app's registered redirect URIs: the same exact comparison the
 * server makes, with any port on a loopback address (RFC 8252 §7.3, as native apps listen on
 * a free port).
 */
export function registeredRedirect(uri: string, registered: string[]): boolean {
  if (registered.includes(uri)) return true;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" || !LOOPBACK.has(url.hostname)) return false;
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      return (
        reg.protocol === "http:" &&
        reg.hostname === url.hostname &&
        reg.pathname === url.pathname &&
        reg.search === url.search
      );
    } catch {
      return false;
    }
  });
}

/**
 * Whether a refusal may be sent back to `uri` when the server did not list the app's redirect
 * URIs: only to this site or a loopback listener, so a crafted link cannot use the page to
 * send someone to a site of its choice.
 */
export function safeWithoutList(uri: string, origin: string): boolean {
  try {
    const url = new URL(uri, origin);
    return url.origin === origin || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/** `redirect_uri` (a relative one against the site) with the answer's parameters added. */
export function returnAddress(
  redirectUri: string,
  origin: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri, origin);
  for (const [key, value] of Object.entries(params)) {
    if (value) url.searchParams.set(key, value);
  }
  return url.toString();
}
