// Create or edit a group: name, quota, download speed limit, storage policy, every permission
// named in words, and the group settings (trash retention, batch sizes, archive limits).
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../../../api/client";
import { decodeBoolset, encodeBoolset } from "../../../../lib/boolset";
import { type AdminGroup, useAllPolicies } from "../../api";
import { adminErrorMessage } from "../../errors";
import { SizeInput } from "../../SizeInput";
import { type GroupSettings, PERMISSION_BITS } from "./permissions";

type Props = { groupId: number | null; onClose: () => void; onSaved: () => void };

type Form = {
  name: string;
  maxStorage: number;
  speedLimit: number;
  policy: string;
  permissions: Set<number>;
  settings: GroupSettings;
};

const GB = 1024 ** 3;
const DAY = 86_400;

/** The server's value of a per-user cap the group does not set (0 would lift it). */
const CAP_DEFAULTS: Record<string, number> = {
  max_queued_tasks: 100,
  max_shares: 10_000,
  max_dav_accounts: 100,
  snapshot_max_per_folder: 5,
  snapshot_max_schedules: 5,
};

/** The per-user caps of a group, each a whole number where 0 means no limit. */
const CAPS = [
  ["max_queued_tasks", "maxQueuedTasks"],
  ["max_shares", "maxShares"],
  ["max_dav_accounts", "maxDavAccounts"],
  ["snapshot_max_per_folder", "maxSnapshotsPerFolder"],
  ["snapshot_max_schedules", "maxSnapshotSchedules"],
] as const;

/** A new group: 1 GB, shares and other people's shares allowed, a week in the trash. */
function blank(): Form {
  return {
    name: "",
    maxStorage: GB,
    speedLimit: 0,
    policy: "1",
    permissions: new Set([2, 7, 11]),
    settings: {
      source_batch: 10,
      aria2_batch: 1,
      max_walked_files: 100_000,
      trash_retention: 7 * DAY,
      redirected_source: true,
    },
  };
}

function formOf(g: AdminGroup): Form {
  return {
    name: g.name,
    maxStorage: g.max_storage,
    speedLimit: g.speed_limit,
    policy: g.storage_policy_id ? String(g.storage_policy_id) : "",
    permissions: decodeBoolset(g.permissions),
    settings: (g.settings && typeof g.settings === "object" ? g.settings : {}) as GroupSettings,
  };
}

