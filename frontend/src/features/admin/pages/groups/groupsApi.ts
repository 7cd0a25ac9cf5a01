// The calls behind the group dialog: one group as the server has it, saving one (a new group
// when there is no id), and the groups the guard against mass deletion leaves alone.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../../api/client";
import type { AdminGroup } from "../../api";

/** A group's fields as the dialog sends them. */
export type GroupBody = Pick<
  AdminGroup,
  "id" | "name" | "max_storage" | "speed_limit" | "permissions" | "settings" | "storage_policy_id"
>;

export function useGroup(groupId: number | null) {
  return useQuery({
    queryKey: ["admin", "groups", "one", groupId],
    queryFn: () => unwrap(api.GET("/admin/group/{id}", { params: { path: { id: groupId ?? 0 } } })),
    enabled: groupId !== null,
    staleTime: 0,
  });
}

export async function saveGroup(groupId: number | null, group: GroupBody) {
  if (groupId === null) await unwrap(api.PUT("/admin/group", { body: { group } }));
  else
    await unwrap(
      api.PUT("/admin/group/{id}", { params: { path: { id: groupId } }, body: { group } }),
    );
}

/** The ids of the groups whose members the guard never stops (`guard_exempt_groups`). */
export function useGuardExemptGroups() {
  return useQuery({
    queryKey: ["admin", "settings", "guard_exempt_groups"],
    queryFn: () => unwrap(api.POST("/admin/settings", { body: { keys: ["guard_exempt_groups"] } })),
    select: (settings) =>
      (settings.guard_exempt_groups ?? "")
        .split(",")
        .map((id) => Number(id.trim()))
        .filter((id) => id > 0),
  });
}
