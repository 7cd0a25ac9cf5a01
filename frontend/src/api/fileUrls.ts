//! Signed URLs (`POST /file/url`): to one file's bytes, or to a zip of several the server
//! builds on the fly (an archive session).
import { api, unwrap } from "./client";

/**
 * A signed URL to one file's bytes: to show in the page, or (`download`) to save under its
 * name; `entity` picks an older version.
 */
export async function fileUrl(
  uri: string,
  options: { download?: boolean; entity?: string } = {},
): Promise<string> {
  const { urls } = await unwrap(api.POST("/file/url", { body: { uris: [uri], ...options } }));
  const url = urls[0]?.url;
  if (!url) throw new Error("no URL");
  return url;
}

/** The bytes of the file at `uri`, as a download (a response to read as a stream). */
export async function fetchFile(uri: string): Promise<Response> {
  return fetch(await fileUrl(uri, { download: true }));
}

/** A signed URL to a zip of `uris`; 40007 when the group may not have the server build one. */
export async function archiveUrl(uris: string[]): Promise<string | undefined> {
  const { urls } = await unwrap(api.POST("/file/url", { body: { uris, archive: true } }));
  return urls[0]?.url;
}