export function GroupDialog({ groupId, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const policies = useAllPolicies();
  const existing = useQuery({
    queryKey: ["admin", "groups", "one", groupId],
    queryFn: () => unwrap(api.GET("/admin/group/{id}", { params: { path: { id: groupId ?? 0 } } })),
    enabled: groupId !== null,
    staleTime: 0,
  });
  const [form, setForm] = useState<Form | null>(groupId === null ? blank() : null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (existing.data && !form) setForm(formOf(existing.data));
  }, [existing.data, form]);

  const set = (changes: Partial<Form>) => setForm((f) => (f ? { ...f, ...changes } : f));
  const setting = (key: string, value: unknown) =>
    setForm((f) => (f ? { ...f, settings: { ...f.settings, [key]: value } } : f));
  const num = (key: string) => {
    const v = form?.settings[key];
    return typeof v === "number" ? v : (CAP_DEFAULTS[key] ?? 0);
  };

  const nameError = checked && form && !form.name.trim() ? t("admin.groups.nameRequired") : null;

  const submit = async () => {
    if (!form) return;
    setChecked(true);
    if (!form.name.trim()) return;
    setBusy(true);
    setError(null);
    const group = {
      id: groupId ?? 0,
      name: form.name.trim(),
      max_storage: form.maxStorage,
      speed_limit: form.speedLimit,
      permissions: encodeBoolset(form.permissions),
      settings: form.settings,
      storage_policy_id: Number(form.policy) || 0,
    };
    try {
      if (groupId === null) await unwrap(api.PUT("/admin/group", { body: { group } }));
      else
        await unwrap(
          api.PUT("/admin/group/{id}", { params: { path: { id: groupId } }, body: { group } }),
        );
      notifications.show({ color: "green", message: t("admin.groups.saved") });
      onSaved();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const title =
    groupId === null
      ? t("admin.groups.create")
      : t("admin.groups.editTitle", { name: existing.data?.name ?? "" });

  return (
    <Modal opened onClose={onClose} title={title} size="xl" centered>
      {!form ? (
        existing.isError ? (
          <Alert color="red" role="alert">
            {adminErrorMessage(existing.error)}
          </Alert>
        ) : (
          <Group justify="center" p="lg">
            <Loader size="sm" aria-label={t("admin.list.loading")} />
          </Group>
        )
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Stack gap="md">
            {existing.data?.total_users !== undefined && (
              <Text size="sm" c="dimmed">
                {t("admin.groups.members", { count: existing.data.total_users })}
              </Text>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t("admin.groups.name")}
                value={form.name}
                onChange={(e) => set({ name: e.currentTarget.value })}
                error={nameError}
                required
                maxLength={255}
                data-autofocus
              />
              <Select
                label={t("admin.groups.policy")}
                description={t("admin.groups.policyHint")}
                data={(policies.data ?? []).map((p) => ({ value: String(p.id), label: p.name }))}
                value={form.policy || null}
                onChange={(value) => set({ policy: value ?? "" })}
                placeholder={t("admin.groups.noPolicy")}
                clearable
              />
              <SizeInput
                label={t("admin.groups.maxStorage")}
                description={t("admin.groups.maxStorageHint")}
                value={form.maxStorage}
                onChange={(maxStorage) => set({ maxStorage })}
                unitLabel={t("admin.groups.unit")}
              />
              <SizeInput
                label={t("admin.groups.speedLimit")}
                description={t("admin.groups.speedLimitHint")}
                value={form.speedLimit}
                onChange={(speedLimit) => set({ speedLimit })}
                suffix="/s"
                zeroUnit={2}
                unitLabel={t("admin.groups.unit")}
              />
            </SimpleGrid>

            <Fieldset legend={t("admin.groups.permissions")}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {PERMISSION_BITS.map((p) => (
                  <Checkbox
                    key={p.bit}
                    label={t(`admin.groups.perm.${p.key}` as "admin.groups.perm.admin")}
                    description={t("admin.groups.bit", { bit: p.bit })}
                    checked={form.permissions.has(p.bit)}
                    disabled={p.reserved && !form.permissions.has(p.bit)}
                    onChange={(event) => {
                      const next = new Set(form.permissions);
                      if (event.currentTarget.checked) next.add(p.bit);
                      else next.delete(p.bit);
                      set({ permissions: next });
                    }}
                  />
                ))}
              </SimpleGrid>
            </Fieldset>

            <Fieldset legend={t("admin.groups.settings")}>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <NumberInput
                  label={t("admin.groups.trashRetention")}
                  description={t("admin.groups.trashRetentionHint")}
                  value={num("trash_retention") / DAY}
                  onChange={(v) => setting("trash_retention", Math.round(Number(v || 0) * DAY))}
                  min={0}
                  decimalScale={2}
                />
                <NumberInput
                  label={t("admin.groups.sourceBatch")}
                  description={t("admin.groups.sourceBatchHint")}
                  value={num("source_batch")}
                  onChange={(v) => setting("source_batch", Math.max(0, Math.round(Number(v || 0))))}
                  min={0}
                  allowDecimal={false}
                />
                <NumberInput
                  label={t("admin.groups.aria2Batch")}
                  description={t("admin.groups.aria2BatchHint")}
                  value={num("aria2_batch")}
                  onChange={(v) => setting("aria2_batch", Math.max(0, Math.round(Number(v || 0))))}
                  min={0}
                  allowDecimal={false}
                />
                <NumberInput
                  label={t("admin.groups.maxWalkedFiles")}
                  description={t("admin.groups.maxWalkedFilesHint")}
                  value={num("max_walked_files")}
                  onChange={(v) =>
                    setting("max_walked_files", Math.max(0, Math.round(Number(v || 0))))
                  }
                  min={0}
                  allowDecimal={false}
                />
                {CAPS.map(([key, label]) => (
                  <NumberInput
                    key={key}
                    label={t(`admin.groups.${label}`)}
                    description={t("admin.groups.zeroNoLimit")}
                    value={num(key)}
                    onChange={(v) => setting(key, Math.max(0, Math.round(Number(v || 0))))}
                    min={0}
                    allowDecimal={false}
                  />
                ))}
                <SizeInput
                  label={t("admin.groups.compressSize")}
                  description={t("admin.groups.zeroNoLimit")}
                  value={num("compress_size")}
                  onChange={(v) => setting("compress_size", v)}
                  unitLabel={t("admin.groups.unit")}
                />
                <SizeInput
                  label={t("admin.groups.decompressSize")}
                  description={t("admin.groups.zeroNoLimit")}
                  value={num("decompress_size")}
                  onChange={(v) => setting("decompress_size", v)}
                  unitLabel={t("admin.groups.unit")}
                />
              </SimpleGrid>
              <Switch
                mt="md"
                label={t("admin.groups.redirectedSource")}
                description={t("admin.groups.redirectedSourceHint")}
                checked={form.settings.redirected_source === true}
                onChange={(e) => setting("redirected_source", e.currentTarget.checked)}
              />
            </Fieldset>

            {error !== null && (
              <Alert color="red" role="alert" title={t("admin.refused")}>
                {adminErrorMessage(error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" loading={busy}>
                {groupId === null ? t("admin.groups.create") : t("admin.save")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
