// The guard's incidents through the admin API: every user's, a page at a time (the route takes
// the page, its size and a state; it always lists the newest first), and undo and release of
// any of them.
import { api, unwrap } from "../../../../api/client";
import type { Incident } from "../../../../api/guard";
import type { AdminListRequest, AdminPage } from "../../AdminList";

/** The states an incident goes through, for the filter. */
export const INCIDENT_STATES = ["open", "undoing", "undone", "released"] as const;

export async function listIncidents(request: AdminListRequest): Promise<AdminPage<Incident>> {
  const state = request.conditions?.state || undefined;
  const page = await unwrap(
    api.GET("/admin/guard/incident", {
      params: { query: { page: request.page, page_size: request.page_size, state } },
    }),
  );
  return { rows: page.incidents, total: page.pagination.total_items ?? page.incidents.length };
}

/** Starts the task that puts back what the incident's credential changed; answers its id. */
export async function undoAnyIncident(id: number) {
  return unwrap(api.POST("/admin/guard/incident/{id}/undo", { params: { path: { id } } }));
}

/** The incident's credential may write again. */
export async function releaseAnyIncident(id: number) {
  await unwrap(api.POST("/admin/guard/incident/{id}/release", { params: { path: { id } } }));
}
