// Backup tasks: what is backed up, where and when. The toggle turns a schedule on and off at
// once; "Run now" queues a manual run and opens its record, whose log then shows live.
import { ActionIcon, Anchor, Badge, Button, Switch, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlayerPlay, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../../../lib/format";
import { AdminList, type Column } from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import {
  type BackupTask,
  deleteTask,
  listTasks,
  RECORDS_LIST,
  runTask,
  TASKS_LIST,
  toggleTask,
  useAllTargets,
} from "./backupApi";
import { serverWords } from "./TargetDialog";
import { TASK_KINDS, TaskDialog } from "./TaskDialog";

export default function BackupTasksPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const targets = useAllTargets();
  const [editing, setEditing] = useState<BackupTask | "new" | null>(null);
  const [deleting, setDeleting] = useState<BackupTask | null>(null);
  const [running, setRunning] = useState<number | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", TASKS_LIST] });
  const targetName = (id: number) => targets.data?.find((x) => x.id === id)?.name ?? `#${id}`;
  const kindLabel = (kind: string) =>
    TASK_KINDS.includes(kind as "instance")
      ? t(`admin.backup.tasks.kinds.${kind}` as "admin.backup.tasks.kinds.instance")
      : kind;
  const when = (iso?: string | null) =>
    iso ? (
      formatDate(iso, i18n.language)
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );

  async function run(task: BackupTask) {
    setRunning(task.id);
    try {
      const record = await runTask(task.id);
      await queryClient.invalidateQueries({ queryKey: ["admin", RECORDS_LIST] });
      await navigate({
        to: "/admin/$",
        params: { _splat: "backupRecords" },
        search: { record: record.id },
      } as never);
    } catch (e) {
      notifications.show({
        color: "red",
        title: t("admin.backup.tasks.runFailed", { name: task.name }),
        message: serverWords(e),
      });
    } finally {
      setRunning(null);
    }
  }

  const columns: Column<BackupTask>[] = [
    {
      key: "name",
      label: t("admin.backup.tasks.name"),
      sort: "name",
      render: (task) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(task)}>
          {task.name}
        </Anchor>
      ),
    },
    {
      key: "kind",
      label: t("admin.backup.tasks.kind"),
      sort: "kind",
      render: (task) => (
        <Badge miw="max-content" variant="light">
          {kindLabel(task.kind)}
        </Badge>
      ),
    },
    {
      key: "target",
      label: t("admin.backup.tasks.target"),
      render: (task) => targetName(task.target_id),
    },
    {
      key: "schedule",
      label: t("admin.backup.tasks.schedule"),
      render: (task) =>
        task.schedule ? (
          <Text size="sm" ff="monospace">
            {task.schedule}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t("admin.backup.tasks.manualOnly")}
          </Text>
        ),
    },
    {
      key: "enabled",
      label: t("admin.backup.tasks.enabled"),
      sort: "enabled",
      render: (task) => (
        <Switch
          checked={task.enabled}
          aria-label={t("admin.backup.tasks.enabledNamed", { name: task.name })}
          onChange={async (e) => {
            try {
              await toggleTask(task.id, e.currentTarget.checked);
            } catch (error) {
              notifications.show({ color: "red", message: serverWords(error) });
            }
            await refresh();
          }}
        />
      ),
    },
    {
      key: "last",
      label: t("admin.backup.tasks.lastRun"),
      sort: "last_run_at",
      render: (task) => when(task.last_run_at),
    },
    {
      key: "next",
      label: t("admin.backup.tasks.nextRun"),
      sort: "next_run_at",
      render: (task) => when(task.next_run_at),
    },
  ];

  return (
    <>
      <AdminList<BackupTask>
        id={TASKS_LIST}
        title={t("admin.nav.backupTasks")}
        fetchPage={listTasks}
        columns={columns}
        rowKey={(task) => task.id}
        rowName={(task) => task.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        filters={[
          { key: "name", label: t("admin.backup.tasks.name"), kind: "search" },
          {
            key: "kind",
            label: t("admin.backup.tasks.kind"),
            type: "select",
            options: TASK_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind) })),
          },
        ]}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.backup.tasks.create")}
          </Button>
        }
        rowActions={(task) => (
          <>
            <Tooltip label={t("admin.backup.tasks.run")}>
              <ActionIcon
                variant="subtle"
                color="green"
                loading={running === task.id}
                aria-label={t("admin.backup.tasks.runNamed", { name: task.name })}
                onClick={() => void run(task)}
              >
                <IconPlayerPlay size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.backup.editNamed", { name: task.name })}
                onClick={() => setEditing(task)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.delete")}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t("admin.backup.deleteNamed", { name: task.name })}
                onClick={() => setDeleting(task)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      />
      {editing && (
        <TaskDialog
          editing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => void refresh()}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t("admin.backup.tasks.deleteTitle", { name: deleting.name })}
          confirmLabel={t("admin.backup.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteTask(deleting.id);
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.backup.tasks.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
