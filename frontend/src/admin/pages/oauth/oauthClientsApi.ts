// OAuth apps through the admin API (spec §2.13). A client's secret is never answered: the
// console makes it here and shows it once, when it is set. The shapes are written from the
// spec until the server's OpenAPI document lists these routes.
import { call } from "../../../oauth/wire";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type OAuthClientProps = {
  description?: string;
  icon?: string;
  /** Seconds; 0 or absent = the site's refresh token lifetime. */
  refresh_token_ttl?: number;
};

export type OAuthClient = {
  id: number;
  created_at: string;
  updated_at: string;
  guid: string;
  name: string;
  homepage_url?: string;
  redirect_uris?: string[];
  scopes?: string[];
  props?: OAuthClientProps;
  /** Omitted when false. */
  is_enabled?: boolean;
  is_system: boolean;
  total_grants?: number;
};

export type OAuthClientInput = {
  id?: number;
  secret?: string;
  name: string;
  homepage_url?: string;
  redirect_uris: string[];
  scopes: string[];
  props: OAuthClientProps;
  is_enabled: boolean;
};

/** The list's cached pages: `["admin", CLIENTS_LIST, …]`. */
export const CLIENTS_LIST = "oauth-clients";

export async function listClients(body: AdminListRequest): Promise<AdminPage<OAuthClient>> {
  const page = await call<{ clients?: OAuthClient[]; pagination: { total_items?: number } }>(
    "POST",
    "/admin/oauthClient",
    body,
  );
  const rows = page.clients ?? [];
  return { rows, total: page.pagination.total_items ?? rows.length };
}

export const getClient = (id: number) => call<OAuthClient>("GET", `/admin/oauthClient/${id}`);

export const createClient = (client: OAuthClientInput) =>
  call<OAuthClient>("PUT", "/admin/oauthClient", { client });

export const updateClient = (id: number, client: OAuthClientInput) =>
  call<OAuthClient>("PUT", `/admin/oauthClient/${id}`, { client: { ...client, id } });

export const deleteClient = (id: number) => call<null>("DELETE", `/admin/oauthClient/${id}`);

/** Missing and system clients are skipped by the server. */
export const deleteClients = (ids: number[]) =>
  call<null>("POST", "/admin/oauthClient/batch/delete", { ids });

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

/** The addresses an app is configured with (spec §2.11, last paragraph). */
export function endpoints(origin: string) {
  return {
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
