// OAuth apps (spec 4.18 §2.13): the apps that may ask users for access to their accounts, searched
// by name and filtered by whether they are enabled. The system apps (the official desktop and
// iOS clients, whose ids and secrets those clients carry) are marked and cannot be deleted.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { appName } from "../../../../components/oauth/appName";
import { EditableList } from "../../EditableList";
import { ClientDialog } from "./ClientDialog";
import { clientBatchActions, clientColumns, clientFilters } from "./clientColumns";
import { Endpoints } from "./Endpoints";
import { CLIENTS_LIST, deleteClient, listClients, type OAuthClient } from "./oauthClientsApi";

type Revealed = { client: OAuthClient; secret: string };

export default function OAuthAppsPage() {
  const { t, i18n } = useTranslation();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const named = (c: OAuthClient) => ({ name: appName(c.name) });

  return (
    <>
      <EditableList<OAuthClient>
        id={CLIENTS_LIST}
        title={t("admin.nav.oauthApps")}
        fetchPage={listClients}
        columns={(open) => clientColumns(t, i18n.language, open)}
        filters={clientFilters(t)}
        batchActions={clientBatchActions(t)}
        rowKey={(c) => c.id}
        rowName={(c) => appName(c.name)}
        defaultOrder={{ by: "id", direction: "asc" }}
        createLabel={t("oauth.admin.create")}
        edit={{ tip: t("oauth.admin.edit"), label: (c) => t("oauth.admin.editNamed", named(c)) }}
        remove={{
          tip: t("oauth.admin.delete"),
          label: (c) => t("oauth.admin.deleteNamed", named(c)),
          title: (c) => t("oauth.admin.deleteTitle", named(c)),
          what: t("oauth.admin.deleteWhat"),
          run: (c) => deleteClient(c.id),
          kept: (c) => (c.is_system ? t("oauth.admin.systemKept") : undefined),
        }}
        dialog={(client, close, saved) => (
          <ClientDialog
            editing={client}
            onClose={close}
            onSaved={(savedClient, secret) => {
              void saved();
              if (secret) setRevealed({ client: savedClient, secret });
            }}
          />
        )}
      />
      {revealed && <SecretModal revealed={revealed} onClose={() => setRevealed(null)} />}
    </>
  );
}

/** A new app's secret, shown this once with the addresses its developer configures. */
function SecretModal({ revealed, onClose }: { revealed: Revealed; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened
      size="lg"
      onClose={onClose}
      title={t("oauth.admin.secretTitle", { name: appName(revealed.client.name) })}
    >
      <Stack>
        <Text size="sm">{t("oauth.admin.secretOnce")}</Text>
        <Endpoints clientId={revealed.client.guid} secret={revealed.secret} />
        <Group justify="flex-end">
          <Button onClick={onClose}>{t("oauth.admin.secretDone")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
