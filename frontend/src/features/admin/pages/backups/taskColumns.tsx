// The backup tasks table's columns: name (opening the task), kind, target, schedule, the
// on/off switch (applied at once) and the last and next runs.
import { Badge, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { TFunction } from "i18next";
import { formatDate } from "../../../../lib/format";
import type { Column } from "../../AdminList";
import { serverWords } from "../../errors";
import { NameLink } from "../../list/RowAction";
import { type BackupTask, toggleTask } from "./backupApi";
import { TASK_KINDS } from "./taskForm";

export function taskKindLabel(t: TFunction, kind: string) {
  return TASK_KINDS.includes(kind as "instance")
    ? t(`admin.backup.tasks.kinds.${kind}` as "admin.backup.tasks.kinds.instance")
    : kind;
}

type Context = {
  t: TFunction;
  language: string;
  open: (task: BackupTask) => void;
  targetName: (id: number) => string;
  refresh: () => Promise<void>;
};

export function taskColumns({ t, language, open, targetName, refresh }: Context) {
  const when = (iso?: string | null) =>
    iso ? (
      formatDate(iso, language)
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const columns: Column<BackupTask>[] = [
    {
      key: "name",
      label: t("admin.backup.tasks.name"),
      sort: "name",
      render: (task) => <NameLink onClick={() => open(task)}>{task.name}</NameLink>,
    },
    {
      key: "kind",
      label: t("admin.backup.tasks.kind"),
      sort: "kind",
      render: (task) => (
        <Badge miw="max-content" variant="light">
          {taskKindLabel(t, task.kind)}
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
      render: (task) => <Schedule task={task} t={t} />,
    },
    {
      key: "enabled",
      label: t("admin.backup.tasks.enabled"),
      sort: "enabled",
      render: (task) => <EnabledSwitch task={task} t={t} refresh={refresh} />,
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
  return columns;
}

function Schedule({ task, t }: { task: BackupTask; t: TFunction }) {
  return task.schedule ? (
    <Text size="sm" ff="monospace">
      {task.schedule}
    </Text>
  ) : (
    <Text size="sm" c="dimmed">
      {t("admin.backup.tasks.manualOnly")}
    </Text>
  );
}

function EnabledSwitch(props: { task: BackupTask; t: TFunction; refresh: () => Promise<void> }) {
  const { task, t } = props;
  return (
    <Switch
      checked={task.enabled}
      aria-label={t("admin.backup.tasks.enabledNamed", { name: task.name })}
      onChange={async (e) => {
        try {
          await toggleTask(task.id, e.currentTarget.checked);
        } catch (error) {
          notifications.show({ color: "red", message: serverWords(error) });
        }
        await props.refresh();
      }}
    />
  );
}
