// What the dashboard's backups card shows: the tasks and targets, each task's last successful run
// (from the newest completed records, one per task) and the runs that failed in the last 7 days.
import { useQuery } from "@tanstack/react-query";
import { listRecords, RECORDS_LIST, useAllTargets, useAllTasks } from "../backups/backupApi";

const WEEK_MS = 7 * 24 * 3600 * 1000;

export function useBackupsSummary() {
  const tasks = useAllTasks();
  const targets = useAllTargets();
  const completed = useQuery({
    queryKey: ["admin", RECORDS_LIST, "dashboard", "completed"],
    queryFn: () =>
      listRecords({
        page: 1,
        page_size: 200,
        order_by: "created_at",
        order_direction: "desc",
        conditions: { status: "completed" },
      }),
  });
  const failed = useQuery({
    queryKey: ["admin", RECORDS_LIST, "dashboard", "failed"],
    queryFn: () =>
      listRecords({
        page: 1,
        page_size: 5,
        order_by: "created_at",
        order_direction: "desc",
        conditions: {
          status: "failed",
          created_after: new Date(Date.now() - WEEK_MS).toISOString(),
        },
      }),
  });
  const lastSuccess = new Map<number, string>();
  for (const r of completed.data?.rows ?? []) {
    if (r.task_id != null && !lastSuccess.has(r.task_id))
      lastSuccess.set(r.task_id, r.finished_at ?? r.created_at);
  }
  return {
    tasks: tasks.data ?? [],
    targets: targets.data ?? [],
    lastSuccess,
    failed: failed.data,
    error: tasks.error ?? targets.error ?? completed.error ?? failed.error,
  };
}

export type BackupsSummary = ReturnType<typeof useBackupsSummary>;
