// Creating or editing a backup target, per type: a local folder (`settings.path`), an
// S3-compatible or OSS bucket (the same fields as a storage policy of that type) or a slave
// node. "Test" checks the configuration as it stands in the form without saving (the server
// writes, reads back and deletes a probe) and shows what the server said, word for word. The
// secret key is write-only: left empty on an edit, the saved one stays.
import {
  Alert,
  Button,
  Group,
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
import { serverWords } from "../../errors";
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
  // On a phone the choices stand one above the other, so none is cut off.
  const narrow = useMediaQuery("(max-width: 36em)");
  const [form, setForm] = useState<Form>(() => initialForm(editing));
  const [busy, setBusy] = useState<"test" | "save" | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const nodes = useAllNodes();
  const nodeChoices = (nodes.data ?? [])
    .filter((n) => n.type === "slave")
    .map((n) => ({ value: String(n.id), label: `${n.name} (${n.server})` }));

  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const text = (key: keyof Form) => ({
    value: form[key] as string,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(key, e.currentTarget.value),
  });
  const bucket = form.type === "s3" || form.type === "oss";
  const ready =
    form.name.trim() !== "" &&
    (form.type !== "local" || form.path.trim() !== "") &&
    (form.type !== "remote" || form.nodeId !== "") &&
    (!bucket || (form.bucket.trim() !== "" && form.accessKey.trim() !== ""));

  async function test() {
    setBusy("test");
    setOutcome(null);
    try {
      const said = await testPendingTarget(toTargetInput(form, editing?.starred));
      setOutcome({ ok: true, text: said || t("admin.backup.targets.testPassed") });
    } catch (e) {
      setOutcome({ ok: false, text: serverWords(e) });
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    setBusy("save");
    setOutcome(null);
    try {
      const input = toTargetInput(form, editing?.starred);
      if (editing) await updateTarget(editing.id, input);
      else await createTarget(input);
      props.onSaved();
      props.onClose();
    } catch (e) {
      setOutcome({ ok: false, text: serverWords(e) });
    } finally {
      setBusy(null);
    }
  }

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
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t("admin.backup.targets.type")}
          </Text>
          <SegmentedControl
            data={TARGET_TYPES.map((type) => ({
              value: type,
              label: t(`admin.backup.targets.types.${type}` as "admin.backup.targets.types.local"),
            }))}
            value={form.type}
            onChange={(v) => set("type", v as TargetType)}
            orientation={narrow ? "vertical" : "horizontal"}
            fullWidth
          />
        </Stack>
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
          <Select
            label={t("admin.policies.node")}
            description={t("admin.backup.targets.nodeHint")}
            data={nodeChoices}
            value={form.nodeId || null}
            onChange={(v) => set("nodeId", v ?? "")}
            nothingFoundMessage={t("admin.policies.noNodes")}
            placeholder={nodes.isPending ? t("admin.policies.nodesLoading") : undefined}
            required
          />
        )}
        {bucket && (
          <>
            <TextInput
              label={t("admin.policies.server")}
              description={
                form.type === "oss"
                  ? t("admin.policies.ossServerHint")
                  : t("admin.policies.serverHint")
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
              description={editing ? t("admin.policies.secretKeep") : undefined}
              required={!editing}
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
        )}
        {outcome && (
          <Alert
            color={outcome.ok ? "green" : "red"}
            role={outcome.ok ? "status" : "alert"}
            title={outcome.ok ? t("admin.backup.targets.testOk") : t("admin.backup.targets.failed")}
          >
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {outcome.text}
            </Text>
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button variant="light" onClick={test} loading={busy === "test"} disabled={!ready}>
            {t("admin.backup.targets.test")}
          </Button>
          <Button onClick={save} loading={busy === "save"} disabled={!ready}>
            {t("admin.save")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
