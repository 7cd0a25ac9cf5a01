// The site settings page: one tab per group of settings, each saving the values changed in it
// (useSectionForm.ts); the media tab also has a card per thumbnail generator (Generators.tsx).
// Save and Undo stay at the bottom of the window while a long tab scrolls (the media tab is
// thousands of pixels tall), so a change made at the top is saved without a trip down. On a
// phone the tabs are one drop-down list rather than rows of tabs.
import {
  Alert,
  Button,
  Center,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  Tabs,
  Text,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { DirectoryTest } from "./DirectoryTest";
import { Generators } from "./Generators";
import { GuardNotice } from "./GuardNotice";
import { SettingField } from "./SettingField";
import { type Field, SECTIONS, type Section, type SectionId, sectionFields } from "./schema";
import { useSiteSettings } from "./settingsApi";
import { TestMail } from "./TestMail";
import { useSectionForm, type Values } from "./useSectionForm";

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
          <NativeSelect
            hiddenFrom="sm"
            label={t("admin.settings.section")}
            value={tab}
            onChange={(e) => setTab(e.currentTarget.value as SectionId)}
            data={SECTIONS.map((s) => ({
              value: s.id,
              label: t(`admin.settings.sections.${s.id}.title`),
            }))}
          />
          <Tabs.List visibleFrom="sm">
            {SECTIONS.map((s) => (
              <Tabs.Tab key={s.id} value={s.id}>
                {t(`admin.settings.sections.${s.id}.title`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {SECTIONS.map((s) => (
            <Tabs.Panel key={s.id} value={s.id} pt="md">
              <SectionForm section={s} saved={settings.data} />
            </Tabs.Panel>
          ))}
        </Tabs>
      )}
    </Stack>
  );
}

function SectionForm({ section, saved }: { section: Section; saved: Values }) {
  const { t } = useTranslation();
  const tk = t as unknown as (key: string) => string;
  const fields = useMemo(() => sectionFields(section), [section]);
  const form = useSectionForm(fields, saved);
  const field = (f: Field) => (
    <SettingField
      key={f.key}
      field={f}
      value={form.values[f.key] ?? ""}
      error={form.errors[f.key]}
      onChange={(value) => form.setValue(f.key, value)}
    />
  );

  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void form.save();
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {tk(`admin.settings.sections.${section.id}.description`)}
          </Text>
          {section.id === "guard" && <GuardNotice saved={saved} />}
          {section.fields.map(field)}
          {section.generators && (
            <Generators
              generators={section.generators}
              values={form.values}
              errors={form.errors}
              onChange={form.setValue}
            />
          )}
          {form.failure && (
            <Alert color="red" role="alert">
              {form.failure}
            </Alert>
          )}
          {fields.length > 0 && <FormButtons form={form} />}
          {section.id === "mail" && <TestMail values={form.values} />}
          {section.id === "ldap" && <DirectoryTest />}
        </Stack>
      </form>
    </Paper>
  );
}

function FormButtons({ form }: { form: ReturnType<typeof useSectionForm> }) {
  const { t } = useTranslation();
  const none = form.changed.length === 0;
  return (
    <Group
      justify="flex-end"
      data-testid="settings-save-bar"
      pos="sticky"
      bottom={0}
      py="sm"
      style={{
        zIndex: 2,
        background: "var(--mantine-color-body)",
        borderTop: "1px solid var(--mantine-color-default-border)",
      }}
    >
      <Button variant="default" disabled={none || form.saving} onClick={form.reset}>
        {t("admin.settings.reset")}
      </Button>
      <Button type="submit" loading={form.saving} disabled={none}>
        {t("admin.settings.save")}
      </Button>
    </Group>
  );
}
