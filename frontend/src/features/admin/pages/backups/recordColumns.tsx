// The backup records table's columns and filters: the id (opening the record), task, status,
// trigger, counts and sizes, start, duration and error.
import { Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
import type { Column, FilterField } from "../../AdminList";
import { NameLink } from "../../list/RowAction";
import type { BackupRecord, BackupTask } from "./backupApi";
import { formatDuration, STATUS_COLORS, StatusBadge } from "./recordStatus";

export function recordFilters(t: TFunction, tasks: BackupTask[]): FilterField[] {
  return [
    {
      key: "task_id",
      label: t("admin.backup.records.task"),
      type: "select",
      options: tasks.map((x) => ({ value: String(x.id), label: x.name })),
    },
    {
      key: "status",
      label: t("admin.backup.records.status"),
      type: "select",
      options: Object.keys(STATUS_COLORS).map((s) => ({
        value: s,
        label: t(`admin.backup.records.statuses.${s}` as "admin.backup.records.statuses.queued"),
      })),
    },
    { key: "created_after", label: t("admin.backup.records.after"), type: "datetime" },
    { key: "created_before", label: t("admin.backup.records.before"), type: "datetime" },
  ];
}

type Context = {
  t: TFunction;
  language: string;
  show: (id: number) => void;
  name: (r: BackupRecord) => string;
};

export function recordColumns({ t, language, show, name }: Context): Column<BackupRecord>[] {
  return [
    {
      key: "id",
      label: t("admin.backup.records.id"),
      sort: "id",
      numeric: true,
      render: (r) => <NameLink onClick={() => show(r.id)}>{r.id}</NameLink>,
    },
    { key: "task", label: t("admin.backup.records.task"), render: name },
    {
      key: "status",
      label: t("admin.backup.records.status"),
      sort: "status",
      render: (r) => <StatusBadge status={r.status} />,
    },
    {
      key: "trigger",
      label: t("admin.backup.records.trigger"),
      render: (r) =>
        t(`admin.backup.records.triggers.${r.trigger}` as "admin.backup.records.triggers.manual"),
    },
    {
      key: "files",
      label: t("admin.backup.records.files"),
      sort: "files",
      numeric: true,
      render: (r) => r.files.toLocaleString(language),
    },
    ...sizeColumns(t),
    {
      key: "started",
      label: t("admin.backup.records.started"),
      sort: "created_at",
      render: (r) => formatDate(r.started_at ?? r.created_at, language),
    },
    {
      key: "duration",
      label: t("admin.backup.records.duration"),
      numeric: true,
      render: (r) => (r.duration != null ? formatDuration(r.duration) : "—"),
    },
    {
      key: "error",
      label: t("admin.backup.records.error"),
      render: (r) => (
        <Text size="sm" c="red" truncate maw={260} title={r.error ?? undefined}>
          {r.error}
        </Text>
      ),
    },
  ];
}

function sizeColumns(t: TFunction): Column<BackupRecord>[] {
  return [
    {
      key: "size",
      label: t("admin.backup.records.size"),
      sort: "size",
      numeric: true,
      render: (r) => formatBytes(r.size),
    },
    {
      key: "new",
      label: t("admin.backup.records.newBytes"),
      sort: "new_bytes",
      numeric: true,
      render: (r) => formatBytes(r.new_bytes),
    },
  ];
}
