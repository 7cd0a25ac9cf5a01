// Creating or editing a backup task: what it backs up (the whole instance, chosen users'
// drives, or one user's folder), the target it writes to, when it runs (a preset or any
// schedule the server reads: `@every 6h`, a five-field cron line in UTC; empty for manual
// runs only), how many scheduled records it keeps, and whether it is on. The server checks
// everything on save and its refusal is shown as it said it.
import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
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
import { UserPicker, UsersPicker } from "./UserPicker";

export type TaskKind = "instance" | "users" | "folder";
export const TASK_KINDS: TaskKind[] = ["instance", "users", "folder"];

/** Schedules offered in one click; any other is typed. */
export const SCHEDULE_PRESETS = ["", "@hourly", "@daily", "@weekly", "@every 6h", "0 3 * * *"];

type Form = {
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

function initialForm(task?: BackupTask, starred?: number): Form {
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

export function toTaskInput(f: Form): BackupTaskInput {
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

export function TaskDialog(props: {
  editing?: BackupTask;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  // On a phone the choices stand one above the other, so none is cut off.
  const narrow = useMediaQuery("(max-width: 36em)");
  const targets = useAllTargets();
  const starred = targets.data?.find((x) => x.starred)?.id;
  const [form, setForm] = useState<Form>(() => initialForm(editing, starred));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  // The starred target is the default once the targets have come.
  const targetId = form.targetId || (starred ? String(starred) : "");
  const presetLabel = (s: string) => (s === "" ? t("admin.backup.tasks.manualOnly") : s);
  const ready =
    form.name.trim() !== "" &&
    targetId !== "" &&
    (form.kind !== "users" || form.userIds.length > 0) &&
    (form.kind !== "folder" || (form.userId !== null && form.uri.trim() !== ""));

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
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t("admin.backup.tasks.kind")}
          </Text>
          <SegmentedControl
            fullWidth
            data={TASK_KINDS.map((kind) => ({
              value: kind,
              label: t(`admin.backup.tasks.kinds.${kind}` as "admin.backup.tasks.kinds.instance"),
            }))}
            value={form.kind}
            onChange={(v) => set("kind", v as TaskKind)}
            orientation={narrow ? "vertical" : "horizontal"}
          />
          <Text size="xs" c="dimmed">
            {t(
              `admin.backup.tasks.kindHints.${form.kind}` as "admin.backup.tasks.kindHints.instance",
            )}
          </Text>
        </Stack>
        {form.kind === "users" && (
          <UsersPicker value={form.userIds} onChange={(ids) => set("userIds", ids)} />
        )}
        {form.kind === "folder" && (
          <>
            <UserPicker value={form.userId} onChange={(id) => set("userId", id)} />
            <TextInput
              label={t("admin.backup.tasks.folder")}
              description={t("admin.backup.tasks.folderHint")}
              required
              value={form.uri}
              onChange={(e) => set("uri", e.currentTarget.value)}
            />
          </>
        )}
        <Select
          label={t("admin.backup.tasks.target")}
          data={(targets.data ?? []).map((x) => ({
            value: String(x.id),
            label: x.starred ? `★ ${x.name}` : x.name,
          }))}
          value={targetId || null}
          onChange={(v) => set("targetId", v ?? "")}
          nothingFoundMessage={t("admin.backup.tasks.noTargets")}
          required
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label={t("admin.backup.tasks.preset")}
            data={SCHEDULE_PRESETS.map((s) => ({ value: s || "manual", label: presetLabel(s) }))}
            value={
              SCHEDULE_PRESETS.includes(form.schedule.trim())
                ? form.schedule.trim() || "manual"
                : null
            }
            placeholder={t("admin.backup.tasks.custom")}
            onChange={(v) => v && set("schedule", v === "manual" ? "" : v)}
            allowDeselect={false}
          />
          <TextInput
            label={t("admin.backup.tasks.schedule")}
            placeholder={t("admin.backup.tasks.manualOnly")}
            value={form.schedule}
            onChange={(e) => set("schedule", e.currentTarget.value)}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {t("admin.backup.tasks.scheduleHint")}
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <NumberInput
            label={t("admin.backup.tasks.keepLast")}
            description={t("admin.backup.tasks.zeroKeepsAll")}
            min={0}
            value={form.keepLast}
            onChange={(v) => set("keepLast", Number(v) || 0)}
          />
          <NumberInput
            label={t("admin.backup.tasks.keepDays")}
            description={t("admin.backup.tasks.zeroKeepsAll")}
            min={0}
            value={form.keepDays}
            onChange={(v) => set("keepDays", Number(v) || 0)}
          />
        </SimpleGrid>
        <Switch
          label={t("admin.backup.tasks.enabled")}
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
        />
        {failure && (
          <Alert color="red" role="alert" title={t("admin.backup.notSaved")}>
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {failure}
            </Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button onClick={save} loading={busy} disabled={!ready}>
            {t("admin.save")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
