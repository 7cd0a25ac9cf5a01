// Backup records: one per run, filtered by task, status and dates. A record opens in a drawer
// (its address keeps `?record=<id>`, so "Run now" can open the new one) with the live log,
// download, restore and delete; chosen records are deleted together.
import { Text } from "@mantine/core";
import { IconFileText } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { AdminList } from "../../AdminList";
import { RowAction } from "../../list/RowAction";
import {
  type BackupRecord,
  deleteRecords,
  listRecords,
  RECORDS_LIST,
  useAllTasks,
} from "./backupApi";
import { RecordDrawer } from "./RecordDrawer";
import { recordColumns, recordFilters } from "./recordColumns";

/** The record the address opens, and a way to open another or none. */
function useOpenRecord() {
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const navigate = useNavigate();
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
  return { open: Number(search.record) || null, show };
}

export default function RecordsPage() {
  const { t, i18n } = useTranslation();
  const tasks = useAllTasks();
  const { open, show } = useOpenRecord();
  const task = (id?: number | null) => tasks.data?.find((x) => x.id === id);
  const name = (r: BackupRecord) =>
    task(r.task_id)?.name ?? (r.task_id ? `#${r.task_id}` : t("admin.backup.records.deletedTask"));

  return (
    <>
      <AdminList<BackupRecord>
        id={RECORDS_LIST}
        title={t("admin.nav.backupRecords")}
        fetchPage={listRecords}
        columns={recordColumns({ t, language: i18n.language, show: (id) => void show(id), name })}
        rowKey={(r) => r.id}
        rowName={(r) => `#${r.id} ${name(r)}`}
        defaultOrder={{ by: "created_at", direction: "desc" }}
        filters={recordFilters(t, tasks.data ?? [])}
        batchActions={[
          {
            key: "delete",
            label: t("admin.backup.records.deleteChosen"),
            confirmLabel: t("admin.backup.delete"),
            danger: true,
            describe: () => <Text size="sm">{t("admin.backup.records.deleteWhat")}</Text>,
            run: (rows) => deleteRecords(rows.map((r) => r.id)),
          },
        ]}
        rowActions={(r) => (
          <RowAction
            tip={t("admin.backup.records.details")}
            label={t("admin.backup.records.detailsOf", { id: r.id })}
            icon={IconFileText}
            onClick={() => void show(r.id)}
          />
        )}
      />
      {open && <RecordDrawer key={open} id={open} onClose={() => void show(null)} />}
    </>
  );
}
