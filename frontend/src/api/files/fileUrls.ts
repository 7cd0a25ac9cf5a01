//! Signed URLs (`POST /file/url`): to one file's bytes, or to a zip of several the server
//! builds on the fly (an archive session).
import { api, unwrap } from "../client";

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

/** URIs per `POST /file/url` (the server takes `max_batched_file`, 3,000 by default). */
const URL_BATCH = 1000;

/**
 * Download URLs of many files, in order, asked for in as few requests as the server takes:
 * each request counts one download of a share however many of its files it names, so a
 * "download all" of a share with a download limit spends one.
 */
export async function downloadUrls(uris: string[]): Promise<string[]> {
  const urls: string[] = [];
  for (let start = 0; start < uris.length; start += URL_BATCH) {
    const batch = uris.slice(start, start + URL_BATCH);
    const answer = await unwrap(api.POST("/file/url", { body: { uris: batch, download: true } }));
    for (const { url } of answer.urls) urls.push(url);
  }
  if (urls.length !== uris.length) throw new Error("no URL");
  return urls;
}

/**
 * The bytes of the file at `uri`, as a download (a response to read as a stream): through
 * `signed`, a URL asked for before ([`downloadUrls`]), when given, else a new URL. A signed URL
 * that expired meanwhile (after an hour, by default, in a long zip) is replaced.
 */
export async function fetchFile(uri: string, signed?: string): Promise<Response> {
  if (signed) {
    const answer = await fetch(signed);
    if (answer.status !== 403) return answer;
  }
  return fetch(await fileUrl(uri, { download: true }));
}

/** A signed URL to a zip of `uris`; 40007 when the group may not have the server build one. */
export async function archiveUrl(uris: string[]): Promise<string | undefined> {
  const { urls } = await unwrap(api.POST("/file/url", { body: { uris, archive: true } }));
  return urls[0]?.url;
}
