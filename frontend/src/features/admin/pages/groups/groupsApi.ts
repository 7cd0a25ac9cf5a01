// The calls behind the group dialog: one group as the server has it, and saving one (a new group
// when there is no id).
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
