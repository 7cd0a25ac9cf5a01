// What an app's developer configures: the client id, the issuer URL (from which an OpenID
// Connect client discovers the rest) and the site's OAuth addresses, each with a copy button.
import { Code, Fieldset, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { CopyIcon } from "../../../../components/CopyIcon";
import { endpoints } from "./oauthClientsApi";

export function Endpoints({ clientId, secret }: { clientId: string; secret?: string }) {
  const { t } = useTranslation();
  const urls = endpoints(window.location.origin);
  const rows: [string, string][] = [
    [t("oauth.admin.clientId"), clientId],
    ...(secret ? ([[t("oauth.admin.secret"), secret]] as [string, string][]) : []),
    [t("oauth.admin.endpoint.issuer"), urls.issuer],
    [t("oauth.admin.endpoint.authorize"), urls.authorize],
    [t("oauth.admin.endpoint.token"), urls.token],
    [t("oauth.admin.endpoint.refresh"), urls.refresh],
    [t("oauth.admin.endpoint.userinfo"), urls.userinfo],
  ];
  return (
    <Fieldset legend={t("oauth.admin.endpoints")}>
      <Stack gap={6}>
        {rows.map(([label, value]) => (
          <div key={label}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Code style={{ overflowWrap: "anywhere", flex: 1 }}>{value}</Code>
              <CopyIcon
                value={value}
                label={t("oauth.admin.copyNamed", { name: label })}
                tooltip={t("oauth.admin.copy")}
                variant="subtle"
                size="sm"
              />
            </Group>
          </div>
        ))}
      </Stack>
    </Fieldset>
  );
}
