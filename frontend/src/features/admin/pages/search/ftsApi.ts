// The full-text index through the admin API: its state (`GET /admin/fts`), polled while work is
// under way; the rebuild (`POST /workflow/rebuildFtsIndex`) and its task's progress; the switch
// (`fts_enabled`, a site setting).
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../../api/client";
import { queryClient } from "../../../../api/queryClient";

export type FtsStatus = Schemas["AdminFtsStatus"];

export const FTS_KEY = ["admin", "fts"] as const;

/** The index's state; read again every 2 s while a rebuild or index tasks are under way. */
export function useFtsStatus() {
  return useQuery({
    queryKey: FTS_KEY,
    queryFn: () => unwrap(api.GET("/admin/fts")),
    refetchInterval: (q) =>
      q.state.data?.rebuilding || (q.state.data?.pending ?? 0) > 0 ? 2000 : false,
  });
}

/** Queues a rebuild of the whole index; the task's id. */
export async function rebuildIndex(): Promise<string> {
  const task = await unwrap(api.POST("/workflow/rebuildFtsIndex", { body: {} }));
  await queryClient.invalidateQueries({ queryKey: FTS_KEY });
  return task.id;
}

/** The rebuild's progress (`rebuild_index`: files read of all), every second while `live`. */
export function useRebuildProgress(taskId: string | null, live: boolean) {
  return useQuery({
    queryKey: ["admin", "fts", "progress", taskId],
    enabled: !!taskId,
    queryFn: () =>
      unwrap(api.GET("/workflow/progress/{id}", { params: { path: { id: taskId as string } } })),
    refetchInterval: live ? 1000 : false,
    select: (progress) => (progress as Record<string, Schemas["TaskProgress"]>).rebuild_index,
  });
}

/** Turns full-text search on or off for the site. */
export async function setFtsEnabled(on: boolean) {
  await unwrap(
    api.PATCH("/admin/settings", { body: { settings: { fts_enabled: on ? "1" : "0" } } }),
  );
  await queryClient.invalidateQueries({ queryKey: FTS_KEY });
  await queryClient.invalidateQueries({ queryKey: ["site-config"] });
}
