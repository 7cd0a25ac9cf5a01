// Creating or editing a storage policy, per type. Saving runs the server's storage test (a
// test object written, read and deleted): a failure is shown as the server said it, and
// nothing is saved. The secret key is write-only: left empty on an edit, the stored one stays.
// Types: local disk, S3-compatible buckets, Alibaba OSS (its S3-compatible interface) and
// remote (a slave node from the Nodes page, with name rules relative to the node's folder).
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
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { useAllNodes } from "../nodes/nodesApi";
import {
  concurrencyProblem,
  initialRules,
  PolicyRules,
  type RuleFields,
  ruleSettings,
} from "./PolicyRules";
import {
  createPolicy,
  POLICIES_QUERY,
  type Policy,
  type PolicyInput,
  updatePolicy,
} from "./policiesApi";

export type PolicyType = "local" | "s3" | "oss" | "remote";

const TYPES: PolicyType[] = ["local", "s3", "oss", "remote"];
const BUCKETS: PolicyType[] = ["s3", "oss"];

type Form = RuleFields & {
  type: PolicyType;
  name: string;
  maxSize: string;
  dirRule: string;
  fileRule: string;
  server: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  pathStyle: boolean;
  isPrivate: boolean;
  nodeId: string;
  internalEndpoint: string;
  useCname: boolean;
};

function settingString(p: Policy | undefined, key: string): string {
  const v = (p?.settings as Record<string, unknown> | undefined)?.[key];
  return typeof v === "string" ? v : "";
}

function initialForm(type: PolicyType, p?: Policy): Form {
  const settings = p?.settings as Record<string, unknown> | undefined;
  return {
    type,
    name: p?.name ?? "",
    maxSize: String(p?.max_size ?? 0),
    dirRule: p?.dir_name_rule ?? (type === "remote" ? "uploads/{uid}/{path}" : "{uid}/{path}"),
    fileRule: p?.file_name_rule ?? "{uid}_{randomkey8}_{originname}",
    server: p?.server ?? "",
    bucket: p?.bucket_name ?? "",
    accessKey: p?.access_key ?? "",
    secretKey: "",
    region: settingString(p, "region") || (p ? "" : "us-east-1"),
    pathStyle: settings?.s3_path_style === true,
    isPrivate: p?.is_private ?? true,
    nodeId: p?.node_id ? String(p.node_id) : "",
    internalEndpoint: settingString(p, "server_side_endpoint"),
    useCname: settings?.use_cname === true,
    ...initialRules(settings),
  };
}

/** The policy as the server takes it, with its upload rules; the edited policy's other
 * settings are kept. */
export function toInput(f: Form, editing?: Policy): PolicyInput {
  const input = typeInput(f, editing);
  return { ...input, settings: { ...(input.settings as object), ...ruleSettings(f) } };
}

function typeInput(f: Form, editing?: Policy): PolicyInput {
  const base: PolicyInput = {
    name: f.name.trim(),
    type: f.type,
    max_size: Number(f.maxSize.trim() || "0"),
    dir_name_rule: f.dirRule,
    file_name_rule: f.fileRule,
  };
  const kept = { ...((editing?.settings as object) ?? {}) };
  if (f.type === "local") return { ...base, settings: kept };
  if (f.type === "remote") return { ...base, node_id: Number(f.nodeId), settings: kept };
  const bucket = {
    ...base,
    server: f.server.trim(),
    bucket_name: f.bucket.trim(),
    access_key: f.accessKey.trim(),
    secret_key: f.secretKey,
    is_private: f.isPrivate,
    settings: { ...kept, region: f.region.trim() },
  };
  if (f.type === "s3")
    return { ...bucket, settings: { ...bucket.settings, s3_path_style: f.pathStyle } };
  return {
    ...bucket,
    settings: {
      ...bucket.settings,
      server_side_endpoint: f.internalEndpoint.trim(),
      use_cname: f.useCname,
    },
  };
}

type Problems = Partial<Record<keyof Form, string>>;

function checkForm(f: Form, editing: boolean, t: (k: string) => string): Problems {
  const p: Problems = {};
  if (!f.name.trim()) p.name = t("admin.policies.invalid.name");
  if (!/^\d+$/.test(f.maxSize.trim() || "0")) p.maxSize = t("admin.policies.invalid.maxSize");
  if (!f.fileRule.trim()) p.fileRule = t("admin.policies.invalid.fileRule");
  if (concurrencyProblem(f)) p.chunkConcurrency = t("policyRules.invalidConcurrency");
  if (f.type === "remote" && !f.nodeId) p.nodeId = t("admin.policies.invalid.node");
  if (f.type === "oss" && !f.server.trim()) p.server = t("admin.policies.invalid.ossServer");
  if (BUCKETS.includes(f.type)) {
    if (!f.bucket.trim()) p.bucket = t("admin.policies.invalid.bucket");
    if (!f.accessKey.trim()) p.accessKey = t("admin.policies.invalid.accessKey");
    if (!editing && !f.secretKey) p.secretKey = t("admin.policies.invalid.secretKey");
    if (f.server.trim()) {
      try {
        // OSS lists its endpoints without a scheme; HTTPS is meant.
        const given = f.server.trim();
        const u = new URL(f.type === "oss" && !given.includes("://") ? `https://${given}` : given);
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
      } catch {
        p.server = t("admin.policies.invalid.server");
      }
    }
  }
  return p;
}

