// Thumbnails (`GET /file/thumb`): a signed URL to a small image of a picture or video; 40077
// when the server makes none. Kept a while, so a grid scrolled back asks nothing again.
import { useQuery } from "@tanstack/react-query";
import { api, type FileInfo, unwrap } from "./client";

const thumbsRoot = ["thumb"] as const;

/** The thumbnail's signed URL. */
export async function thumbUrl(uri: string): Promise<string> {
  return (await unwrap(api.GET("/file/thumb", { params: { query: { uri } } }))).url;
}

/** The grid's thumbnail of `file` (re-asked when the file changes), when `enabled`. */
export function useThumbnail(file: FileInfo, enabled: boolean) {
  return useQuery({
    queryKey: [...thumbsRoot, file.path, file.updated_at],
    queryFn: () => thumbUrl(file.path),
    enabled,
    staleTime: 5 * 60 * 1000,
    retry: false,
  });
}
