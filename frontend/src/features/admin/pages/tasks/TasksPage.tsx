// Tasks: the queues' counts at the top, then every user's tasks, filtered by status, type and
// user; each task's details; several deleted at once (a running one stops); ended tasks cleaned
// up by age. Both ask first.
import { Button, Stack } from "@mantine/core";
import { IconEraser, IconListDetails } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AdminList, type BatchAction } from "../../AdminList";
import { RowAction } from "../../list/RowAction";
import { CleanupDialog } from "./CleanupDialog";
import { QueueTotals } from "./QueueMetricsCard";
import { type AdminTask, deleteQueueTasks, listQueueTasks, METRICS_KEY } from "./queueApi";
import { TaskDetails } from "./TaskDetails";
import { taskColumns, taskFilters, taskTypeLabel } from "./taskColumns";

export default function TasksPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [details, setDetails] = useState<number | null>(null);
  const [cleaning, setCleaning] = useState(false);
  const refreshAll = async () => {
    await queryClient.invalidateQueries({ queryKey: ["admin", "tasks"] });
    await queryClient.invalidateQueries({ queryKey: METRICS_KEY });
  };

  const batchActions: BatchAction<AdminTask>[] = [
    {
      key: "delete",
      label: t("admin.tasks.delete"),
      confirmLabel: t("admin.tasks.deleteConfirm"),
      danger: true,
      describe: (rows) => t("admin.tasks.deleteBody", { count: rows.length }),
      run: async (rows) => {
        await deleteQueueTasks(rows.map((r) => r.id));
        await queryClient.invalidateQueries({ queryKey: METRICS_KEY });
      },
    },
  ];

  return (
    <Stack gap="md">
      <QueueTotals />
      <AdminList<AdminTask>
        id="tasks"
        title={t("admin.nav.tasks")}
        fetchPage={listQueueTasks}
        columns={taskColumns(t, i18n.language)}
        rowKey={(r) => r.id}
        rowName={(r) => `#${r.id} ${taskTypeLabel(t, r.type)}`}
        filters={taskFilters(t)}
        batchActions={batchActions}
        defaultOrder={{ by: "id", direction: "desc" }}
        emptyText={t("admin.tasks.empty")}
        toolbar={
          <Button
            variant="default"
            leftSection={<IconEraser size={16} />}
            onClick={() => setCleaning(true)}
          >
            {t("admin.tasks.cleanup")}
          </Button>
        }
        rowActions={(r) => (
          <RowAction
            tip={t("admin.tasks.details")}
            label={t("admin.tasks.detailsOf", { id: r.id })}
            icon={IconListDetails}
            onClick={() => setDetails(r.id)}
          />
        )}
      />
      {details !== null && <TaskDetails id={details} onClose={() => setDetails(null)} />}
      {cleaning && <CleanupDialog onClose={() => setCleaning(false)} onDone={refreshAll} />}
    </Stack>
  );
}
