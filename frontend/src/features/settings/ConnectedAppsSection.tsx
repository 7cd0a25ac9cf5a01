// Connected apps: the apps the user let into the account (`oauth_grants`, spec 4.18 §2.10) with the
// access each holds and when it last used it; Revoke ends the grant, so the app's next refresh
// fails and it has to ask again.
import { Button, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type OAuthGrant, revokeGrant } from "../../api/account/oauth";
import { invalidateUserSettings } from "../../api/account/userSettings";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { AppIcon } from "../../components/oauth/AppIcon";
import { appName } from "../../components/oauth/appName";
import { ScopeList } from "../../components/oauth/ScopeList";
import { formatDate } from "../../lib/format";
import { Section } from "./Section";

export function ConnectedAppsSection({ grants }: { grants: OAuthGrant[] }) {
  const { t, i18n } = useTranslation();
  const [revoking, setRevoking] = useState<OAuthGrant | null>(null);

  const revoke = async (grant: OAuthGrant) => {
    await revokeGrant(grant.client_id);
    await invalidateUserSettings();
    notifications.show({
      color: "green",
      message: t("oauth.apps.revoked", { app: appName(grant.client_name) }),
    });
  };

  return (
    <Section id="apps" title={t("oauth.apps.title")} description={t("oauth.apps.intro")}>
      {grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("oauth.apps.none")}
        </Text>
      ) : (
        <Stack gap="md" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {grants.map((grant) => {
            const name = appName(grant.client_name);
            return (
              <li key={grant.client_id}>
                <Group align="flex-start" wrap="nowrap" gap="sm">
                  <AppIcon src={grant.client_logo} size={40} />
                  <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <div style={{ minWidth: 0 }}>
                        <Text fw={500} style={{ overflowWrap: "anywhere" }}>
                          {name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t("oauth.apps.lastUsed", {
                            when: grant.last_used_at
                              ? formatDate(grant.last_used_at, i18n.language)
                              : t("settings.never"),
                          })}
                        </Text>
                      </div>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        aria-label={t("oauth.apps.revokeOf", { app: name })}
                        onClick={() => setRevoking(grant)}
                      >
                        {t("oauth.apps.revoke")}
                      </Button>
                    </Group>
                    <ScopeList scopes={grant.scopes} compact />
                  </Stack>
                </Group>
              </li>
            );
          })}
        </Stack>
      )}
      {revoking && (
        <ConfirmDialog
          title={t("oauth.apps.revokeTitle")}
          message={t("oauth.apps.revokeBody", { app: appName(revoking.client_name) })}
          confirmLabel={t("oauth.apps.revoke")}
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(null)}
        />
      )}
    </Section>
  );
}
