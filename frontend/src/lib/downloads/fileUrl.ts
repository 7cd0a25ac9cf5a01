//! A signed URL to one file's bytes (`POST /file/url`).
import { api, unwrap } from "../../api/client";

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
