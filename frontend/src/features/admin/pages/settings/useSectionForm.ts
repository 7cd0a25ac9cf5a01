// The state of one settings tab: the values as edited, their problems, and saving the changed
// ones after checking them here (the server checks again; a value it refuses is put under its
// field with the server's words). Secrets are write-only: empty keeps the stored one.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { ALL_KEYS, check, type Field, refusedKey } from "./schema";
import { SETTINGS_QUERY, saveSettings } from "./settingsApi";

export type Values = Record<string, string>;

/** A secret left empty: kept as stored, neither checked nor sent. */
const keepsSecret = (f: Field, values: Values) => f.kind.type === "secret" && values[f.key] === "";

/** The problems of the changed values, as translated messages by key. */
function useProblems() {
  const { t } = useTranslation();
  const tk = t as unknown as (key: string, options?: Record<string, unknown>) => string;
  return (changed: Field[], values: Values) => {
    const problems: Record<string, string> = {};
    for (const f of changed) {
      if (keepsSecret(f, values)) continue;
      const problem = check(f.kind, values[f.key] ?? "");
      if (problem) problems[f.key] = tk(`admin.settings.invalid.${problem.key}`, problem);
    }
    return problems;
  };
}

export function useSectionForm(fields: Field[], saved: Values) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const problemsOf = useProblems();
  const initial = useMemo(
    () => Object.fromEntries(fields.map((f) => [f.key, saved[f.key] ?? ""])),
    [fields, saved],
  );
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setValues(initial), [initial]);

  const changed = fields.filter((f) => values[f.key] !== initial[f.key]);

  /** Puts a refusal of the server under the field it names, else above the buttons. */
  const refused = (e: unknown) => {
    const key = e instanceof ApiError ? refusedKey(e.message, ALL_KEYS) : null;
    if (key && e instanceof ApiError) setErrors({ [key]: e.message.slice(key.length + 1).trim() });
    else setFailure(errorMessage(e));
  };

  async function save() {
    const problems = problemsOf(changed, values);
    setErrors(problems);
    setFailure(null);
    if (Object.keys(problems).length > 0) return;
    const batch = Object.fromEntries(
      changed
        .filter((f) => !keepsSecret(f, values))
        .map((f) => [f.key, values[f.key]?.trim() ?? ""]),
    );
    if (Object.keys(batch).length === 0) return;
    setSaving(true);
    try {
      await saveSettings(batch);
      // Secrets are never read back: the field empties again once saved.
      await queryClient.invalidateQueries({ queryKey: SETTINGS_QUERY });
      await queryClient.invalidateQueries({ queryKey: ["site-config"] });
      notifications.show({ color: "green", message: t("admin.settings.saved") });
    } catch (e) {
      refused(e);
    } finally {
      setSaving(false);
    }
  }

  return {
    values,
    errors,
    failure,
    saving,
    changed,
    save,
    setValue: (key: string, value: string) => {
      setValues((v) => ({ ...v, [key]: value }));
      setErrors(({ [key]: _, ...rest }) => rest);
    },
    reset: () => {
      setValues(initial);
      setErrors({});
    },
  };
}
