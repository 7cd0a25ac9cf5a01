// The admin queue API: the task list, metrics, one task, deletes and cleanup; shared by the
// tasks page and the dashboard.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../../api/client";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type AdminTask = Schemas["AdminTaskRow"];
export type QueueMetrics = Schemas["QueueMetrics"];

export const METRICS_KEY = ["admin", "queue-metrics"] as const;

export function useQueueMetrics() {
  return useQuery({
    queryKey: METRICS_KEY,
    queryFn: () => unwrap(api.GET("/admin/queue/metrics")),
  });
}

export function useAdminTask(id: number) {
  return useQuery({
    queryKey: ["admin", "task", id],
    queryFn: () => unwrap(api.GET("/admin/queue/{id}", { params: { path: { id } } })),
  });
}

export async function listQueueTasks(body: AdminListRequest): Promise<AdminPage<AdminTask>> {
  const page = await unwrap(api.POST("/admin/queue", { body }));
  return { rows: page.tasks, total: page.pagination.total_items ?? 0 };
}

/** Deletes tasks; a running one stops. */
export async function deleteQueueTasks(ids: number[]): Promise<void> {
  await unwrap(api.POST("/admin/queue/batch/delete", { body: { ids } }));
}

/** Deletes ended tasks last changed `days` days ago or earlier (0: all ended tasks). */
export async function cleanUpTasks(days: number) {
  const notAfter = new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
  await unwrap(api.POST("/admin/queue/cleanup", { body: { not_after: notAfter } }));
}

/** Task types and statuses the filters offer. */
export const TASK_TYPES = [
  "create_archive",
  "extract_archive",
  "remote_download",
  "relocate",
  "import",
  "media_meta",
] as const;
export const TASK_STATUSES = [
  "queued",
  "processing",
  "suspending",
  "error",
  "canceled",
  "completed",
] as const;
