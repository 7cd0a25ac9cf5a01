// Creating or editing a backup task: what it backs up (the whole instance, chosen users'
// drives, or one user's folder), the target it writes to, when it runs (a preset or any
// schedule the server reads: `@every 6h`, a five-field cron line in UTC; empty for manual
// runs only), how many scheduled records it keeps, and whether it is on. The server checks
// everything on save and its refusal is shown as it said it.
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { OutcomeAlert } from "../../list/TestAndSave";
import type { BackupTask } from "./backupApi";
import { TaskKeep, TaskSchedule, TaskSource, TaskTarget } from "./TaskFields";
import { useTaskForm } from "./taskForm";

export function TaskDialog(props: {
  editing?: BackupTask;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const task = useTaskForm(props);
  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={
        editing
          ? t("admin.backup.tasks.editTitle", { name: editing.name })
          : t("admin.backup.tasks.createTitle")
      }
    >
      <Stack gap="sm">
        <TextInput
          label={t("admin.backup.tasks.name")}
          required
          value={task.form.name}
          onChange={(e) => task.set("name", e.currentTarget.value)}
        />
        <TaskSource task={task} />
        <TaskTarget task={task} />
        <TaskSchedule task={task} />
        <TaskKeep task={task} />
        {task.failure && (
          <OutcomeAlert
            outcome={{ ok: false, text: task.failure }}
            failedTitle={t("admin.backup.notSaved")}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button onClick={task.save} loading={task.busy} disabled={!task.ready}>
            {t("admin.save")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
