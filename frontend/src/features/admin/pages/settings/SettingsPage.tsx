// The site settings page: one tab per group of settings. Each tab saves the values changed in
// it, after checking them here; the server checks again, and a value it refuses is shown under
// its field with the server's words. Secrets are write-only: empty keeps the stored one.
import { Alert, Button, Center, Group, Loader, Paper, Stack, Tabs, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { SettingField } from "./SettingField";
import { ALL_KEYS, check, type Field, refusedKey, SECTIONS, type SectionId } from "./schema";
import { SETTINGS_QUERY, saveSettings, useSiteSettings } from "./settingsApi";
import { TestMail } from "./TestMail";

type Values = Record<string, string>;

export default function SettingsPage() {
  const { t } = useTranslation();
  const settings = useSiteSettings();
  const [tab, setTab] = useState<SectionId>("site");

  return (
    <Stack gap="md" pb="xl" maw={900}>
      {settings.isPending ? (
        <Center>
          <Loader aria-label={t("admin.settings.loading")} />
        </Center>
      ) : settings.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(settings.error)}
        </Alert>
      ) : (
        <Tabs value={tab} onChange={(v) => v && setTab(v as SectionId)}>
          <Tabs.List>
            {SECTIONS.map((s) => (
              <Tabs.Tab key={s.id} value={s.id}>
                {t(`admin.settings.sections.${s.id}.title`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {SECTIONS.map((s) => (
            <Tabs.Panel key={s.id} value={s.id} pt="md">
              <SectionForm id={s.id} fields={s.fields} saved={settings.data} />
            </Tabs.Panel>
          ))}
        </Tabs>
      )}
    </Stack>
  );
}

function SectionForm({ id, fields, saved }: { id: SectionId; fields: Field[]; saved: Values }) {
  const { t } = useTranslation();
  const tk = t as unknown as (key: string, options?: Record<string, unknown>) => string;
  const queryClient = useQueryClient();
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

  async function save() {
    const problems: Record<string, string> = {};
    for (const f of changed) {
      if (f.kind.type === "secret" && values[f.key] === "") continue;
      const problem = check(f.kind, values[f.key] ?? "");
      if (problem) problems[f.key] = tk(`admin.settings.invalid.${problem.key}`, problem);
    }
    setErrors(problems);
    setFailure(null);
    if (Object.keys(problems).length > 0) return;
    const batch = Object.fromEntries(
      changed
        .filter((f) => !(f.kind.type === "secret" && values[f.key] === ""))
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
      const key = e instanceof ApiError ? refusedKey(e.message, ALL_KEYS) : null;
      if (key) {
        setErrors({ [key]: e instanceof ApiError ? e.message.slice(key.length + 1).trim() : "" });
      } else {
        setFailure(errorMessage(e));
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {tk(`admin.settings.sections.${id}.description`)}
          </Text>
          {fields.map((f) => (
            <SettingField
              key={f.key}
              field={f}
              value={values[f.key] ?? ""}
              error={errors[f.key]}
              onChange={(value) => {
                setValues((v) => ({ ...v, [f.key]: value }));
                setErrors(({ [f.key]: _, ...rest }) => rest);
              }}
            />
          ))}
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          {fields.length > 0 && (
            <Group justify="flex-end">
              <Button
                variant="default"
                disabled={changed.length === 0 || saving}
                onClick={() => {
                  setValues(initial);
                  setErrors({});
                }}
              >
                {t("admin.settings.reset")}
              </Button>
              <Button type="submit" loading={saving} disabled={changed.length === 0}>
                {t("admin.settings.save")}
              </Button>
            </Group>
          )}
          {id === "mail" && <TestMail values={values} />}
        </Stack>
      </form>
    </Paper>
  );
}
