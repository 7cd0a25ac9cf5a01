// Passkeys: the account's list (name, added, last used), adding one with this browser's
// authenticator, and removing one.
import { ActionIcon, Button, Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconKey, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { addPasskey, passkeyOptions, removePasskey } from "../../api/account/userSettings";
import type { Schemas } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { createPasskey, passkeysSupported, serializeCredential } from "../../lib/webauthn";
import { Section } from "./Section";

export function PasskeysSection({ passkeys }: { passkeys: Schemas["Passkey"][] }) {
  const { t } = useTranslation();
  const [removing, setRemoving] = useState<Schemas["Passkey"] | null>(null);
  const { busy, add } = useAddPasskey();

  return (
    <Section
      id="passkeys"
      title={t("settings.passkeys.title")}
      description={t("settings.passkeys.intro")}
    >
      {passkeys.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("settings.passkeys.none")}
        </Text>
      ) : (
        <PasskeysTable passkeys={passkeys} remove={setRemoving} />
      )}
      <Stack gap={4}>
        <Group>
          <Button
            variant="default"
            leftSection={<IconKey size={16} />}
            loading={busy}
            disabled={!passkeysSupported()}
            onClick={add}
          >
            {t("settings.passkeys.add")}
          </Button>
        </Group>
        {!passkeysSupported() && (
          <Text size="sm" c="dimmed">
            {t("settings.passkeys.unsupported")}
          </Text>
        )}
      </Stack>
      {removing && (
        <ConfirmDialog
          title={t("settings.passkeys.removeTitle")}
          message={t("settings.passkeys.removeBody", { name: removing.name })}
          confirmLabel={t("settings.passkeys.remove")}
          onConfirm={() => removePasskey(removing.id)}
          onClose={() => setRemoving(null)}
        />
      )}
    </Section>
  );
}

/** Adds a passkey made by this browser's authenticator; a prompt closed by the user is no error. */
function useAddPasskey() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  const add = async () => {
    setBusy(true);
    try {
      const options = await passkeyOptions();
      const credential = await createPasskey(options);
      await addPasskey(serializeCredential(credential));
      notifications.show({ color: "green", message: t("settings.passkeys.added") });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === "NotAllowedError")) notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  return { busy, add };
}

function PasskeysTable({
  passkeys,
  remove,
}: {
  passkeys: Schemas["Passkey"][];
  remove: (passkey: Schemas["Passkey"]) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table aria-label={t("settings.passkeys.title")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("settings.passkeys.name")}</Table.Th>
            <Table.Th>{t("settings.passkeys.added_at")}</Table.Th>
            <Table.Th>{t("settings.passkeys.used_at")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("share.col.actions")}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {passkeys.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>{formatDate(p.created_at, i18n.language)}</Table.Td>
              <Table.Td>
                {p.used_at ? formatDate(p.used_at, i18n.language) : t("settings.never")}
              </Table.Td>
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t("settings.passkeys.removeOf", { name: p.name })}
                  onClick={() => remove(p)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
