// A group's form: its fields as the dialog holds them (a new group's defaults, or the server's
// group once it has come), the setters, and the save.
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { decodeBoolset, encodeBoolset } from "../../../../lib/boolset";
import type { AdminGroup } from "../../api";
import { saveGroup, useGroup } from "./groupsApi";
import type { GroupSettings } from "./permissions";

export type GroupFormValues = {
  name: string;
  maxStorage: number;
  speedLimit: number;
  policy: string;
  permissions: Set<number>;
  settings: GroupSettings;
};

const GB = 1024 ** 3;
export const DAY = 86_400;

/** The server's value of a per-user cap the group does not set (0 would lift it). */
const CAP_DEFAULTS: Record<string, number> = {
  max_queued_tasks: 100,
  max_shares: 10_000,
  max_dav_accounts: 100,
  snapshot_max_per_folder: 5,
  snapshot_max_schedules: 5,
};

/** A new group: 1 GB, shares and other people's shares allowed, a week in the trash. */
function blank(): GroupFormValues {
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

function formOf(g: AdminGroup): GroupFormValues {
  return {
    name: g.name,
    maxStorage: g.max_storage,
    speedLimit: g.speed_limit,
    policy: g.storage_policy_id ? String(g.storage_policy_id) : "",
    permissions: decodeBoolset(g.permissions),
    settings: (g.settings && typeof g.settings === "object" ? g.settings : {}) as GroupSettings,
  };
}

export function useGroupForm(props: {
  groupId: number | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { groupId } = props;
  const existing = useGroup(groupId);
  const [form, setForm] = useState<GroupFormValues | null>(groupId === null ? blank() : null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (existing.data && !form) setForm(formOf(existing.data));
  }, [existing.data, form]);

  const set = (changes: Partial<GroupFormValues>) => setForm((f) => (f ? { ...f, ...changes } : f));
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
    try {
      await saveGroup(groupId, {
        id: groupId ?? 0,
        name: form.name.trim(),
        max_storage: form.maxStorage,
        speed_limit: form.speedLimit,
        permissions: encodeBoolset(form.permissions),
        settings: form.settings,
        storage_policy_id: Number(form.policy) || 0,
      });
      notifications.show({ color: "green", message: t("admin.groups.saved") });
      props.onSaved();
      props.onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return { existing, form, set, setting, num, nameError, busy, error, submit };
}

export type GroupForm = ReturnType<typeof useGroupForm>;
