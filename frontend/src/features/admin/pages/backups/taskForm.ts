// A backup task's form: its fields as the dialog holds them, how they become the server's input,
// when they are complete enough to save, and the save. The starred target is the default once
// the targets have come.
import { useState } from "react";
import { serverWords } from "../../errors";
import {
  type BackupTask,
  type BackupTaskInput,
  createTask,
  settingText,
  sourceUserIds,
  updateTask,
  useAllTargets,
} from "./backupApi";

export type TaskKind = "instance" | "users" | "folder";
export const TASK_KINDS: TaskKind[] = ["instance", "users", "folder"];

/** Schedules offered in one click; any other is typed. */
export const SCHEDULE_PRESETS = ["", "@hourly", "@daily", "@weekly", "@every 6h", "0 3 * * *"];

export type TaskFormValues = {
  name: string;
  kind: TaskKind;
  targetId: string;
  userIds: number[];
  userId: number | null;
  uri: string;
  schedule: string;
  keepLast: number;
  keepDays: number;
  enabled: boolean;
};

function initialForm(task?: BackupTask, starred?: number): TaskFormValues {
  const userId = Number(settingText(task?.source, "user_id"));
  return {
    name: task?.name ?? "",
    kind: (task?.kind as TaskKind) ?? "instance",
    targetId: task ? String(task.target_id) : starred ? String(starred) : "",
    userIds: sourceUserIds(task?.source),
    userId: userId > 0 ? userId : null,
    uri: settingText(task?.source, "uri") || "cloudreve://my/",
    schedule: task?.schedule ?? "@daily",
    keepLast: task?.keep_last ?? 7,
    keepDays: task?.keep_days ?? 0,
    enabled: task?.enabled ?? true,
  };
}

export function toTaskInput(f: TaskFormValues): BackupTaskInput {
  const source =
    f.kind === "users"
      ? { user_ids: f.userIds }
      : f.kind === "folder"
        ? { user_id: f.userId, uri: f.uri.trim() }
        : {};
  return {
    name: f.name.trim(),
    kind: f.kind,
    source,
    target_id: Number(f.targetId),
    schedule: f.schedule.trim(),
    keep_last: f.keepLast,
    keep_days: f.keepDays,
    enabled: f.enabled,
  };
}

function isReady(form: TaskFormValues, targetId: string): boolean {
  return (
    form.name.trim() !== "" &&
    targetId !== "" &&
    (form.kind !== "users" || form.userIds.length > 0) &&
    (form.kind !== "folder" || (form.userId !== null && form.uri.trim() !== ""))
  );
}

export function useTaskForm(props: {
  editing?: BackupTask;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { editing } = props;
  const targets = useAllTargets();
  const starred = targets.data?.find((x) => x.starred)?.id;
  const [form, setForm] = useState<TaskFormValues>(() => initialForm(editing, starred));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const set = <K extends keyof TaskFormValues>(key: K, value: TaskFormValues[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const targetId = form.targetId || (starred ? String(starred) : "");

  async function save() {
    setBusy(true);
    setFailure(null);
    try {
      const input = toTaskInput({ ...form, targetId });
      if (editing) await updateTask(editing.id, input);
      else await createTask(input);
      props.onSaved();
      props.onClose();
    } catch (e) {
      setFailure(serverWords(e));
    } finally {
      setBusy(false);
    }
  }

  const ready = isReady(form, targetId);
  return { form, set, targets: targets.data ?? [], targetId, busy, failure, ready, save };
}

export type TaskForm = ReturnType<typeof useTaskForm>;
