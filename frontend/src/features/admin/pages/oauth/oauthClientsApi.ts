// OAuth apps through the admin API (spec 4.18 §2.13). A client's secret is never answered: the
// console makes it here and shows it once, when it is set.
import { api, type Schemas, unwrap } from "../../../../api/client";
import type { AdminListRequest, AdminPage } from "../../AdminList";

/** `props` as the console edits it; the API types it as any JSON object. */
export type OAuthClientProps = {
  description?: string;
  icon?: string;
  /** Seconds; 0 or absent = the site's refresh token lifetime. */
  refresh_token_ttl?: number;
};

export type OAuthClient = Omit<Schemas["AdminOAuthClient"], "props"> & {
  props?: OAuthClientProps;
};
export type OAuthClientInput = Schemas["AdminOAuthClientInput"] & { props: OAuthClientProps };

/** The list's cached pages: `["admin", CLIENTS_LIST, …]`. */
export const CLIENTS_LIST = "oauth-clients";

export async function listClients(body: AdminListRequest): Promise<AdminPage<OAuthClient>> {
  const page = await unwrap(api.POST("/admin/oauthClient", { body }));
  return {
    rows: page.clients as OAuthClient[],
    total: page.pagination.total_items ?? page.clients.length,
  };
}

export const createClient = async (client: OAuthClientInput) =>
  (await unwrap(api.PUT("/admin/oauthClient", { body: { client } }))) as OAuthClient;

export const updateClient = async (id: number, client: OAuthClientInput) =>
  (await unwrap(
    api.PUT("/admin/oauthClient/{id}", {
      // The path's id is ignored, as upstream: `client.id` names the app.
      params: { path: { id: String(id) } },
      body: { client: { ...client, id } },
    }),
  )) as OAuthClient;

export const deleteClient = (id: number) =>
  unwrap(api.DELETE("/admin/oauthClient/{id}", { params: { path: { id } } }));

/** Missing and system clients are skipped by the server. */
export const deleteClients = (ids: number[]) =>
  unwrap(api.POST("/admin/oauthClient/batch/delete", { body: { ids } }));

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A client secret of 32 letters and digits, like the ones Cloudreve makes. */
export function generateClientSecret(length = 32): string {
  const out: string[] = [];
  const byte = new Uint8Array(1);
  // Rejection sampling keeps every character equally likely (62 does not divide 256).
  while (out.length < length) {
    crypto.getRandomValues(byte);
    const b = byte[0] ?? 255;
    if (b < 248) out.push(ALPHABET[b % 62] ?? "A");
  }
  return out.join("");
}

/** The addresses an app is configured with (spec 4.18 §2.11, last paragraph). */
export function endpoints(origin: string) {
  return {
    // OpenID Connect clients discover the rest from the issuer's
    // /.well-known/openid-configuration.
    issuer: origin,
    authorize: `${origin}/session/authorize`,
    token: `${origin}/api/v4/session/oauth/token`,
    refresh: `${origin}/api/v4/session/token/refresh`,
    userinfo: `${origin}/api/v4/session/oauth/userinfo`,
  };
}

/** Redirect URIs typed one per line. */
export const parseLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
