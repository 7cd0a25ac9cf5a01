// A folder's listing as one infinite query over the API's cursor pages (`next_page_token`).
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

export const listKey = (uri: string) => ["list", uri] as const;

export function useListing(uri: string) {
  return useInfiniteQuery({
    queryKey: listKey(uri),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/file", {
          params: { query: { uri, ...(pageParam ? { next_page_token: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.pagination.next_token || undefined,
  });
}
