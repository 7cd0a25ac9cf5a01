// Full-text search (`GET /file/search`, spec 4.18 §4.3): pages of hits by offset (the number of
// hits already shown), while `total` says more may follow; and whether the site has it on (the
// explorer config's `full_text_search`).
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { useSession } from "../session";
import { useExplorerConfig } from "../siteConfig";

export type SearchHit = Schemas["SearchHit"];

/** What one content search asks: the words, and the filters the route takes beside them. */
export type ContentQuery = {
  query: string;
  /** Only below this folder. */
  uri?: string;
  /** Only names containing this. */
  name?: string;
  /** Comma-separated extensions. */
  ext?: string;
  /** Unix seconds. */
  updated_gte?: number;
  updated_lte?: number;
};

export const contentSearchRoot = ["content-search"] as const;

export function useContentSearch(q: ContentQuery | null) {
  return useInfiniteQuery({
    queryKey: [...contentSearchRoot, q],
    enabled: !!q?.query.trim(),
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/file/search", {
          params: { query: { ...(q as ContentQuery), offset: pageParam } },
        }),
      ),
    getNextPageParam: (last, pages) => {
      const shown = pages.reduce((n, p) => n + p.hits.length, 0);
      return last.hits.length > 0 && shown < last.total ? shown : undefined;
    },
    retry: false,
  });
}

/** Whether the site searches file contents for this visitor. `/file/search` needs a signed-in
 *  user (a signed-out visitor of a share is answered "Please sign in again"), so a visitor is
 *  offered the name search only. */
export function useFullTextEnabled(): boolean {
  const signedIn = useSession() !== null;
  const on = useExplorerConfig().data?.full_text_search === true;
  return signedIn && on;
}
