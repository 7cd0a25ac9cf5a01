// The API client: types generated from ../openapi.json (scripts/gen-api.mjs), requests through
// openapi-fetch, and `unwrap`, the one place that reads Cloudreve's `{code, data, msg}` envelope.
import createClient from "openapi-fetch";
import type { components, paths } from "../../generated/api";

export type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Token = Schemas["Token"];
export type FileInfo = Schemas["FileResponse"];
export type ListResponse = Schemas["ListResponse"];
export type SiteConfig = Schemas["SiteConfig"];

export const API_BASE = "/api/v4";

/** Requests that carry the signed-in user's token (see session.ts). */
export const api = createClient<paths>({ baseUrl: API_BASE });

/** Requests sent without a token: signing in and refreshing. */
export const anonymousApi = createClient<paths>({ baseUrl: API_BASE });

/** An answer whose `code` is not 0, or a request that got no envelope back at all. */
export class ApiError extends Error {
  constructor(
    /** The envelope's code, the HTTP status when there was no envelope, or 0 for a network failure. */
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** 2FA needed at sign-in: `data` is the 2FA session id. */
export const CODE_CONTINUE = 203;
/** Codes after which the stored session is worthless. */
const SIGNED_OUT_CODES = new Set([401, 40017, 40018, 40020]);

let signedOut: (error: ApiError) => void = () => {};

/** Called by session.ts: what happens when the server says the session is gone. */
export function onSignedOut(handler: (error: ApiError) => void) {
  signedOut = handler;
}

type Envelope<D> = { code: number; data?: D; msg: string };
type Answer<D> = { data?: Envelope<D>; error?: unknown; response: Response };

/**
 * The envelope's `data` when `code` is 0; otherwise an ApiError. Every answer is HTTP 200 with
 * an envelope (a few errors also carry a 4xx status), so openapi-fetch's own `error` says little.
 */
export async function unwrap<D>(request: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await request;
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  const envelope = (answer.data ?? answer.error) as Envelope<D> | undefined;
  if (!envelope || typeof envelope !== "object" || typeof envelope.code !== "number") {
    const { status, statusText } = answer.response;
    throw new ApiError(status, statusText || `HTTP ${status}`);
  }
  if (envelope.code !== 0) {
    const error = new ApiError(envelope.code, envelope.msg, envelope.data);
    if (SIGNED_OUT_CODES.has(envelope.code)) signedOut(error);
    throw error;
  }
  return envelope.data as D;
}
