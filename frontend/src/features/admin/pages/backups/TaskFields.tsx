// The backup task form's sections: what it backs up (the kind, and the users or folder it
// names), the target it writes to, when it runs, and how many records it keeps.
import {
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
import { useTranslation } from "react-i18next";
import { FolderPicker } from "../../../../components/FolderPicker";
import { useUserFolders } from "./backupApi";
import { SCHEDULE_PRESETS, TASK_KINDS, type TaskForm, type TaskKind } from "./taskForm";
import { UserPicker, UsersPicker } from "./UserPicker";

type Section = { task: TaskForm };

export function TaskSource({ task }: Section) {
  const { t } = useTranslation();
  const { form, set } = task;
  // On a phone the choices stand one above the other, so none is cut off.
  const narrow = useMediaQuery("(max-width: 36em)");
  return (
    <>
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
          <UserPicker
            value={form.userId}
            onChange={(id) => {
              set("userId", id);
              // Another user's drive: start again from its root.
              if (id !== form.userId) set("uri", "cloudreve://my/");
            }}
          />
          <TextInput
            label={t("admin.backup.tasks.folder")}
            description={t("admin.backup.tasks.folderHint")}
            required
            value={form.uri}
            onChange={(e) => set("uri", e.currentTarget.value)}
          />
          {form.userId ? <UserFolderPicker userId={form.userId} uri={form.uri} set={set} /> : null}
        </>
      )}
    </>
  );
}

/** The chosen user's folders, browsed from `uri`; a click opens and picks a folder. */
function UserFolderPicker(props: { userId: number; uri: string; set: TaskForm["set"] }) {
  const { t } = useTranslation();
  const folders = useUserFolders(props.userId, props.uri);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("admin.backup.tasks.pickFolder")}
      </Text>
      <FolderPicker
        value={props.uri}
        onChange={(uri) => props.set("uri", uri)}
        excluded={new Set()}
        folders={folders}
        height={180}
      />
    </Stack>
  );
}

export function TaskTarget({ task }: Section) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("admin.backup.tasks.target")}
      data={task.targets.map((x) => ({
        value: String(x.id),
        label: x.starred ? `★ ${x.name}` : x.name,
      }))}
      value={task.targetId || null}
      onChange={(v) => task.set("targetId", v ?? "")}
      nothingFoundMessage={t("admin.backup.tasks.noTargets")}
      required
    />
  );
}

export function TaskSchedule({ task }: Section) {
  const { t } = useTranslation();
  const { form, set } = task;
  const presetLabel = (s: string) => (s === "" ? t("admin.backup.tasks.manualOnly") : s);
  const typed = form.schedule.trim();
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Select
          label={t("admin.backup.tasks.preset")}
          data={SCHEDULE_PRESETS.map((s) => ({ value: s || "manual", label: presetLabel(s) }))}
          value={SCHEDULE_PRESETS.includes(typed) ? typed || "manual" : null}
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
    </>
  );
}

export function TaskKeep({ task }: Section) {
  const { t } = useTranslation();
  const { form, set } = task;
  return (
    <>
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
    </>
  );
}
