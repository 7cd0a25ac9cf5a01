// Thumbnails: the extensions the site makes them for (`/site/config/thumb`, from the enabled
// generators), and one file's thumbnail URL (`GET /file/thumb`), none when it has no thumbnail
// (40077: a song without a cover, a generator that failed).
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { siteConfigRoot } from "../siteConfig";

/** The lower-case extensions the server can make a thumbnail for; changes with the settings. */
export function useThumbExts() {
  return useQuery({
    queryKey: [...siteConfigRoot, "thumb"],
    queryFn: () =>
      unwrap(api.GET("/site/config/{section}", { params: { path: { section: "thumb" } } })),
    select: (config) => new Set((config.thumb_exts ?? []).map((e) => e.toLowerCase())),
    staleTime: 60_000,
  });
}

/** Whether a file called `name` may have a thumbnail, by its extension. */
export function thumbable(name: string, exts: Set<string> | undefined): boolean {
  const dot = name.lastIndexOf(".");
  return !!exts && dot > 0 && exts.has(name.slice(dot + 1).toLowerCase());
}

/** The thumbnail's signed URL (40077, an error here, when it has none). */
export async function thumbUrl(uri: string): Promise<string> {
  return (await unwrap(api.GET("/file/thumb", { params: { query: { uri } } }))).url;
}

/** The thumbnail of `uri` (changed with `version`), or null when it has none. */
export function useFileThumb(uri: string, version: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: ["file-thumb", uri, version],
    queryFn: async () => {
      try {
        return await thumbUrl(uri);
      } catch {
        return null;
      }
    },
    enabled,
    staleTime: 5 * 60 * 1000,
    retry: false,
  });
}
