// Creating or editing a backup target, per type: a local folder (`settings.path`), an
// S3-compatible or OSS bucket (the same fields as a storage policy of that type) or a slave
// node. "Test" checks the configuration as it stands in the form without saving (the server
// writes, reads back and deletes a probe) and shows what the server said, word for word. The
// secret key is write-only: left empty on an edit, the saved one stays.
import {
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { OutcomeAlert, TestSaveButtons, useTestAndSave } from "../../list/TestAndSave";
import { useAllNodes } from "../nodes/nodesApi";
import {
  type BackupTarget,
  type BackupTargetInput,
  createTarget,
  settingFlag,
  settingText,
  testPendingTarget,
  updateTarget,
} from "./backupApi";

export type TargetType = "local" | "s3" | "oss" | "remote";
export const TARGET_TYPES: TargetType[] = ["local", "s3", "oss", "remote"];

type Form = {
  type: TargetType;
  name: string;
  path: string;
  server: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  pathStyle: boolean;
  nodeId: string;
};

function initialForm(t?: BackupTarget): Form {
  const s = t?.settings;
  return {
    type: (t?.type as TargetType) ?? "local",
    name: t?.name ?? "",
    path: settingText(s, "path"),
    server: settingText(s, "server"),
    bucket: settingText(s, "bucket_name"),
    accessKey: settingText(s, "access_key"),
    secretKey: "",
    region: settingText(s, "region") || (t ? "" : "us-east-1"),
    pathStyle: settingFlag(s, "s3_path_style"),
    nodeId: settingText(s, "node_id"),
  };
}

/** The target as the server takes it; an empty secret is left out so the saved one stays. */
export function toTargetInput(f: Form, starred?: boolean): BackupTargetInput {
  const base = { name: f.name.trim(), type: f.type, starred };
  if (f.type === "local") return { ...base, settings: { path: f.path.trim() } };
  if (f.type === "remote") return { ...base, settings: { node_id: Number(f.nodeId) } };
  const settings: Record<string, unknown> = {
    server: f.server.trim(),
    bucket_name: f.bucket.trim(),
    access_key: f.accessKey.trim(),
    region: f.region.trim(),
  };
  if (f.secretKey) settings.secret_key = f.secretKey;
  if (f.type === "s3") settings.s3_path_style = f.pathStyle;
  return { ...base, settings };
}

/** What the server said, as it said it: a refusal's own message. */

export function TargetDialog(props: {
  editing?: BackupTarget;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const [form, setForm] = useState<Form>(() => initialForm(editing));

  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const text = (key: keyof Form) => ({
    value: form[key] as string,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(key, e.currentTarget.value),
  });
  const bucket = form.type === "s3" || form.type === "oss";
  const ready = isReady(form);

  const { busy, outcome, act } = useTestAndSave({
    test: async () =>
      (await testPendingTarget(toTargetInput(form, editing?.starred))) ||
      t("admin.backup.targets.testPassed"),
    save: () => {
      const input = toTargetInput(form, editing?.starred);
      return editing ? updateTarget(editing.id, input) : createTarget(input);
    },
    onSaved: props.onSaved,
    onClose: props.onClose,
  });

  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={
        editing
          ? t("admin.backup.targets.editTitle", { name: editing.name })
          : t("admin.backup.targets.createTitle")
      }
    >
      <Stack gap="sm">
        <TypePicker value={form.type} onChange={(v) => set("type", v)} />
        <TextInput label={t("admin.backup.targets.name")} required {...text("name")} />
        {form.type === "local" && (
          <TextInput
            label={t("admin.backup.targets.path")}
            description={t("admin.backup.targets.pathHint")}
            required
            {...text("path")}
          />
        )}
        {form.type === "remote" && (
          <NodeField value={form.nodeId} onChange={(v) => set("nodeId", v)} />
        )}
        {bucket && <BucketFields form={form} set={set} text={text} editing={!!editing} />}
        {outcome && (
          <OutcomeAlert
            outcome={outcome}
            okTitle={t("admin.backup.targets.testOk")}
            failedTitle={t("admin.backup.targets.failed")}
          />
        )}
        <TestSaveButtons
          testLabel={t("admin.backup.targets.test")}
          busy={busy}
          ready={ready}
          act={act}
          onClose={props.onClose}
        />
      </Stack>
    </Modal>
  );
}

type FieldsProps = {
  form: Form;
  set: <K extends keyof Form>(key: K, value: Form[K]) => void;
  text: (key: keyof Form) => {
    value: string;
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => void;
  };
  editing: boolean;
};

/** An S3 or OSS bucket's endpoint, name, region and keys. */
function BucketFields({ form, set, text, ...props }: FieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput
        label={t("admin.policies.server")}
        description={
          form.type === "oss" ? t("admin.policies.ossServerHint") : t("admin.policies.serverHint")
        }
        {...text("server")}
      />
      <TextInput label={t("admin.policies.bucket")} required {...text("bucket")} />
      <TextInput label={t("admin.policies.region")} {...text("region")} />
      <TextInput
        label={t("admin.policies.accessKey")}
        required
        autoComplete="off"
        {...text("accessKey")}
      />
      <PasswordInput
        label={t("admin.policies.secretKey")}
        description={props.editing ? t("admin.policies.secretKeep") : undefined}
        required={!props.editing}
        autoComplete="new-password"
        {...text("secretKey")}
      />
      {form.type === "s3" && (
        <Switch
          label={t("admin.policies.pathStyle")}
          description={t("admin.policies.pathStyleHint")}
          checked={form.pathStyle}
          onChange={(e) => set("pathStyle", e.currentTarget.checked)}
        />
      )}
    </>
  );
}

function isReady(form: Form): boolean {
  const bucket = form.type === "s3" || form.type === "oss";
  return (
    form.name.trim() !== "" &&
    (form.type !== "local" || form.path.trim() !== "") &&
    (form.type !== "remote" || form.nodeId !== "") &&
    (!bucket || (form.bucket.trim() !== "" && form.accessKey.trim() !== ""))
  );
}

function TypePicker(props: { value: TargetType; onChange: (type: TargetType) => void }) {
  const { t } = useTranslation();
  // On a phone the choices stand one above the other, so none is cut off.
  const narrow = useMediaQuery("(max-width: 36em)");
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("admin.backup.targets.type")}
      </Text>
      <SegmentedControl
        data={TARGET_TYPES.map((type) => ({
          value: type,
          label: t(`admin.backup.targets.types.${type}` as "admin.backup.targets.types.local"),
        }))}
        value={props.value}
        onChange={(v) => props.onChange(v as TargetType)}
        orientation={narrow ? "vertical" : "horizontal"}
        fullWidth
      />
    </Stack>
  );
}

/** The slave node a `remote` target writes to. */
function NodeField(props: { value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const nodes = useAllNodes();
  const choices = (nodes.data ?? [])
    .filter((n) => n.type === "slave")
    .map((n) => ({ value: String(n.id), label: `${n.name} (${n.server})` }));
  return (
    <Select
      label={t("admin.policies.node")}
      description={t("admin.backup.targets.nodeHint")}
      data={choices}
      value={props.value || null}
      onChange={(v) => props.onChange(v ?? "")}
      nothingFoundMessage={t("admin.policies.noNodes")}
      placeholder={nodes.isPending ? t("admin.policies.nodesLoading") : undefined}
      required
    />
  );
}
