// The group form's sections: the group itself (name, policy, quota, speed), every permission
// named in words, and the group settings (trash retention, batch sizes, per-user caps, archive
// limits).
import {
  Checkbox,
  Fieldset,
  NumberInput,
  Select,
  SimpleGrid,
  Switch,
  TextInput,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useAllPolicies } from "../../api";
import { SizeInput } from "../../SizeInput";
import { DAY, type GroupForm, type GroupFormValues } from "./groupForm";
import { PERMISSION_BITS } from "./permissions";

type Section = { group: GroupForm; form: GroupFormValues };

/** The per-user caps of a group, each a whole number where 0 means no limit. */
const CAPS = [
  ["max_queued_tasks", "maxQueuedTasks"],
  ["max_shares", "maxShares"],
  ["max_dav_accounts", "maxDavAccounts"],
  ["snapshot_max_per_folder", "maxSnapshotsPerFolder"],
  ["snapshot_max_schedules", "maxSnapshotSchedules"],
] as const;

/** How many a request or a walk may take at once, each a whole number. */
const BATCHES = [
  ["source_batch", "sourceBatch", "sourceBatchHint"],
  ["aria2_batch", "aria2Batch", "aria2BatchHint"],
  ["max_walked_files", "maxWalkedFiles", "maxWalkedFilesHint"],
] as const;

const whole = (v: string | number) => Math.max(0, Math.round(Number(v || 0)));

export function GroupBasics({ group, form }: Section) {
  const { t } = useTranslation();
  const policies = useAllPolicies();
  const { set } = group;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <TextInput
        label={t("admin.groups.name")}
        value={form.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={group.nameError}
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
  );
}

export function GroupPermissions({ group, form }: Section) {
  const { t } = useTranslation();
  return (
    <Fieldset legend={t("admin.groups.permissions")}>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        {PERMISSION_BITS.map((p) => (
          <Checkbox
            key={p.bit}
            label={t(`admin.groups.perm.${p.key}` as "admin.groups.perm.admin")}
            description={t("admin.groups.bit", { name: p.name, bit: p.bit })}
            checked={form.permissions.has(p.bit)}
            disabled={p.reserved && !form.permissions.has(p.bit)}
            onChange={(event) => {
              const next = new Set(form.permissions);
              if (event.currentTarget.checked) next.add(p.bit);
              else next.delete(p.bit);
              group.set({ permissions: next });
            }}
          />
        ))}
      </SimpleGrid>
    </Fieldset>
  );
}

export function GroupSettingsFields({ group, form }: Section) {
  const { t } = useTranslation();
  return (
    <Fieldset legend={t("admin.groups.settings")}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <GroupBatches group={group} />
        <GroupCaps group={group} />
      </SimpleGrid>
      <Switch
        mt="md"
        label={t("admin.groups.redirectedSource")}
        description={t("admin.groups.redirectedSourceHint")}
        checked={form.settings.redirected_source === true}
        onChange={(e) => group.setting("redirected_source", e.currentTarget.checked)}
      />
    </Fieldset>
  );
}

/** Trash retention (typed in days) and the batch and walk sizes. */
function GroupBatches({ group }: { group: GroupForm }) {
  const { t } = useTranslation();
  const { num, setting } = group;
  return (
    <>
      <NumberInput
        label={t("admin.groups.trashRetention")}
        description={t("admin.groups.trashRetentionHint")}
        value={num("trash_retention") / DAY}
        onChange={(v) => setting("trash_retention", Math.round(Number(v || 0) * DAY))}
        min={0}
        decimalScale={2}
      />
      {BATCHES.map(([key, label, hint]) => (
        <NumberInput
          key={key}
          label={t(`admin.groups.${label}`)}
          description={t(`admin.groups.${hint}`)}
          value={num(key)}
          onChange={(v) => setting(key, whole(v))}
          min={0}
          allowDecimal={false}
        />
      ))}
    </>
  );
}

/** The per-user caps and the archive size limits, 0 lifting each. */
function GroupCaps({ group }: { group: GroupForm }) {
  const { t } = useTranslation();
  const { num, setting } = group;
  return (
    <>
      {CAPS.map(([key, label]) => (
        <NumberInput
          key={key}
          label={t(`admin.groups.${label}`)}
          description={t("admin.groups.zeroNoLimit")}
          value={num(key)}
          onChange={(v) => setting(key, whole(v))}
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
    </>
  );
}
