// The dashboard's admin calls: the kept summary (made anew when there is none or when asked),
// the health of the site's parts, and the timeline of recent activity, a page at a time.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../../api/client";

export const SUMMARY_QUERY = ["admin", "summary"] as const;
const TIMELINE_PAGE = 20;

export async function fetchSummary(generate: boolean) {
  const summary = await unwrap(
    api.GET("/admin/summary", { params: { query: generate ? { generate: true } : {} } }),
  );
  if (!summary.metrics_summary && !generate) return fetchSummary(true);
  return summary;
}

export function useHealth() {
  return useQuery({
    queryKey: ["admin", "health"],
    queryFn: () => unwrap(api.GET("/admin/health")),
    refetchInterval: 60_000,
  });
}

export function useTimelinePages() {
  return useInfiniteQuery({
    queryKey: ["admin", "timeline"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/admin/timeline", {
          params: { query: { limit: TIMELINE_PAGE, ...(pageParam ? { before: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next ?? undefined,
  });
}
