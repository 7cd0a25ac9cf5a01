// The guard against mass deletion (`/guard/incident`): the caller's incidents, polled so that
// a credential stopped by the server shows up in the web UI within half a minute; one incident
// with its paths; undo and release.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { useSession } from "./session";

export type Incident = Schemas["GuardIncidentDto"];

const INCIDENTS = ["guard-incidents"] as const;

/** Incidents a page (newest first) in the settings list. */
export const INCIDENT_PAGE = 20;

/** The caller's incidents, newest first, `INCIDENT_PAGE` at a time. */
export function useIncidentPages() {
  const session = useSession();
  return useInfiniteQuery({
    queryKey: [...INCIDENTS, "pages"],
    initialPageParam: 1,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/guard/incident", {
          params: { query: { page: pageParam, page_size: INCIDENT_PAGE } },
        }),
      ),
    getNextPageParam: (last, pages) =>
      pages.length * INCIDENT_PAGE < (last.pagination.total_items ?? 0)
        ? pages.length + 1
        : undefined,
    enabled: !!session,
    refetchInterval: 30_000,
  });
}

/** The caller's incidents that stop a credential now, for the banner. */
export function useOpenIncidents() {
  const session = useSession();
  return useQuery({
    queryKey: [...INCIDENTS, "open"],
    queryFn: () =>
      unwrap(api.GET("/guard/incident", { params: { query: { state: "open", page_size: 10 } } })),
    select: (answer) => answer.incidents,
    enabled: !!session,
    refetchInterval: 30_000,
  });
}

/** One of the caller's incidents, with the paths it changed and what undo did. */
export function useIncident(id: number) {
  return useQuery({
    queryKey: [...INCIDENTS, id],
    queryFn: () => unwrap(api.GET("/guard/incident/{id}", { params: { path: { id } } })),
  });
}

/** Starts the task that puts back what the credential deleted or rewrote. */
export async function undoIncident(id: number) {
  const started = await unwrap(api.POST("/guard/incident/{id}/undo", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: INCIDENTS });
  return started;
}

/** "It was me": the credential may write again. */
export async function releaseIncident(id: number) {
  await unwrap(api.POST("/guard/incident/{id}/release", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: INCIDENTS });
}
