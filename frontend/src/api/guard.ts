// The guard against mass deletion (`/guard/incident`): the caller's incidents, polled so that
// a credential stopped by the server shows up in the web UI within half a minute; one incident
// with its paths; undo and release.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { useSession } from "./session";

export type Incident = Schemas["GuardIncidentDto"];

const INCIDENTS = ["guard-incidents"] as const;

export function useIncidents() {
  const session = useSession();
  return useQuery({
    queryKey: INCIDENTS,
    queryFn: () => unwrap(api.GET("/guard/incident")),
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
