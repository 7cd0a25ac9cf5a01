// The site config (`/site/config/{section}`), one key per section. The `basic` section says who
// the server takes the caller for (user, group and its permissions), so it is keyed by the
// signed-in user; the signed-out pages read theirs apart (loginConfig.ts).
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { getSession, useSession } from "./session";

export const siteConfigRoot = ["site-config"] as const;

const basicQuery = (userId: string | undefined) => ({
  queryKey: [...siteConfigRoot, "basic", userId] as const,
  queryFn: () =>
    unwrap(api.GET("/site/config/{section}", { params: { path: { section: "basic" } } })),
});

/** The `basic` section, as the signed-in user (or a visitor) sees it. */
export function useBasicConfig() {
  const session = useSession();
  return useQuery(basicQuery(session?.user.id));
}

/** The same, outside React: usually answered from the cache the shell filled. */
export function fetchBasicConfig() {
  return queryClient.fetchQuery(basicQuery(getSession()?.user.id));
}

/** The `explorer` section (custom properties among others); changes rarely. */
export function useExplorerConfig() {
  return useQuery({
    queryKey: [...siteConfigRoot, "explorer"],
    queryFn: () =>
      unwrap(api.GET("/site/config/{section}", { params: { path: { section: "explorer" } } })),
    staleTime: 60_000,
  });
}
