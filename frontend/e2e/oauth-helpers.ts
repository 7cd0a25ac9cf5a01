// What the OAuth spec needs beside the browser: a loopback listener standing in for an app's
// redirect URI, PKCE values, an app registered by the administrator, and the token endpoint.
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { type APIRequestContext, expect } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs } from "./helpers";

export type Listener = {
  redirectUri: string;
  /** The query of the next request the listener receives. */
  next: () => Promise<URLSearchParams>;
  close: () => Promise<void>;
};

/** A tiny HTTP server on 127.0.0.1 that keeps the query of every `/callback` request. */
export async function loopbackListener(): Promise<Listener> {
  const received: URLSearchParams[] = [];
  const waiting: ((q: URLSearchParams) => void)[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") {
      const resolve = waiting.shift();
      if (resolve) resolve(url.searchParams);
      else received.push(url.searchParams);
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>App</title><p>The app received the answer.</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    redirectUri: `http://127.0.0.1:${address.port}/callback`,
    next: () => {
      const ready = received.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

export function pkce() {
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash("sha256").update(verifier).digest());
  return { verifier, challenge };
}

export const randomText = () => base64url(randomBytes(12));

export type RegisteredApp = { id: number; guid: string; secret: string; name: string };

/** An app registered through the admin API, with a secret made here (the API never tells it). */
export async function registerApp(
  request: APIRequestContext,
  name: string,
  redirectUri: string,
  scopes: string[],
): Promise<RegisteredApp> {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const secret = randomText() + randomText();
  const client = await admin<{ id: number; guid: string }>("PUT", "/admin/oauthClient", {
    body: {
      client: {
        name,
        homepage_url: "https://app.example.com",
        redirect_uris: [redirectUri],
        scopes,
        secret,
        is_enabled: true,
        props: { description: "An app the browser test registers." },
      },
    },
  });
  return { id: client.id, guid: client.guid, secret, name };
}

export function authorizeUrl(
  app: RegisteredApp,
  redirectUri: string,
  scopes: string[],
  values: { state: string; challenge: string; nonce: string },
): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.guid,
    redirect_uri: redirectUri,
    scope: scopes.join(" "),
    state: values.state,
    code_challenge: values.challenge,
    code_challenge_method: "S256",
    nonce: values.nonce,
  });
  return `/session/authorize?${query.toString().replace(/\+/g, "%20")}`;
}

export type TokenAnswer = {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in: number;
  scope: string;
  id_token?: string;
};

/** The code exchange, form-encoded as apps send it; the answer is a bare JSON object. */
export async function exchangeCode(
  request: APIRequestContext,
  app: RegisteredApp,
  code: string,
  verifier: string,
): Promise<TokenAnswer> {
  const answer = await request.post("/api/v4/session/oauth/token", {
    form: {
      client_id: app.guid,
      client_secret: app.secret,
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
    },
  });
  const body = (await answer.json()) as TokenAnswer & { error?: string };
  expect(answer.status(), JSON.stringify(body)).toBe(200);
  expect(body.error, JSON.stringify(body)).toBeUndefined();
  return body;
}

/** The claims of a JWT, unverified (to look at `scopes` and `client_id`). */
export function claims(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}
