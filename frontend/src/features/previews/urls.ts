//! Signed URLs as queries: asked once per file and kept while they are valid (an hour; kept
//! half of that here), so that going back and forth in the gallery asks nothing again.
import { useQuery } from "@tanstack/react-query";
import { thumbUrl } from "../../api/files/thumbnails";
import { fileUrl } from "../../lib/downloads";

const KEEP_MS = 30 * 60 * 1000;

export function useContentUrl(uri: string) {
  return useQuery({
    queryKey: ["preview", "content", uri],
    queryFn: () => fileUrl(uri),
    staleTime: KEEP_MS,
    gcTime: KEEP_MS,
  });
}

/** The thumbnail, or the image itself when the server makes none (40077). */
export function useThumbUrl(uri: string) {
  return useQuery({
    queryKey: ["preview", "thumb", uri],
    queryFn: async () => {
      try {
        return await thumbUrl(uri);
      } catch {
        return fileUrl(uri);
      }
    },
    staleTime: KEEP_MS,
    gcTime: KEEP_MS,
  });
}
