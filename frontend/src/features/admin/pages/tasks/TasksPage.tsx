// Tasks: the queues' counts at the top, then every user's tasks, filtered by status, type and
// user; each task's details; several deleted at once (a running one stops); ended tasks cleaned
// up by age. Both ask first.
import { ActionIcon, Badge, Button, Select, Stack, Text, Tooltip } from "@mantine/core";
import { IconEraser, IconListDetails } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../../../api/client";
import { readablePath, STATUS_COLORS, taskEnds } from "../../../../api/tasks";
import { formatDate } from "../../../../lib/format";
import {
  AdminList,
  type AdminListRequest,
  type BatchAction,
  type Column,
  type FilterField,
} from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import { QueueTotals } from "./QueueMetricsCard";
import { type AdminTask, cleanUpTasks, METRICS_KEY, TASK_STATUSES, TASK_TYPES } from "./queueApi";
import { TaskDetails } from "./TaskDetails";

async function listTasks(request: AdminListRequest) {
  const page = await unwrap(api.POST("/admin/queue", { body: request }));
  return { rows: page.tasks, total: page.pagination.total_items ?? 0 };
}

const CLEANUP_AGES = ["0", "1", "7", "30"] as const;

export default function TasksPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [details, setDetails] = useState<number | null>(null);
  const [cleaning, setCleaning] = useState(false);
  const [age, setAge] = useState<string>("7");
  const typeLabel = (type: string) =>
    t(`tasks.types.${type}` as "tasks.types.create_archive", { defaultValue: type });
  const statusLabel = (status: string) =>
    t(`tasks.status.${status}` as "tasks.status.queued", { defaultValue: status });
  const refreshAll = async () => {
    await queryClient.invalidateQueries({ queryKey: ["admin", "tasks"] });
    await queryClient.invalidateQueries({ queryKey: METRICS_KEY });
  };

  const filters: FilterField[] = [
    {
      key: "task_status",
      label: t("admin.tasks.status"),
      type: "select",
      options: TASK_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
    },
    {
      key: "task_type",
      label: t("admin.tasks.type"),
      type: "select",
      options: TASK_TYPES.map((s) => ({ value: s, label: typeLabel(s) })),
    },
    { key: "task_user_id", label: t("admin.tasks.userId") },
  ];

  const columns: Column<AdminTask>[] = [
    { key: "id", label: t("admin.files.id"), sort: "id", numeric: true, render: (r) => r.id },
    { key: "type", label: t("admin.tasks.type"), sort: "type", render: (r) => typeLabel(r.type) },
    {
      key: "status",
      label: t("admin.tasks.status"),
      sort: "status",
      render: (r) => (
        <Badge color={STATUS_COLORS[r.status] ?? "gray"} variant="dot" size="sm">
          {statusLabel(r.status)}
        </Badge>
      ),
    },
    {
      key: "what",
      label: t("admin.tasks.source"),
      render: (r) => {
        const { src, dst } = taskEnds(r);
        const text = `${src.map(readablePath).join(", ")}${dst ? ` → ${readablePath(dst)}` : ""}`;
        return (
          <Text size="sm" truncate maw={260} title={text}>
            {text || "–"}
          </Text>
        );
      },
    },
    {
      key: "user",
      label: t("admin.tasks.user"),
      render: (r) => (r.user_tasks ? `#${r.user_tasks}` : t("admin.tasks.system")),
    },
    {
      key: "queue",
      label: t("admin.tasks.queue"),
      render: (r) =>
        t(`admin.tasks.queueNames.${r.queue}` as "admin.tasks.queueNames.io_intense", {
          defaultValue: r.queue,
        }),
    },
    {
      key: "created",
      label: t("admin.tasks.created"),
      sort: "created_at",
      render: (r) => formatDate(r.created_at, i18n.language),
    },
  ];

  const batchActions: BatchAction<AdminTask>[] = [
    {
      key: "delete",
      label: t("admin.tasks.delete"),
      confirmLabel: t("admin.tasks.deleteConfirm"),
      danger: true,
      describe: (rows) => t("admin.tasks.deleteBody", { count: rows.length }),
      run: async (rows) => {
        await unwrap(
          api.POST("/admin/queue/batch/delete", { body: { ids: rows.map((r) => r.id) } }),
        );
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
        fetchPage={listTasks}
        columns={columns}
        rowKey={(r) => r.id}
        rowName={(r) => `#${r.id} ${typeLabel(r.type)}`}
        filters={filters}
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
          <Tooltip label={t("admin.tasks.details")}>
            <ActionIcon
              variant="subtle"
              aria-label={t("admin.tasks.detailsOf", { id: r.id })}
              onClick={() => setDetails(r.id)}
            >
              <IconListDetails size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      />
      {details !== null && <TaskDetails id={details} onClose={() => setDetails(null)} />}
      {cleaning && (
        <ConfirmModal
          title={t("admin.tasks.cleanupTitle")}
          confirmLabel={t("admin.tasks.cleanupConfirm")}
          danger
          onConfirm={async () => {
            await cleanUpTasks(Number(age));
            await refreshAll();
          }}
          onClose={() => setCleaning(false)}
        >
          <Text size="sm">{t("admin.tasks.cleanupBody")}</Text>
          <Select
            label={t("admin.tasks.cleanupAge")}
            data={CLEANUP_AGES.map((value) => ({
              value,
              label: t(`admin.tasks.ages.d${value}` as "admin.tasks.ages.d0"),
            }))}
            value={age}
            onChange={(value) => setAge(value ?? "7")}
            allowDeselect={false}
          />
        </ConfirmModal>
      )}
    </Stack>
  );
}