export function PolicyForm({
  opened,
  onClose,
  editing,
}: {
  opened: boolean;
  onClose: () => void;
  editing?: Policy;
}) {
  const { t } = useTranslation();
  const tk = t as unknown as (k: string) => string;
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() =>
    initialForm((editing?.type as PolicyType) ?? "local", editing),
  );
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const failureRef = useRef<HTMLDivElement>(null);
  // The refusal sits under a long form: bring it into view when it comes.
  useEffect(() => {
    if (failure) failureRef.current?.scrollIntoView({ block: "nearest" });
  }, [failure]);

  const nodes = useAllNodes();
  const nodeChoices = (nodes.data ?? [])
    .filter((n) => n.type === "slave")
    .map((n) => ({ value: String(n.id), label: `${n.name} (${n.server})` }));
  const changeType = (type: PolicyType) =>
    setForm((f) => {
      const fresh = initialForm(f.type);
      // A rule still at the old type's default takes the new type's.
      const dirRule = f.dirRule === fresh.dirRule ? initialForm(type).dirRule : f.dirRule;
      return { ...f, type, dirRule };
    });

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setProblems(({ [key]: _, ...rest }) => rest);
  };
  const text = (key: keyof Form) => ({
    value: form[key] as string,
    error: problems[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(key, e.currentTarget.value),
  });

  async function save() {
    const found = checkForm(form, !!editing, tk);
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const input = toInput(form, editing);
      if (editing) await updatePolicy(editing.id, input);
      else await createPolicy(input);
      await queryClient.invalidateQueries({ queryKey: POLICIES_QUERY });
      onClose();
    } catch (e) {
      // The server's words, as it said them: they name the field or the storage's refusal.
      setFailure(e instanceof ApiError && e.message ? e.message : errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const title = editing
    ? t("admin.policies.editTitle", { name: editing.name })
    : t("admin.policies.createTitle");

  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="sm">
          {!editing && (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="policy-type-label">
                {t("admin.policies.type")}
              </Text>
              <SegmentedControl
                aria-labelledby="policy-type-label"
                value={form.type}
                onChange={(v) => changeType(v as PolicyType)}
                data={TYPES.map((value) => ({
                  value,
                  label: t(`admin.policies.types.${value}` as const),
                }))}
              />
              <Text size="xs" c="dimmed">
                {t(`admin.policies.typeHint.${form.type}` as const)}
              </Text>
            </Stack>
          )}
          <TextInput label={t("admin.policies.name")} required {...text("name")} />
          {form.type === "remote" && (
            <Select
              label={t("admin.policies.node")}
              description={t("admin.policies.nodeHint")}
              required
              data={nodeChoices}
              value={form.nodeId || null}
              error={problems.nodeId}
              onChange={(v) => set("nodeId", v ?? "")}
              nothingFoundMessage={t("admin.policies.noNodes")}
              placeholder={nodes.isPending ? t("admin.policies.nodesLoading") : undefined}
            />
          )}
          {BUCKETS.includes(form.type) && (
            <>
              <TextInput
                label={t("admin.policies.server")}
                description={t(
                  form.type === "oss"
                    ? "admin.policies.ossServerHint"
                    : "admin.policies.serverHint",
                )}
                placeholder={
                  form.type === "oss" ? "oss-cn-hangzhou.aliyuncs.com" : "https://s3.example.com"
                }
                required={form.type === "oss"}
                {...text("server")}
              />
              {form.type === "oss" && (
                <TextInput
                  label={t("admin.policies.internalEndpoint")}
                  description={t("admin.policies.internalEndpointHint")}
                  placeholder="oss-cn-hangzhou-internal.aliyuncs.com"
                  {...text("internalEndpoint")}
                />
              )}
              <Group grow align="flex-start">
                <TextInput label={t("admin.policies.bucket")} required {...text("bucket")} />
                <TextInput label={t("admin.policies.region")} {...text("region")} />
              </Group>
              <TextInput
                label={t("admin.policies.accessKey")}
                required
                autoComplete="off"
                {...text("accessKey")}
              />
              <PasswordInput
                label={t("admin.policies.secretKey")}
                required={!editing}
                description={editing ? t("admin.policies.secretKeep") : undefined}
                autoComplete="new-password"
                {...text("secretKey")}
              />
              {form.type === "s3" ? (
                <Switch
                  label={t("admin.policies.pathStyle")}
                  description={t("admin.policies.pathStyleHint")}
                  checked={form.pathStyle}
                  onChange={(e) => set("pathStyle", e.currentTarget.checked)}
                />
              ) : (
                <Switch
                  label={t("admin.policies.useCname")}
                  description={t("admin.policies.useCnameHint")}
                  checked={form.useCname}
                  onChange={(e) => set("useCname", e.currentTarget.checked)}
                />
              )}
              <Switch
                label={t("admin.policies.private")}
                checked={form.isPrivate}
                onChange={(e) => set("isPrivate", e.currentTarget.checked)}
              />
            </>
          )}
          <TextInput
            label={t("admin.policies.dirRule")}
            description={t(
              form.type === "remote"
                ? "admin.policies.remoteRulesHint"
                : "admin.policies.rulesHint",
            )}
            {...text("dirRule")}
          />
          <TextInput label={t("admin.policies.fileRule")} required {...text("fileRule")} />
          <TextInput
            label={t("admin.policies.maxSize")}
            description={t("admin.policies.maxSizeHint")}
            inputMode="numeric"
            {...text("maxSize")}
          />
          <PolicyRules
            value={form}
            concurrencyError={problems.chunkConcurrency}
            onChange={(key, value) => set(key, value as Form[typeof key])}
          />
          {failure && (
            <Alert
              ref={failureRef}
              color="red"
              role="alert"
              title={t("admin.policies.notSaved")}
              style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
            >
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={saving}>
              {t("admin.policies.testAndSave")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
