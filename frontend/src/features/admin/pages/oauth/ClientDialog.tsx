// Creating or editing an OAuth app: name, homepage, redirect URIs (one per line), the scopes it
// may ask for, description, icon, refresh token lifetime, enabled. A new app gets a secret made
// here (the server never reveals one); "New secret" on an edit replaces it. Either way the
// secret is shown once, after saving. Refusals are shown as the server said them.
import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { appName } from "../../../../components/oauth/appName";
import { OutcomeAlert } from "../../list/TestAndSave";
import { ClientIdentity, ClientLooks, ClientSecret } from "./ClientFields";
import type { OAuthClient } from "./oauthClientsApi";
import { useClientForm } from "./useClientForm";

type Props = {
  editing?: OAuthClient;
  onClose: () => void;
  /** The saved app, and its secret when one was set. */
  onSaved: (client: OAuthClient, secret?: string) => void;
};

export function ClientDialog({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const form = useClientForm({ editing, onClose, onSaved });
  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={
        editing
          ? t("oauth.admin.editTitle", { name: appName(editing.name) })
          : t("oauth.admin.createTitle")
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void form.save();
        }}
      >
        <Stack>
          {editing?.is_system && <Alert color="blue">{t("oauth.admin.systemNote")}</Alert>}
          <ClientIdentity form={form} editing={editing} />
          <ClientLooks form={form} />
          {editing && <ClientSecret form={form} editing={editing} />}
          {form.error && (
            <OutcomeAlert
              outcome={{ ok: false, text: form.error }}
              failedTitle={t("oauth.admin.refused")}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("oauth.admin.cancel")}
            </Button>
            <Button type="submit" loading={form.busy}>
              {t("oauth.admin.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
