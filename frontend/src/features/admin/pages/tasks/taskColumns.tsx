// The tasks table's columns and filters: id, type, status, what it works on, whose, which
// queue, and when it was made.
import { Badge, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { readablePath, STATUS_COLORS, taskEnds } from "../../../../api/tasks/tasks";
import { formatDate } from "../../../../lib/format";
import type { Column, FilterField } from "../../AdminList";
import { type AdminTask, TASK_STATUSES, TASK_TYPES } from "./queueApi";

export const taskTypeLabel = (t: TFunction, type: string) =>
  t(`tasks.types.${type}` as "tasks.types.create_archive", { defaultValue: type });
const statusLabel = (t: TFunction, status: string) =>
  t(`tasks.status.${status}` as "tasks.status.queued", { defaultValue: status });

export function taskFilters(t: TFunction): FilterField[] {
  return [
    {
      key: "task_status",
      label: t("admin.tasks.status"),
      type: "select",
      options: TASK_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) })),
    },
    {
      key: "task_type",
      label: t("admin.tasks.type"),
      type: "select",
      options: TASK_TYPES.map((s) => ({ value: s, label: taskTypeLabel(t, s) })),
    },
    { key: "task_user_id", label: t("admin.tasks.userId") },
  ];
}

export function taskColumns(t: TFunction, language: string): Column<AdminTask>[] {
  return [
    { key: "id", label: t("admin.files.id"), sort: "id", numeric: true, render: (r) => r.id },
    {
      key: "type",
      label: t("admin.tasks.type"),
      sort: "type",
      render: (r) => taskTypeLabel(t, r.type),
    },
    {
      key: "status",
      label: t("admin.tasks.status"),
      sort: "status",
      render: (r) => (
        <Badge color={STATUS_COLORS[r.status] ?? "gray"} variant="dot" size="sm">
          {statusLabel(t, r.status)}
        </Badge>
      ),
    },
    { key: "what", label: t("admin.tasks.source"), render: (r) => <TaskEnds task={r} /> },
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
      render: (r) => formatDate(r.created_at, language),
    },
  ];
}

function TaskEnds({ task }: { task: AdminTask }) {
  const { src, dst } = taskEnds(task);
  const text = `${src.map(readablePath).join(", ")}${dst ? ` → ${readablePath(dst)}` : ""}`;
  return (
    <Text size="sm" truncate maw={260} title={text}>
      {text || "–"}
    </Text>
  );
}
