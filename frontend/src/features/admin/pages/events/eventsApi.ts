// The audit log's admin calls beyond its list (which lives with the shared lists in api.ts).
import { api, unwrap } from "../../../../api/client";

export async function deleteEvents(ids: number[]): Promise<void> {
  await unwrap(api.POST("/admin/event/batch/delete", { body: { ids } }));
}
