// File versions: whether overwriting a file keeps the old one, how many, and for which types.
import { Button, Group, NumberInput, Stack, Switch, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { patchSettings } from "../../api/account/userSettings";
import type { Schemas } from "../../api/client";
import { useSubmit } from "../../lib/form";
import { Section } from "./Section";

export function VersionsSection({ settings }: { settings: Schemas["UserSettings"] }) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(settings.version_retention_enabled);
  const [max, setMax] = useState<number>(settings.version_retention_max ?? 0);
  const [exts, setExts] = useState((settings.version_retention_ext ?? []).join(", "));

  const { busy, error, submit } = useSubmit(async () => {
    await patchSettings({
      version_retention_enabled: enabled,
      version_retention_max: max,
      version_retention_ext: exts
        .split(/[\s,]+/)
        .map((e) => e.replace(/^\./, "").trim())
        .filter(Boolean),
    });
    notifications.show({ color: "green", message: t("settings.saved") });
  });

  return (
    <Section
      id="versions"
      title={t("settings.versions.title")}
      description={t("settings.versions.intro")}
    >
      <form onSubmit={submit}>
        <Stack gap="sm" maw={400}>
          <Switch
            label={t("settings.versions.keep")}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <NumberInput
            label={t("settings.versions.max")}
            description={t("settings.versions.maxHint")}
            min={0}
            allowDecimal={false}
            disabled={!enabled}
            value={max}
            onChange={(v) => setMax(typeof v === "number" ? v : 0)}
          />
          <TextInput
            label={t("settings.versions.exts")}
            description={t("settings.versions.extsHint")}
            placeholder="docx, xlsx, md"
            disabled={!enabled}
            value={exts}
            onChange={(e) => setExts(e.currentTarget.value)}
          />
          {error && (
            <Text c="red" role="alert" size="sm">
              {error}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              {t("settings.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
