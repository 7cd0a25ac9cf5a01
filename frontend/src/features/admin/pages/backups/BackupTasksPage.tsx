// Backup tasks: what is backed up, where and when. The toggle turns a schedule on and off at
// once; "Run now" queues a manual run and opens its record, whose log then shows live.
import { IconPlayerPlay } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { EditableList } from "../../EditableList";
import { RowAction } from "../../list/RowAction";
import { type BackupTask, deleteTask, listTasks, TASKS_LIST, useAllTargets } from "./backupApi";
import { TaskDialog } from "./TaskDialog";
import { taskColumns, taskKindLabel } from "./taskColumns";
import { TASK_KINDS } from "./taskForm";
import { useRunNow } from "./useRunNow";

export default function BackupTasksPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const targets = useAllTargets();
  const runs = useRunNow();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", TASKS_LIST] });
  const targetName = (id: number) => targets.data?.find((x) => x.id === id)?.name ?? `#${id}`;

  return (
    <EditableList<BackupTask>
      id={TASKS_LIST}
      title={t("admin.nav.backupTasks")}
      fetchPage={listTasks}
      columns={(open) => taskColumns({ t, language: i18n.language, open, targetName, refresh })}
      rowKey={(task) => task.id}
      rowName={(task) => task.name}
      defaultOrder={{ by: "id", direction: "asc" }}
      filters={[
        { key: "name", label: t("admin.backup.tasks.name"), kind: "search" },
        {
          key: "kind",
          label: t("admin.backup.tasks.kind"),
          type: "select",
          options: TASK_KINDS.map((kind) => ({ value: kind, label: taskKindLabel(t, kind) })),
        },
      ]}
      createLabel={t("admin.backup.tasks.create")}
      before={(task) => (
        <RowAction
          tip={t("admin.backup.tasks.run")}
          label={t("admin.backup.tasks.runNamed", { name: task.name })}
          icon={IconPlayerPlay}
          color="green"
          loading={runs.running === task.id}
          onClick={() => void runs.run(task)}
        />
      )}
      edit={{
        tip: t("admin.backup.edit"),
        label: (task) => t("admin.backup.editNamed", { name: task.name }),
      }}
      remove={{
        tip: t("admin.backup.delete"),
        label: (task) => t("admin.backup.deleteNamed", { name: task.name }),
        title: (task) => t("admin.backup.tasks.deleteTitle", { name: task.name }),
        what: t("admin.backup.tasks.deleteWhat"),
        run: (task) => deleteTask(task.id),
      }}
      dialog={(task, close, saved) => <TaskDialog editing={task} onClose={close} onSaved={saved} />}
    />
  );
}
