// Devices: the sync clients (Nextcloud and ownCloud apps) signed in with an app password, when
// each was added and last used; revoking one refuses its next request. A link leads to the
// page telling how to connect a client; a user whose group has no WebDAV (which the apps go
// through) is told so instead, before setting anything up.
import { Alert, Anchor, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type AppPassword,
  revokeAppPassword,
  useAppPasswords,
} from "../../api/devices/appPasswords";
import { useSession } from "../../api/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { DeviceIcon } from "./DeviceIcon";
import { canUseWebDav } from "./groupRights";
import { Section } from "./Section";

export function DevicesSection() {
  const { t } = useTranslation();
  const devices = useAppPasswords();
  const allowed = canUseWebDav(useSession()?.user);
  const [revoking, setRevoking] = useState<AppPassword | null>(null);
  return (
    <Section
      id="devices"
      title={t("settings.devices.title")}
      description={t("settings.devices.intro")}
    >
      {!allowed && (
        <Text size="sm" data-testid="devices-unavailable">
          {t("settings.devices.unavailable")}
        </Text>
      )}
      {devices.isPending ? (
        <Loader size="sm" aria-label={t("explorer.loading")} />
      ) : devices.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(devices.error)}
        </Alert>
      ) : devices.data.length === 0 ? (
        allowed && <Text size="sm">{t("settings.devices.none")}</Text>
      ) : (
        <Stack gap="md" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {devices.data.map((device) => (
            <DeviceRow key={device.id} device={device} onRevoke={() => setRevoking(device)} />
          ))}
        </Stack>
      )}
      {allowed && (
        <Anchor component={Link} to="/settings/sync-clients" size="sm">
          {t("settings.devices.connect")}
        </Anchor>
      )}
      {revoking && (
        <ConfirmDialog
          title={t("settings.devices.revokeTitle")}
          message={t("settings.devices.revokeBody", { device: revoking.name })}
          confirmLabel={t("settings.devices.revoke")}
          onConfirm={() => revokeAppPassword(revoking.id)}
          onClose={() => setRevoking(null)}
        />
      )}
    </Section>
  );
}

function DeviceRow({ device, onRevoke }: { device: AppPassword; onRevoke: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <li data-testid="app-password">
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Group wrap="nowrap" align="flex-start" gap="sm" style={{ minWidth: 0 }}>
          <DeviceIcon name={device.name} size={28} />
          <div style={{ minWidth: 0 }}>
            <Text fw={500} style={{ overflowWrap: "anywhere" }}>
              {device.name}
            </Text>
            <Text size="xs" c="dimmed">
              {[
                t("settings.devices.added", {
                  when: formatDate(device.created_at, i18n.language),
                }),
                device.last_used_at
                  ? t("settings.devices.lastUsed", {
                      when: formatDate(device.last_used_at, i18n.language),
                    })
                  : t("settings.devices.neverUsed"),
              ].join(" · ")}
            </Text>
          </div>
        </Group>
        <Button
          size="xs"
          variant="light"
          color="red"
          aria-label={t("settings.devices.revokeOf", { device: device.name })}
          onClick={onRevoke}
          style={{ flex: "none" }}
        >
          {t("settings.devices.revoke")}
        </Button>
      </Group>
    </li>
  );
}
