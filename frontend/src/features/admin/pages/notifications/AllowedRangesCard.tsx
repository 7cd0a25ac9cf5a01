// The internal address ranges webhooks may reach (the `notification_allowed_cidrs` setting),
// beside the channels it concerns: a webhook to a loopback or private address is refused
// unless a range here holds it, and the refusal names this setting.
import { Alert, Button, Group, Paper, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { SettingField } from "../settings/SettingField";
import { NOTIFICATION_FIELDS } from "../settings/schema";
import { useSiteSettings } from "../settings/settingsApi";
import { useSectionForm, type Values } from "../settings/useSectionForm";

export function AllowedRangesCard() {
  const settings = useSiteSettings();
  if (settings.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(settings.error)}
      </Alert>
    );
  }
  return settings.data ? <RangesForm saved={settings.data} /> : null;
}

function RangesForm({ saved }: { saved: Values }) {
  const { t } = useTranslation();
  const form = useSectionForm(NOTIFICATION_FIELDS, saved);
  return (
    <Paper withBorder p="md" data-testid="notify-allowed-ranges">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void form.save();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t("admin.notify.ranges")}
          </Title>
          {NOTIFICATION_FIELDS.map((f) => (
            <SettingField
              key={f.key}
              field={f}
              value={form.values[f.key] ?? ""}
              error={form.errors[f.key]}
              onChange={(value) => form.setValue(f.key, value)}
            />
          ))}
          {form.failure && (
            <Alert color="red" role="alert">
              {form.failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={form.saving} disabled={form.changed.length === 0}>
              {t("admin.settings.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
