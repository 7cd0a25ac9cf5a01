// Backup records: one per run, filtered by task, status and dates. A record opens in a drawer
// (its address keeps `?record=<id>`, so "Run now" can open the new one) with the live log,
// download, restore and delete; chosen records are deleted together.
import { ActionIcon, Anchor, Text, Tooltip } from "@mantine/core";
import { IconFileText } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
import { AdminList, type Column } from "../../AdminList";
import {
  type BackupRecord,
  deleteRecords,
  listRecords,
  RECORDS_LIST,
  useAllTasks,
} from "./backupApi";
import { formatDuration, RecordDrawer, STATUS_COLORS, StatusBadge } from "./RecordDrawer";

export default function RecordsPage() {
  const { t, i18n } = useTranslation();
  const tasks = useAllTasks();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const navigate = useNavigate();
  const open = Number(search.record) || null;
  const show = (id: number | null) =>
    navigate({
      to: ".",
      search: (previous: Record<string, unknown>) => {
        const next = { ...previous, record: id ?? undefined };
        if (id === null) delete next.record;
        return next;
      },
      replace: true,
    } as never);
  const task = (id?: number | null) => tasks.data?.find((x) => x.id === id);
  const name = (r: BackupRecord) =>
    task(r.task_id)?.name ?? (r.task_id ? `#${r.task_id}` : t("admin.backup.records.deletedTask"));

  const columns: Column<BackupRecord>[] = [
    {
      key: "id",
      label: t("admin.backup.records.id"),
      sort: "id",
      numeric: true,
      render: (r) => (
        <Anchor component="button" type="button" size="sm" onClick={() => void show(r.id)}>
          {r.id}
        </Anchor>
      ),
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
      render: (r) => r.files.toLocaleString(i18n.language),
    },
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
    {
      key: "started",
      label: t("admin.backup.records.started"),
      sort: "created_at",
      render: (r) => formatDate(r.started_at ?? r.created_at, i18n.language),
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

  return (
    <>
      <AdminList<BackupRecord>
        id={RECORDS_LIST}
        title={t("admin.nav.backupRecords")}
        fetchPage={listRecords}
        columns={columns}
        rowKey={(r) => r.id}
        rowName={(r) => `#${r.id} ${name(r)}`}
        defaultOrder={{ by: "created_at", direction: "desc" }}
        filters={[
          {
            key: "task_id",
            label: t("admin.backup.records.task"),
            type: "select",
            options: (tasks.data ?? []).map((x) => ({ value: String(x.id), label: x.name })),
          },
          {
            key: "status",
            label: t("admin.backup.records.status"),
            type: "select",
            options: Object.keys(STATUS_COLORS).map((s) => ({
              value: s,
              label: t(
                `admin.backup.records.statuses.${s}` as "admin.backup.records.statuses.queued",
              ),
            })),
          },
          { key: "created_after", label: t("admin.backup.records.after"), type: "datetime" },
          { key: "created_before", label: t("admin.backup.records.before"), type: "datetime" },
        ]}
        batchActions={[
          {
            key: "delete",
            label: t("admin.backup.records.deleteChosen"),
            confirmLabel: t("admin.backup.delete"),
            danger: true,
            describe: () => <Text size="sm">{t("admin.backup.records.deleteWhat")}</Text>,
            run: async (rows) => {
              await deleteRecords(rows.map((r) => r.id));
            },
          },
        ]}
        rowActions={(r) => (
          <Tooltip label={t("admin.backup.records.details")}>
            <ActionIcon
              variant="subtle"
              aria-label={t("admin.backup.records.detailsOf", { id: r.id })}
              onClick={() => void show(r.id)}
            >
              <IconFileText size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      />
      {open && <RecordDrawer key={open} id={open} onClose={() => void show(null)} />}
    </>
  );
}
