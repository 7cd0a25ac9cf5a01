// An archive's entries (`GET /file/archive`), for picking what to extract. Not retried: an
// archive that cannot be listed (an encrypted 7z header, too many entries) answers an error
// the picker shows at once.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";

/** The entries of the archive at `uri`, zip names read in `encoding` (undefined: detect). */
export function useArchiveEntries(uri: string, encoding?: string) {
  return useQuery({
    queryKey: ["archive", uri, encoding ?? ""],
    queryFn: () =>
      unwrap(
        api.GET("/file/archive", {
          params: { query: { uri, ...(encoding ? { text_encoding: encoding } : {}) } },
        }),
      ),
    retry: false,
  });
}
