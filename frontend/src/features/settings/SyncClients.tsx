// Connect a sync client: Stratus speaks the Nextcloud protocol, so the Nextcloud apps sync with
// it unchanged. Which app for which system, and the address to type; the app then opens a page
// here to approve it (the login flow), which adds it to the devices.
import { Anchor, Button, Code, CopyButton, Group, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { Section } from "./Section";

const CLIENTS = [
  {
    os: "Windows",
    app: "Nextcloud Desktop",
    url: "https://nextcloud.com/install/#install-clients",
  },
  { os: "macOS", app: "Nextcloud Desktop", url: "https://nextcloud.com/install/#install-clients" },
  {
    os: "Linux",
    app: "Nextcloud Desktop (nextcloud-desktop)",
    url: "https://nextcloud.com/install/#install-clients",
  },
  {
    os: "Android",
    app: "Nextcloud (Google Play, F-Droid)",
    url: "https://nextcloud.com/install/#install-clients",
  },
  {
    os: "iOS",
    app: "Nextcloud (App Store)",
    url: "https://nextcloud.com/install/#install-clients",
  },
] as const;

export default function SyncClients() {
  const { t } = useTranslation();
  const address = window.location.origin;
  return (
    <Stack maw={820} mx="auto" gap="md" pb="xl">
      <Title order={1} size="h2">
        {t("settings.syncClients.title")}
      </Title>
      <Section
        id="sync-address"
        title={t("settings.syncClients.addressTitle")}
        description={t("settings.syncClients.addressIntro")}
      >
        <Group gap="sm">
          <Code fz="md" data-testid="server-address">
            {address}
          </Code>
          <CopyButton value={address}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? t("settings.syncClients.copied") : t("settings.syncClients.copy")}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm">{t("settings.syncClients.steps")}</Text>
      </Section>
      <Section id="sync-apps" title={t("settings.syncClients.appsTitle")}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("settings.syncClients.system")}</Table.Th>
              <Table.Th>{t("settings.syncClients.app")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {CLIENTS.map((c) => (
              <Table.Tr key={c.os}>
                <Table.Td>{c.os}</Table.Td>
                <Table.Td>
                  <Anchor href={c.url} target="_blank" rel="noreferrer">
                    {c.app}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          {t("settings.syncClients.owncloud")}
        </Text>
      </Section>
      <Anchor component={Link} to="/settings" size="sm">
        {t("settings.syncClients.back")}
      </Anchor>
    </Stack>
  );
}
