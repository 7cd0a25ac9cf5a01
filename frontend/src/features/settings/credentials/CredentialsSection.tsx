// Devices and keys: every credential of the account in one list (web sessions, sync clients'
// app passwords, WebDAV accounts, S3 keys, OAuth apps) with its last use, the folder it
// reaches and whether the guard stopped it; revoking one refuses its next request, whatever
// way in it uses. The create dialogs stay in their own sections.
import { Alert, Badge, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  revokeCredential,
  type UserCredential,
  useCredentials,
} from "../../../api/devices/credentials";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { errorMessage } from "../../../lib/errors";
import { Section } from "../Section";
import { reachLine, usageLine } from "./credentialDetails";

export function CredentialsSection() {
  const { t } = useTranslation();
  const credentials = useCredentials();
  const [revoking, setRevoking] = useState<UserCredential | null>(null);
  return (
    <Section
      id="credentials"
      title={t("settings.credentials.title")}
      description={t("settings.credentials.intro")}
    >
      {credentials.isPending ? (
        <Loader size="sm" aria-label={t("explorer.loading")} />
      ) : credentials.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(credentials.error)}
        </Alert>
      ) : (
        <Stack gap="md" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {credentials.data.map((c) => (
            <CredentialRow key={`${c.kind}:${c.id}`} c={c} onRevoke={() => setRevoking(c)} />
          ))}
        </Stack>
      )}
      {revoking && (
        <ConfirmDialog
          title={t("settings.credentials.revokeTitle")}
          message={t("settings.credentials.revokeBody", { name: revoking.name })}
          confirmLabel={t("settings.credentials.revoke")}
          onConfirm={() => revokeCredential(revoking.kind, revoking.id)}
          onClose={() => setRevoking(null)}
        />
      )}
    </Section>
  );
}

function CredentialRow({ c, onRevoke }: { c: UserCredential; onRevoke: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <li data-testid="credential" data-kind={c.kind}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Badge size="sm" variant="light">
              {t(`settings.credentials.kind.${c.kind}`, { defaultValue: c.kind })}
            </Badge>
            <Text fw={500} style={{ overflowWrap: "anywhere" }}>
              {c.name}
            </Text>
            {c.current && (
              <Badge size="sm" variant="dot" color="green">
                {t("settings.credentials.thisDevice")}
              </Badge>
            )}
            {c.stopped && (
              <Badge size="sm" color="red">
                {t("settings.credentials.stopped")}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {usageLine(c, t, i18n.language)}
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {reachLine(c, t)}
          </Text>
        </div>
        {!c.current && (
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={t("settings.credentials.revokeOf", { name: c.name })}
            onClick={onRevoke}
            style={{ flex: "none" }}
          >
            {t("settings.credentials.revoke")}
          </Button>
        )}
      </Group>
    </li>
  );
}
