// The admin API calls the console's own pages share: each list as an AdminList page, and the
// lookups several pages need (groups and storage policies by id, for filters and names).
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import type { AdminListRequest, AdminPage } from "./AdminList";

export type AdminUser = Schemas["AdminUser"];
export type AdminGroup = Schemas["AdminGroup"];
export type AdminPolicy = Schemas["AdminStoragePolicy"];
export type AdminEvent = Schemas["AdminEvent"];

const total = (p: { pagination: Schemas["Pagination"] }, rows: unknown[]) =>
  p.pagination.total_items ?? rows.length;

export async function listUsers(body: AdminListRequest): Promise<AdminPage<AdminUser>> {
  const page = await unwrap(api.POST("/admin/user", { body }));
  return { rows: page.users, total: total(page, page.users) };
}

export async function listGroups(body: AdminListRequest): Promise<AdminPage<AdminGroup>> {
  const page = await unwrap(api.POST("/admin/group", { body }));
  return { rows: page.groups, total: total(page, page.groups) };
}

export async function listEvents(body: AdminListRequest): Promise<AdminPage<AdminEvent>> {
  const page = await unwrap(api.POST("/admin/event", { body }));
  return { rows: page.logs, total: total(page, page.logs) };
}

const everything = (order_by: string): AdminListRequest => ({
  page: 1,
  page_size: 2000,
  order_by,
  order_direction: "asc",
});

/** Every group (a site has a handful), for choices and names. */
export function useAllGroups() {
  return useQuery({
    queryKey: ["admin", "groups", "all"],
    queryFn: async () => (await listGroups(everything("id"))).rows,
  });
}

/** Every storage policy, for choices and names. */
export function useAllPolicies() {
  return useQuery({
    queryKey: ["admin", "policies", "all"],
    queryFn: async () =>
      (await unwrap(api.POST("/admin/policy", { body: everything("id") }))).policies,
  });
}

export async function deleteGroup(id: number): Promise<void> {
  await unwrap(api.DELETE("/admin/group/{id}", { params: { path: { id } } }));
}
