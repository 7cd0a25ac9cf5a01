// Upload sessions (`/file/upload`): made for each file before its chunks are sent, deleted
// (with the placeholder file) when the upload is given up; and the storage callback
// (`/callback/<kind>/<session>/<secret>`) that publishes a file sent straight to a bucket.
import { API_BASE, ApiError, api, type Schemas, unwrap } from "../client";

export type UploadRequest = Schemas["CreateUploadRequest"];

export function createUploadSession(body: UploadRequest) {
  return unwrap(api.PUT("/file/upload", { body }));
}

/** Deletes session `id` of the file at `uri`, and its placeholder. */
export async function deleteUploadSession(id: string, uri: string) {
  await unwrap(api.DELETE("/file/upload", { body: { id, uri } }));
}

/**
 * Tells the server the bucket holds the whole object. The envelope is judged here rather than
 * by `unwrap`: its 40020 (a wrong key) says nothing about the user's own session.
 */
export async function uploadCallback(kind: string, sessionId: string, secret: string) {
  const url = `${API_BASE}/callback/${kind}/${encodeURIComponent(sessionId)}/${encodeURIComponent(secret)}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  const envelope = (await response.json().catch(() => null)) as { code?: number; msg?: string };
  if (typeof envelope?.code !== "number") throw new ApiError(response.status, response.statusText);
  if (envelope.code !== 0) throw new ApiError(envelope.code, envelope.msg ?? "");
}
